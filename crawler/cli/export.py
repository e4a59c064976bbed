"""``scnews export``: filtered (optionally searched) articles as JSON, NDJSON or CSV, streamed."""

from __future__ import annotations

import sys
from typing import Any

import click

from crawler.cli.options import db_option
from crawler.cli.search import OneLineCommand, filter_options, make_filters, open_db, user_errors


@click.command("export", cls=OneLineCommand)
@filter_options
@click.option("--query", "-q", help="Only articles matching this search (same language as 'scnews search').")
@click.option("--format", "fmt", type=click.Choice(["json", "ndjson", "csv"]), required=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout)."
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many articles.")
@db_option
@user_errors
def export_command(
    query: str | None, fmt: str, output: str | None, limit: int | None, db_path: str | None, **kwargs: Any
) -> None:
    """Export whole article records, newest first (or best match first with --query).

    Lists (authors, images, warnings, field_layers) stay lists in JSON and are JSON-encoded cells in CSV.

    Example: scnews export --since 2024-09-01 --channel cjbd --query 成都 --format csv --output cjbd.csv
    """
    from crawler.export import EXPORT_COLUMNS, write_records
    from crawler.search.engine import Search

    filters = make_filters(kwargs)
    search = Search(query, filters=filters, sort="relevance" if query else "newest", limit=limit, columns="*")
    db = open_db(db_path)
    records = search.run(db)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = write_records(records, fmt, out, columns=EXPORT_COLUMNS)
        click.echo(f"{count} article{'s' if count != 1 else ''} written to {output}", err=True)
    else:
        write_records(records, fmt, sys.stdout, columns=EXPORT_COLUMNS)
