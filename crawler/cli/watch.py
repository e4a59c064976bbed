"""``scnews watch``: standing searches that report what is new since they last ran (for cron)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.escape import line
from crawler.cli.options import db_option
from crawler.cli.search import (
    PLAIN_MARK,
    OneLineCommand,
    UsageProblem,
    filter_options,
    format_table,
    make_filters,
    open_db,
    user_errors,
    warn_lowercase_operators,
)
from crawler.export import json_text
from crawler.search.feed import DEFAULT_LIMIT as DEFAULT_FEED_LIMIT
from crawler.search.feed import MAX_LIMIT as MAX_FEED_LIMIT
from crawler.search.index import index_pending


@click.group("watch")
def watch_group() -> None:
    """Standing searches kept in the database; 'watch run' prints what each found since its last run.

    Example: scnews watch add dayun '大运会 OR 世运会' --channel whty; scnews watch feed dayun -o dayun.xml
    """


@watch_group.command("add", cls=OneLineCommand)
@click.argument("name")
@click.argument("query")
@filter_options
@db_option
@user_errors
def add_command(name: str, query: str, db_path: str | None, **kwargs: Any) -> None:
    """Add a watch: a name, a query (as for 'scnews search') and optional filters.

    It reports articles stored from now on.

    Example: scnews watch add ai '人工智能 OR AIGC' --source 中新网
    """
    from crawler.search.watch import add_watch

    add_watch(open_db(db_path), name, query, make_filters(kwargs))
    warn_lowercase_operators(query)
    click.echo(f"watch {name!r} added: {query}", err=True)


@watch_group.command("list", cls=OneLineCommand)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@user_errors
def list_command(fmt: str, db_path: str | None) -> None:
    """List the watches, their queries, filters and last run.

    Example: scnews watch list
    """
    from crawler.search.watch import list_watches

    watches = list_watches(open_db(db_path))
    if fmt == "json":
        click.echo(json_text(watches, indent=2))
        return
    if not watches:
        click.echo("no watches (add one: scnews watch add NAME QUERY)", err=True)
    for w in watches:
        filters = " ".join(
            f"--{k} {v}" if not isinstance(v, list) else " ".join(f"--{k} {x}" for x in v)
            for k, v in w["filters"].items()
        )
        fields = (w["name"], w["query"], filters or "-", f"last run: {w['last_run'] or 'never'}")
        click.echo("\t".join(line(f) for f in fields))


@watch_group.command("rm", cls=OneLineCommand)
@click.argument("name")
@db_option
@user_errors
def rm_command(name: str, db_path: str | None) -> None:
    """Remove a watch.

    Example: scnews watch rm ai
    """
    from crawler.search.watch import remove_watch

    remove_watch(open_db(db_path), name)
    click.echo(f"watch {name!r} removed", err=True)


@watch_group.command("run", cls=OneLineCommand)
@click.argument("name", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "atom"]),
    default="table",
    show_default=True,
    help="atom is refused: a feed is 'scnews watch feed NAME'.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout)."
)
@click.option("--peek", is_flag=True, help="Show the new matches without marking them as reported.")
@db_option
@user_errors
def run_command(name: str | None, fmt: str, output: str | None, peek: bool, db_path: str | None) -> None:
    """Print what each watch (or NAME) matched among the articles stored since it last ran, and the
    edits and withdrawals of the articles it matches found since then.

    Prints nothing in table format when nothing is new, so cron mails only news. Each watch remembers what
    it reported here; feeds ('scnews watch feed') neither use nor move that marker.

    Example: scnews watch run | mail -E -s "scnews: new articles" desk@example.org
    """
    from crawler.search.watch import mark_reported, run_watches

    if fmt == "atom":
        raise UsageProblem(
            "--format atom: a feed of new articles only loses items; use 'scnews watch feed NAME' "
            "(the watch's latest matches, stable entry ids)"
        )
    db = open_db(db_path)
    results = run_watches(db, name, update=False)
    if fmt == "json":
        text = (
            json_text(
                [
                    {
                        "name": r.name,
                        "query": r.query,
                        "filters": r.filters,
                        "articles": _public(r.articles),
                        "changes": r.changes,
                    }
                    for r in results
                ],
                indent=2,
            )
            + "\n"
        )
    else:
        from crawler.changes import format_table as changes_table

        blocks = [
            line(f"== watch {r.name}: {r.query} — {len(r.articles)} new ==") + "\n" + format_table(r.articles)
            for r in results
            if r.articles
        ]
        blocks += [
            f"== watch {r.name}: {r.query} — {len(r.changes)} changed or withdrawn ==\n"
            + changes_table(r.changes)
            for r in results
            if r.changes
        ]
        text = "\n".join(blocks)
    if output:
        with open(output, "w", encoding="utf-8") as out:
            out.write(text)
        total = sum(len(r.articles) for r in results)
        click.echo(f"{total} new article{'s' if total != 1 else ''} written to {output}", err=True)
    elif text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    if not peek:
        mark_reported(db, results)  # only once delivered: a failed write reports them again next time


@watch_group.command("feed", cls=OneLineCommand)
@click.argument("name")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_FEED_LIMIT),
    default=DEFAULT_FEED_LIMIT,
    show_default=True,
    help="The watch's last N matches (in the order they were stored) and last N changes of them.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="File to write, replaced whole at once (default: stdout).",
)
@db_option
@user_errors
def feed_command(name: str, limit: int, output: str | None, db_path: str | None) -> None:
    """Write an Atom feed of the watch NAME's latest matches (the last 50 stored by default).

    Regenerate it from cron as often as you like: it always holds the latest matches (and the latest edits
    and withdrawals of matching articles), entry ids are the articles' and changes' own
    (urn:scnews:article:ID, urn:scnews:change:ID), and it leaves 'watch run' and its marker alone.

    Example: scnews watch feed ai --output /var/www/html/scnews-ai.atom
    """
    from crawler.search.feed import latest_changes, latest_matches, watch_feed
    from crawler.search.watch import get_watch

    db = open_db(db_path)
    watch = get_watch(db, name)
    index_pending(db)
    articles = latest_matches(db, watch, limit)
    text = watch_feed(watch, articles, latest_changes(db, watch, limit))
    if not output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomically(output, text)
    click.echo(
        f"feed of {len(articles)} entr{'ies' if len(articles) != 1 else 'y'} written to {output}", err=True
    )


def write_atomically(path: str, text: str) -> None:
    """Replace ``path`` by ``text`` in one step: a web server or reader never sees half a file."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, path) from None


def _public(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in a.items() if not k.startswith("_")} for a in articles]


__all__ = ["watch_group", "PLAIN_MARK"]
