"""``scnews ingest``: the single writer of a crawl shared through Redis (``scnews crawl --redis``)."""

from __future__ import annotations

import sys

import click

from crawler.cli.options import db_option, settings_option


@click.command("ingest")
@click.option("--redis", "redis_url", metavar="URL", required=True, help="The Redis the crawlers share.")
@db_option
@click.option(
    "--once",
    is_flag=True,
    help="Store what is queued, then exit once the queue is empty and no crawler has been active for "
    "--idle seconds (default: run until stopped).",
)
@click.option(
    "--idle",
    type=click.FloatRange(min=0),
    default=3.0,
    show_default=True,
    metavar="SECONDS",
    help="With --once: how long the queue must stay empty, with no crawler running, before exiting.",
)
@settings_option("a setting of the pipelines", "SCNEWS_BATCH_SIZE=100")
def ingest_command(
    redis_url: str, db_path: str | None, once: bool, idle: float, settings: tuple[str, ...]
) -> None:
    """Store what the crawlers of a shared crawl queue in Redis: the same validate, normalise, dedupe and
    store steps as a local crawl, into one database. Keeps in Redis what the crawlers need from it (stored
    ids, the window's start, failures to retry). Run exactly one per Redis.

    Exit status: 0 done (--once) or stopped; 1 Redis unreachable or gone (nothing lost: what was not
    committed stays in Redis); 2 bad arguments; 75 another writer is running.

    Example: scnews ingest --redis redis://10.0.0.5:6379/0 --db /srv/scnews/scnews.db
    """
    from crawler.distributed.ingest import run_ingest

    overrides: dict[str, str] = {}
    for value in settings:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--set: {value!r} is not NAME=VALUE")
        overrides[name.strip()] = setting
    from crawler.crawl_args import CrawlArgumentError
    from crawler.crawl_settings import check_settings

    try:
        check_settings(overrides)
    except CrawlArgumentError as exc:
        raise click.UsageError(str(exc)) from None
    sys.exit(run_ingest(redis_url, db_path, once, idle, overrides))
