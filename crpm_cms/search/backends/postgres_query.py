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


def facet_key(facet: str, value: str) -> str:
    return f"{facet}:{value}"


def conditions(request: SearchRequest, tsquery: str) -> tuple[str, dict[str, Any]]:
    """The WHERE clause: rights and the clock at query time, the words, the chosen filters."""
    where = ["access = ANY(:access)", "owner = ANY(:owners)",
             "(visible_from IS NULL OR visible_from <= :now)",
             "(visible_until IS NULL OR visible_until > :now)"]
    params: dict[str, Any] = {"access": list(request.access), "owners": list(request.owners),
                              "now": request.now, "q": tsquery}
    if tsquery:
        where.append("document @@ CAST(:q AS tsquery)")
    if request.filters:
        where.append("facet_keys @> CAST(:chosen AS text[])")
        params["chosen"] = [facet_key(facet, value) for facet, value in request.filters.items()]
    return " AND ".join(where), params


def page_sql(request: SearchRequest, where: str, total: int, start: int) -> str:
    """One page, ranked exactly up to ``RANK_ALL`` matches; beyond, among the title matches
    first (newest first), as ranking tens of thousands of rows would read every document."""
    by_date = request.sort == "date" or request.query.empty
    candidates = f"SELECT * FROM search_entries WHERE {where}"
    if not by_date and total > RANK_ALL:
        wanted = max(CANDIDATES, start + request.per_page)
        candidates += f" ORDER BY {TITLE_FIRST} LIMIT {wanted}"
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
    clauses, highlights = [], []
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
