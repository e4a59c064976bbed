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

quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="No progress and no log; only the final summary."
)
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Log every request (Scrapy's INFO log).")


def settings_option(what: str, example: str):
    """``--set/-s NAME=VALUE`` (repeatable) into ``settings``; ``what`` it overrides, with an ``example``."""
    return click.option(
        "--set",
        "-s",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        help=f"Override {what} (repeatable), e.g. -s {example}.",
    )
