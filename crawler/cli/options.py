"""Option decorators shared by several commands."""

from __future__ import annotations

import click

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite database file (default: $SCNEWS_DB, else ./scnews.db).",
)
