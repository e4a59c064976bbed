"""``scnews changes``: the edits, withdrawals and reappearances the revisits found."""

from __future__ import annotations

import json
from datetime import datetime

import click

from crawler.cli.options import db_option
from crawler.cli.search import OneLineCommand, open_db, user_errors
from crawler.database import CHANGE_KINDS


def _since(ctx: click.Context, param: click.Parameter, value: str) -> datetime:
    from crawler.crawl_args import CrawlArgumentError, parse_when
    from crawler.timewindow import CHINA

    try:
        return parse_when(value, datetime.now(CHINA))
    except CrawlArgumentError as exc:
        raise click.BadParameter(str(exc).removeprefix("--since: ")) from None


@click.command("changes", cls=OneLineCommand)
@click.option(
    "--since",
    metavar="WHEN",
    default="1d",
    show_default=True,
    callback=_since,
    help="Changes detected since: 1d, 12h, 2w, today, yesterday, 2024-04-01 (China time).",
)
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(CHANGE_KINDS),
    multiple=True,
    help="Only this kind (repeatable): edited, removed or restored.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "atom"]), default="table", show_default=True
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N changes (newest first).")
@db_option
@user_errors
def changes_command(
    since: datetime, kinds: tuple[str, ...], fmt: str, limit: int | None, db_path: str | None
) -> None:
    """List the edits, withdrawals (删稿) and reappearances of articles, newest first, with diffs.

    Edits come with a readable diff (changed paragraphs; [-removed-] and {+added+} inside a paragraph).
    The revisits of 'scnews crawl' and 'scnews revisit' find them. Prints nothing in table format when
    nothing changed, so cron mails only news.

    Example: scnews changes --since 1d --kind removed --format atom
    """
    from crawler.changes import ChangeQuery, format_table, list_changes

    found = list_changes(open_db(db_path), ChangeQuery(since=since, kinds=kinds, limit=limit))
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    elif fmt == "atom":
        from crawler.changes_atom import changes_feed

        click.echo(changes_feed(found), nl=False)
    elif found:
        click.echo(format_table(found))
