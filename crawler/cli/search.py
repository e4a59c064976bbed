"""``scnews search``: Chinese full-text search with filters, ranking and highlighted snippets."""

from __future__ import annotations

import functools
import shutil
import sqlite3
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

import click

from crawler.cli.escape import line, marked
from crawler.cli.options import db_option
from crawler.search.filters import Filters
from crawler.search.query import QueryError

ANSI_MARK = ("\x1b[1;33m", "\x1b[0m")
PLAIN_MARK = ("«", "»")


class UsageProblem(click.ClickException):
    exit_code = 2


class OneLineCommand(click.Command):
    """A bad option or argument is one line on stderr (exit 2), not the usage text around it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            message = " ".join(exc.format_message().split())
            raise UsageProblem(f"{message} (see: {ctx.command_path} --help)") from None


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--since/--until/--channel/--source/--editor/--author, shared by search, export and watch add."""
    options = [
        click.option("--since", help="Published on or after: YYYY-MM-DD[THH:MM], today, yesterday, 7d, 12h."),
        click.option("--until", help="Published on or before (a bare date includes that whole day)."),
        click.option("--channel", multiple=True, help="Channel code or name (scxw, 四川新闻); repeatable."),
        click.option("--source", multiple=True, help="Source contains this text (来源); repeatable."),
        click.option("--editor", multiple=True, help="Editor contains this text (编辑); repeatable."),
        click.option(
            "--author", multiple=True, help="One of the reporters is exactly this name; repeatable."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_filters(kwargs: dict[str, Any]) -> Filters:
    filters = Filters(
        since=kwargs.pop("since", None),
        until=kwargs.pop("until", None),
        channel=tuple(kwargs.pop("channel", ()) or ()),
        source=tuple(kwargs.pop("source", ()) or ()),
        editor=tuple(kwargs.pop("editor", ()) or ()),
        author=tuple(kwargs.pop("author", ()) or ()),
    )
    filters.validate()
    return filters


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors a user can cause into one line on stderr: exit 2 for what was asked (a malformed query
    or filter, an unknown watch or article), 1 for what went wrong doing it (a file, the database)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QueryError as exc:  # a malformed query or filter: a usage error
            raise UsageProblem(str(exc)) from None
        except sqlite3.OperationalError as exc:
            raise click.ClickException(f"database error: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(f"not a usable scnews database: {exc}") from None
        except BrokenPipeError:
            sys.stderr.close()  # `scnews search ... | head`: stop quietly
            sys.exit(0)
        except OSError as exc:  # an --output file that cannot be written, a full disk, ...
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None

    return wrapper


NOTICE_PENDING = 2000


def _lenient_text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def open_db(db_path: str | None):
    """Open an existing database; when many articles await indexing, say so before the wait."""
    from crawler.database import open_database
    from crawler.search.index import index_pending, pending_count

    db = open_database(db_path, create=False)
    # Text that is not valid UTF-8 (written by another tool) is shown with U+FFFD, as Datasette shows it,
    # instead of failing the whole command on one value.
    db.conn.text_factory = _lenient_text
    pending = pending_count(db)
    if pending >= NOTICE_PENDING:
        click.echo(f"indexing {pending} new or changed articles for search (once) ...", err=True)
        index_pending(db)
    return db


def _clip(text: str, width: int) -> str:
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1:
            out.append("…")
            break
        out.append(ch)
        used += w
    return "".join(out)


def warn_lowercase_operators(query: str | None) -> None:
    """One line on stderr when the query has and/or/not in lower case: they are searched as words."""
    from crawler.search.query import lowercase_operators

    words = lowercase_operators(query or "")
    if words:
        shown = ", ".join(dict.fromkeys(words))
        click.echo(
            f"warning: {shown} searched as a word; the operators are upper case: AND, OR, NOT", err=True
        )


def no_results_message(search: Any, db: Any, query: str) -> str:
    """Why nothing is listed: past the end, filters that excluded every match, or no match at all."""
    from crawler.search.engine import Search

    total = search.count(db)
    if total:
        return f"no results from --offset {search.offset}: {query!r} matches {total} article" + (
            "s" if total != 1 else ""
        )
    if not search.filters.to_json():
        return f"no articles match {query!r}"
    unfiltered = Search(query, sort="newest", limit=1).count(db)
    if unfiltered == 0:
        return f"no articles match {query!r} (with or without the filters)"
    return f"the filters excluded all {unfiltered} article{'s' if unfiltered != 1 else ''} matching {query!r}"


def format_table(
    records: list[dict[str, Any]],
    *,
    total: int | None = None,
    snippet: bool = True,
    offset: int = 0,
    mark: tuple[str, str] = PLAIN_MARK,
) -> str:
    """A terminal listing: one line per article (date, channel, source, id, title), snippet underneath.

    Stored text is shown with its control characters escaped (crawler/cli/escape.py); ``mark`` is what the
    snippet's matches are wrapped in (kept as they are)."""
    columns = shutil.get_terminal_size((120, 24)).columns
    lines = []
    for r in records:
        date = line(r.get("published_at") or "")[:16].replace("T", " ") or "-"
        head = f"{date:<16}  {line(r.get('channel_name') or r.get('channel') or '-')}"
        head += f"  {line(r.get('source') or '-')}  #{line(r.get('article_id') or '-')}"
        lines.append(head)
        lines.append("  " + _clip(line(r.get("title") or ""), max(20, columns - 2)))
        if snippet and r.get("snippet"):
            lines.append("  " + marked(str(r["snippet"]), mark))
        lines.append("  " + line(r.get("url") or ""))
        lines.append("")
    if total is not None:
        matching = f"{total} matching article{'s' if total != 1 else ''}"
        if offset or len(records) < total:
            shown = f"{offset + 1}-{offset + len(records)}" if records else "none"
            lines.append(f"{shown} of {matching} shown")
        else:
            lines.append(f"{len(records)} of {matching} shown")
        if offset + len(records) < total:
            lines.append(f"next page: --offset {offset + len(records)}")
    return "\n".join(lines)


@click.command("search", cls=OneLineCommand)
@click.argument("query")
@filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Most results shown."
)
@click.option(
    "--offset", type=click.IntRange(min=0), default=None, help="Skip the first N results (the next page)."
)
@click.option(
    "--page",
    type=click.IntRange(min=1),
    default=None,
    help="Page N of --limit results (--page 2 = --offset LIMIT).",
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest"]),
    default="newest",
    show_default=True,
    help="By publication time, or best match first (bm25, a title hit counts five times a body hit).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "ndjson"]),
    default="table",
    show_default=True,
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout)."
)
@db_option
@user_errors
def search_command(
    query: str,
    limit: int,
    offset: int | None,
    page: int | None,
    sort: str,
    fmt: str,
    output: str | None,
    db_path: str | None,
    **kwargs: Any,
) -> None:
    """Search the articles' titles and bodies (Chinese words of any length, Latin words, digits).

    QUERY: words (implicit AND), "quoted phrases", AND, OR, NOT and parentheses. A Chinese word matches
    wherever it occurs (成都 finds 成都市); Latin words and numbers match whole words, ignoring case.

    Example: scnews search '成都 (大运会 OR 世运会) NOT 足球' --since 2024-01-01 --sort relevance --page 2
    """
    from crawler.export import write_records
    from crawler.search.engine import Search

    if offset is not None and page is not None:
        raise UsageProblem("give --offset or --page, not both")
    skip = offset if offset is not None else (page - 1) * limit if page else 0
    filters = make_filters(kwargs)
    search = Search(query, filters=filters, sort=sort, limit=limit, offset=skip)
    warn_lowercase_operators(query)
    db = open_db(db_path)
    tty = fmt == "table" and output is None and sys.stdout.isatty()
    mark = ANSI_MARK if tty else PLAIN_MARK
    records = list(search.run(db, mark=mark))
    if not records:
        click.echo(no_results_message(search, db, query), err=True)
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "table":
            if records:
                out.write(format_table(records, total=search.count(db), offset=skip, mark=mark) + "\n")
        else:
            write_records(records, fmt, out)
    finally:
        if output:
            out.close()
    if output:
        click.echo(f"{len(records)} article{'s' if len(records) != 1 else ''} written to {output}", err=True)
