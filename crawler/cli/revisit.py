"""``scnews revisit``: fetch again the stored articles whose revisit is due (edits and withdrawals)."""

from __future__ import annotations

import sys

import click

from crawler.cli.options import db_option, quiet_option, settings_option, verbose_option


@click.command("revisit")
@db_option
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every article younger than the revisit age (SCNEWS_REVISIT_MAX_AGE, 7d), due or not.",
)
@click.option("--replica", is_flag=True, help="Start the bundled offline replica of the site and revisit it.")
@click.option(
    "--replica-url", metavar="URL", help="Revisit on a replica already running there (scnews replica)."
)
@quiet_option
@verbose_option
@settings_option("a Scrapy or SCNEWS_ setting", "SCNEWS_REVISIT_MAX_AGE=3d")
def revisit_command(
    db_path: str | None,
    every: bool,
    replica: bool,
    replica_url: str | None,
    quiet: bool,
    verbose: bool,
    settings: tuple[str, ...],
) -> None:
    """Revisit stored articles: only those due (no list pages, no new articles).

    An article younger than SCNEWS_REVISIT_MAX_AGE (7d, by publication time) is due when it passes an age of
    SCNEWS_REVISIT_SCHEDULE (1h,6h,1d,3d,7d) since its last fetch. An edit becomes a version with a diff; a
    404/410, a redirect away from the article or a page that is no longer an article sets removed_at; a
    failed fetch (timeout, 5xx) is only recorded in failures. 'scnews crawl' does the same revisits after
    the new articles. Same lock, run record and exit status as 'scnews crawl' (0 done, 1 failed, 2 bad
    arguments, 3 generic-layer share too high, 75 locked).

    Example: scnews revisit --quiet && scnews changes --since 1d
    """
    from crawler.crawl_run import CrawlOptions, run_crawl

    options = CrawlOptions(
        db_path=db_path,
        revisit="all" if every else "due",
        lists=False,
        replica=replica,
        replica_url=replica_url,
        quiet=quiet,
        verbose=verbose,
        set_args=settings,
    )
    sys.exit(run_crawl(options))
