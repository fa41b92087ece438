"""The SQL of the PostgreSQL backend's queries: a user's words as a tsquery, the visitor's rights
and filters as conditions, and the facet counts in one pass over the matching rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from crpm_cms.extensions import db
from crpm_cms.search.analysis import UserQuery, terms
from crpm_cms.search.backends import SearchRequest

LANGUAGE_MARKS = {"fr": "lang_fr", "en": "lang_en"}  # lexemes no user word can produce
RANK_ALL = 1_000  # up to this many matches, every one is ranked with ts_rank
CANDIDATES = 200  # beyond it, the best title matches, newest first, are ranked
SAMPLE_SHARE = 16  # rows whose ``sample`` is 0 (a fixed hash of the uid) are 1 in 16
IN_SAMPLE = "sample = 0"

FACETS_SQL = ("SELECT key, count(*) FROM (SELECT unnest(facet_keys) AS key FROM search_entries "
              "WHERE {where}) AS keys GROUP BY key")
PAGE_SQL = (
    "SELECT kind, key, title, url, type, countries, year, language, published_on, "
    "left(body, 2000) AS opening, {headline} AS snippet FROM ({candidates}) AS page "
    "ORDER BY {order} LIMIT :limit OFFSET :offset")
HEADLINE = ("ts_headline(CASE WHEN language = 'en' THEN CAST('crpm_en' AS regconfig) ELSE "
            "CAST('crpm_fr' AS regconfig) END, body, CAST(:highlight AS tsquery), :options)")
NEWEST = "COALESCE(visible_from, published_on) DESC NULLS LAST, uid"
BEST = "ts_rank(document, CAST(:q AS tsquery)) DESC, " + NEWEST
TITLE_FIRST = "(title_document @@ CAST(:highlight AS tsquery)) DESC, " + NEWEST
# The first ``wanted`` matches in TITLE_FIRST order are among the newest title matches and the
# newest matches: both are found by walking the ``NEWEST`` index (or the title index), so a word
# in most documents costs a few hundred rows, not tens of thousands. Only the title matches'
# documents are read, to check the whole query.
TITLE_FIRST_CANDIDATES = f"""SELECT * FROM search_entries WHERE uid IN (
    (WITH titled AS MATERIALIZED (
        SELECT uid FROM search_entries WHERE {{rights}}
            AND title_document @@ CAST(:highlight AS tsquery) ORDER BY {NEWEST} LIMIT {{wanted}})
     SELECT uid FROM titled JOIN search_entries USING (uid) WHERE {{where}})
    UNION ALL
    (SELECT uid FROM search_entries WHERE {{where}} ORDER BY {NEWEST} LIMIT {{wanted}}))
ORDER BY {TITLE_FIRST} LIMIT {{wanted}}"""


def facet_key(facet: str, value: str) -> str:
    return f"{facet}:{value}"


def conditions(request: SearchRequest, tsquery: str) -> tuple[str, str, dict[str, Any]]:
    """The WHERE clauses: rights, the clock at query time and the chosen filters; then the
    same with the words. With words, the filters join them in the GIN index (each record's
    facet keys are lexemes of its document, which no typed word can produce: they hold a
    colon)."""
    where = ["access = ANY(:access)", "owner = ANY(:owners)",
             "(visible_from IS NULL OR visible_from <= :now)",
             "(visible_until IS NULL OR visible_until > :now)"]
    params: dict[str, Any] = {"access": list(request.access), "owners": list(request.owners),
                              "now": request.now, "q": tsquery}
    chosen = [facet_key(facet, value) for facet, value in request.filters.items()]
    filtered = [*where, "facet_keys @> CAST(:chosen AS text[])"] if chosen else where
    params["chosen"] = chosen
    if not tsquery:
        return " AND ".join(filtered), " AND ".join(filtered), params
    if chosen:
        params["q"] = " & ".join([f"({tsquery})", *map(lexeme, chosen)])
    return " AND ".join(filtered), " AND ".join([*where, "document @@ CAST(:q AS tsquery)"]), \
        params


def lexeme(value: str) -> str:
    """``value`` as one quoted lexeme of a tsquery, whatever characters it holds."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def page_sql(request: SearchRequest, rights: str, where: str, total: int, start: int) -> str:
    """One page, ranked exactly up to ``RANK_ALL`` matches; beyond, among the title matches
    first (newest first), as ranking tens of thousands of rows would read every document."""
    by_date = request.sort == "date" or request.query.empty
    if by_date or total <= RANK_ALL:
        candidates = f"SELECT * FROM search_entries WHERE {where}"
    else:
        wanted = max(CANDIDATES, start + request.per_page)
        candidates = TITLE_FIRST_CANDIDATES.format(rights=rights, where=where, wanted=wanted)
    headline = "''" if request.query.empty else HEADLINE
    return PAGE_SQL.format(headline=headline, candidates=candidates,
                           order=NEWEST if by_date else BEST)


def compile_query(query: UserQuery) -> tuple[str, str]:
    """The user's words as tsquery texts built by PostgreSQL's own parsers from bound values (so
    no typed syntax reaches ``to_tsquery``): the query that matches, and the one that highlights.

    In the first, each side of a word is limited to documents of that language, and a stop word
    of one language matches every document of that language; the second only ORs the words, as
    ``ts_headline`` picks fragments that satisfy its whole query.
    """
    parts = [(word, "plainto_tsquery") for word in query.words]
    parts += [(" ".join(words), "phraseto_tsquery") for words in query.phrases]
    parts += [(word, "plainto_tsquery") for word in query.excluded]
    if not parts:
        return "", ""
    selects = ", ".join(
        f"CAST({function}('crpm_fr', :p{i}) AS text), CAST({function}('crpm_en', :p{i}) AS text)"
        for i, (_, function) in enumerate(parts))
    row = db.session.execute(text(f"SELECT {selects}"),
                             {f"p{i}": value for i, (value, _) in enumerate(parts)}).one()
    clauses: list[str] = []
    highlights: list[str] = []
    for i, (value, _) in enumerate(parts):
        # Stop words are the Python analysis' (the same for both backends): PostgreSQL's French
        # list lacks "les", for one.
        sides = {"fr": row[2 * i] if terms(value, "fr") else "",
                 "en": row[2 * i + 1] if terms(value, "en") else ""}
        if not any(sides.values()):
            continue
        clause = " | ".join(f"(({side}) & {LANGUAGE_MARKS[lang]})" if side else LANGUAGE_MARKS[lang]
                            for lang, side in sides.items())
        if i >= len(query.words) + len(query.phrases):
            clauses.append(f"!({clause})")
        else:
            clauses.append(f"({clause})")
            highlights.extend(f"({side})" for side in sides.values() if side)
    if clauses and all(clause.startswith("!") for clause in clauses):
        clauses.insert(0, f"({LANGUAGE_MARKS['fr']} | {LANGUAGE_MARKS['en']})")
    return " & ".join(clauses), " | ".join(highlights)
