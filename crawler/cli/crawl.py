"""``scnews crawl``: the main job, run from cron."""

from __future__ import annotations

import sys

import click

from crawler.cli.options import db_option, quiet_option, settings_option, verbose_option


@click.command("crawl")
@db_option
@click.option(
    "--channels", metavar="CODES", help="Comma-separated channel codes (default: all), e.g. cjbd,bwbd."
)
@click.option(
    "--since",
    metavar="WHEN",
    help="Start of the window: 2d, 12h, 30m or a date (2024-04-01). "
    "Default: per channel, its oldest open gap or 48 h before its covered time ends "
    "(two days back for a channel never covered).",
)
@click.option("--until", metavar="DATE", help="End of the window (a date, inclusive).")
@click.option("--max-pages", metavar="N", help="List pages to read per channel at most (default 10).")
@click.option("--refresh", is_flag=True, help="Fetch articles in the window again even if already stored.")
@click.option("--replica", is_flag=True, help="Start the bundled offline replica of the site and crawl it.")
@click.option("--replica-url", metavar="URL", help="Crawl a replica already running there (scnews replica).")
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Share the crawl with every process given this Redis URL (redis://host:6379/0); records go to "
    "`scnews ingest`, no database here.",
)
@click.option("--cache", is_flag=True, help="Use Scrapy's HTTP cache (./.scrapy/httpcache), for development.")
@quiet_option
@verbose_option
@settings_option("a Scrapy or SCNEWS_ setting", "DOWNLOAD_DELAY=2")
def crawl_command(
    db_path: str | None,
    channels: str | None,
    since: str | None,
    until: str | None,
    max_pages: str | None,
    refresh: bool,
    replica: bool,
    replica_url: str | None,
    redis_url: str | None,
    cache: bool,
    quiet: bool,
    verbose: bool,
    settings: tuple[str, ...],
) -> None:
    """Crawl new articles of the site into the database, politely and incrementally.

    After the new articles it revisits the stored articles that are due for a check (edits and
    withdrawals; see 'scnews revisit'; -s SCNEWS_REVISIT_LIMIT=0 turns revisits off).

    Exit status: 0 done; 1 the run failed (no list page readable, interrupted); 2 bad arguments;
    3 the share of articles extracted by the generic layer passed SCNEWS_MAX_GENERIC_SHARE (the site's
    templates changed); 75 another crawl holds the lock on this database.

    Example: scnews crawl --channels cjbd,bwbd --since 2d --quiet
    """
    from crawler.crawl_run import CrawlOptions, run_crawl

    options = CrawlOptions(
        db_path=db_path,
        channels=channels,
        since=since,
        until=until,
        max_pages=max_pages,
        refresh=refresh,
        replica=replica,
        replica_url=replica_url,
        redis_url=redis_url,
        cache=cache,
        quiet=quiet,
        verbose=verbose,
        set_args=settings,
    )
    sys.exit(run_crawl(options))
