"""``scnews trend``: matching articles per day, week or month for each term, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import functools
import json
import shutil
import sqlite3
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

import click

from crawler.cli.options import db_option
from crawler.cli.search import OneLineCommand, UsageProblem, make_filters, open_db, warn_lowercase_operators
from crawler.search.query import QueryError

BLOCKS = " ▏▎▍▌▋▊▉█"
SPARKS = "▁▂▃▄▅▆▇█"


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def bar(value: int, top: int, size: int) -> str:
    """A horizontal bar of ``size`` cells at most, in eighths of a cell; a non-zero value shows at least ▏."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * size * 8))
    return "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")


def sparkline(values: list[int]) -> str:
    """One character per period: ▁ for none, ▂ to █ for a count up to the largest."""
    top = max(values, default=0)
    return "".join(SPARKS[max(1, round(v / top * 7))] if v > 0 else SPARKS[0] for v in values)


def format_table(result: Any, *, columns: int | None = None) -> str:
    """One row per period; per term its count and a bar scaled to that term's largest count. Then each
    term's total and a sparkline of all its periods."""
    columns = columns or shutil.get_terminal_size((100, 24)).columns
    terms = result.terms
    period_w = max(7, *(len(p) for p in result.periods)) if result.periods else 7
    tops = {t: max(result.counts[t], default=0) for t in terms}
    count_w = {t: max(len(str(tops[t])), 1) for t in terms}
    room = columns - period_w - 2
    per_term = max(12, room // max(1, len(terms)) - 2)
    bar_w = {t: max(4, per_term - count_w[t] - 1) for t in terms}
    head = (
        pad("period", period_w)
        + "  "
        + "  ".join(
            pad(t if width(t) <= per_term else t[: max(1, per_term - 1)] + "…", per_term) for t in terms
        )
    )
    lines = [head.rstrip()]
    for i, period in enumerate(result.periods):
        cells = []
        for t in terms:
            n = result.counts[t][i]
            cells.append(pad(f"{n:>{count_w[t]}} {bar(n, tops[t], bar_w[t])}", per_term))
        lines.append((pad(period, period_w) + "  " + "  ".join(cells)).rstrip())
    lines.append("")
    name_w = max(width(t) for t in terms)
    spark_room = max(10, columns - name_w - 20)
    for t in terms:
        values = result.counts[t]
        spark = sparkline(values)
        if len(spark) > spark_room:  # too many periods for one line: show the most recent
            spark = "…" + spark[-(spark_room - 1) :]
        total = sum(values)
        lines.append(f"{pad(t, name_w)}  {total:>6} article{'s' if total != 1 else ' '}  {spark}".rstrip())
    return "\n".join(lines)


def write_csv(result: Any, out: Any) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", *result.terms])
    for i, period in enumerate(result.periods):
        writer.writerow([period, *(result.counts[t][i] for t in result.terms)])


def trend_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Bad terms, periods and filters are usage errors (exit 2); database problems runtime failures (1)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QueryError as exc:
            raise UsageProblem(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(f"not a usable scnews database: {exc}") from None
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None

    return wrapper


@click.command("trend", cls=OneLineCommand)
@click.argument("terms", nargs=-1, required=True, metavar="TERM...")
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month"]),
    default="day",
    show_default=True,
    help="Period length (China time; a week starts on Monday).",
)
@click.option("--since", help="From this moment: YYYY-MM-DD[THH:MM], today, yesterday, 30d, 12w.")
@click.option("--until", help="Up to this moment (a bare date includes that whole day).")
@click.option("--channel", multiple=True, help="Channel code or name (scxw, 四川新闻); repeatable.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@db_option
@trend_errors
def trend_command(
    terms: tuple[str, ...],
    by: str,
    since: str | None,
    until: str | None,
    channel: tuple[str, ...],
    fmt: str,
    db_path: str | None,
) -> None:
    """Count the articles matching each TERM per day, week or month.

    Each TERM is a query of its own in the search language (quote it when it has spaces: '人工智能 OR
    AIGC'), matched exactly as by 'scnews search'. Every period of the range is listed, 0 where nothing
    matched. --since alone runs to today; without --since or --until the range runs from the first match
    to the last. A term given twice is counted once.

    Example: scnews trend 成都 大运会 '人工智能 OR AIGC' --by month --since 2024-01-01
    """
    from crawler.search.trend import trend, validate

    filters = make_filters({"since": since, "until": until, "channel": channel})
    validate(list(terms), by, filters)  # a bad term is a usage error before the database is opened
    for term in dict.fromkeys(terms):
        warn_lowercase_operators(term)
    db = open_db(db_path)
    result = trend(db, list(terms), by=by, filters=filters)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        write_csv(result, sys.stdout)
    elif not result.periods:
        click.echo("no articles match " + ", ".join(repr(t) for t in terms), err=True)
    else:
        click.echo(format_table(result))
