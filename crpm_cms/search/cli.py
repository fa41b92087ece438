"""``crpm search reindex`` and ``crpm search check``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

search_group = click.Group("search", help="The full-text search index.")
SHOWN = 20  # uids listed per problem; the counts say the rest


@search_group.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database (the site keeps answering meanwhile)."""
    from crpm_cms.search.backends import IndexLocked
    from crpm_cms.search.indexing import all_records, reindex, url_context

    with url_context():
        total = sum(1 for _ in all_records())  # a first, cheap pass: the bar's length
    try:
        with click.progressbar(length=total, label=_("Indexing"), show_pos=True) as bar:
            count = reindex(progress=bar.update)
    except IndexLocked:
        raise click.ClickException(_("The index is locked by another writer (a reindex already "
                                     "running?). Try again later.")) from None
    click.echo(_("%(count)s record(s) indexed.", count=count))


@search_group.command("check")
@with_appcontext
def check_command() -> None:
    """Report records missing from, stale in or unknown to the index; exit 1 if any."""
    from crpm_cms.search.backends import SearchUnavailable
    from crpm_cms.search.indexing import check

    try:
        report = check()
    except SearchUnavailable:
        raise click.ClickException(_("The search index is missing or unreadable: run "
                                     "`crpm search reindex`.")) from None
    click.echo(_("%(indexed)s record(s) in the index, %(expected)s expected, %(pending)s "
                 "change(s) waiting in the outbox.", indexed=report.indexed,
                 expected=report.expected, pending=report.pending))
    for label, uids in ((_("Missing from the index"), report.missing),
                        (_("Out of date in the index"), report.stale),
                        (_("In the index but not in the database"), report.extra)):
        if uids:
            shown = ", ".join(uids[:SHOWN]) + (" …" if len(uids) > SHOWN else "")
            click.echo(f"{label} ({len(uids)}): {shown}")
    if not report.healthy:
        raise SystemExit(1)
    click.echo(_("The index is complete and up to date."))
