"""``scnews export``: filtered (optionally searched) articles as JSON, NDJSON, CSV or Excel, streamed."""

from __future__ import annotations

import io
import sys
from typing import Any

import click

from crawler.cli.options import db_option
from crawler.cli.search import (
    OneLineCommand,
    UsageProblem,
    filter_options,
    make_filters,
    open_db,
    user_errors,
    warn_lowercase_operators,
)


def _no_short_query(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        raise UsageProblem("-q means --quiet in every scnews command; give the search as --query")


@click.command("export", cls=OneLineCommand)
@filter_options
@click.option("--query", help="Only articles matching this search (same language as 'scnews search').")
@click.option("-q", "short_q", hidden=True, expose_value=False, callback=_no_short_query)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "ndjson", "csv", "xlsx"]),
    required=True,
    help="xlsx: an Excel workbook (needs --output, or stdout redirected to a file).",
)
@click.option(
    "--excel",
    is_flag=True,
    help="CSV for Excel: UTF-8 with BOM, CRLF, cells starting with = + - @ prefixed with ' (no formulas).",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout)."
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many articles.")
@db_option
@user_errors
def export_command(
    query: str | None,
    fmt: str,
    excel: bool,
    output: str | None,
    limit: int | None,
    db_path: str | None,
    **kwargs: Any,
) -> None:
    """Export whole article records, newest first (or best match first with --query).

    Lists (authors, images, warnings, field_layers) stay lists in JSON and are JSON-encoded cells in CSV
    and Excel. For Excel, use --format xlsx, or --format csv --excel.

    Example: scnews export --since 2024-09-01 --channel cjbd --query 成都 --format csv --excel -o cjbd.csv
    """
    from crawler.export import EXPORT_COLUMNS, write_records, write_xlsx
    from crawler.search.engine import Search

    if excel and fmt != "csv":
        raise UsageProblem(f"--excel applies to --format csv (--format {fmt} is not for Excel)")
    if fmt == "xlsx" and not output and sys.stdout.isatty():
        raise UsageProblem("--format xlsx writes a binary workbook: give --output FILE")
    filters = make_filters(kwargs)
    search = Search(query, filters=filters, sort="relevance" if query else "newest", limit=limit, columns="*")
    warn_lowercase_operators(query)
    db = open_db(db_path)
    records = search.run(db)
    if fmt == "xlsx":
        count, cut = write_xlsx(records, output or sys.stdout.buffer, columns=EXPORT_COLUMNS)
        if cut:
            click.echo(f"warning: {cut} cells were longer than Excel allows and were cut (marked)", err=True)
    elif output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = write_records(records, fmt, out, columns=EXPORT_COLUMNS, excel=excel)
    elif excel:  # the bytes must be UTF-8 with CRLF whatever the locale says
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            write_records(records, fmt, out, columns=EXPORT_COLUMNS, excel=True)
        finally:
            out.flush()
            out.detach()
        return
    else:
        write_records(records, fmt, sys.stdout, columns=EXPORT_COLUMNS)
        return
    if output:
        click.echo(f"{count} article{'s' if count != 1 else ''} written to {output}", err=True)
