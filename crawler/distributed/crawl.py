"""``scnews crawl --redis URL``: one crawler process of a run shared through Redis; it needs no database.

The same spider and options as a local crawl, with scrapy-redis' scheduler and duplicate filter (adapted in
``scheduler.py``) over the shared frontier, and records, failures and run boundaries handed to the writer
(``scnews ingest``) through Redis instead of stored. Exit status: 0 this process finished its part; 1 Redis
unreachable or gone, or the crawl was interrupted or crashed; 2 bad arguments.
"""

from __future__ import annotations

import time
import traceback
from typing import Any, TextIO

from crawler.crawl_run import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CrawlOptions, _crawl, build_settings
from crawler.distributed.keys import RedisUnavailable, connect

ACK = "crawler.distributed.scheduler.AckMiddleware"


def apply_redis_settings(settings, url: str) -> None:
    """The shared frontier and the hand-over to the writer, on top of the crawl's usual settings."""
    spider_mws = {**settings.getdict("SPIDER_MIDDLEWARES"), ACK: 10}
    overrides = {
        "SCNEWS_REDIS_URL": url,
        "SCHEDULER": "crawler.distributed.scheduler.RunScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.scheduler.RunDupeFilter",
        # The crawler stores nothing: its records go to the writer (scnews ingest) through Redis.
        "ITEM_PIPELINES": {"crawler.distributed.items.ItemQueuePipeline": 100},
        "SPIDER_MIDDLEWARES": spider_mws,
    }
    settings.setdict(overrides, priority="cmdline")


def summary_lines(stats: dict[str, Any], node, status: str, seconds: float) -> list[str]:
    def n(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    role = "seeded" if node is not None and node.seeder else "joined"
    run = node.run_id if node is not None and node.run_id else "?"
    return [
        f"scnews crawl: {status} (redis run {run}, {role}, {seconds:.1f} s, "
        f"window from {stats.get('scnews/window_since', '?')})",
        f"  requests   {n('downloader/request_count')} sent, {n('scnews/list_pages')} list pages read",
        f"  articles   {n('scnews/articles')} parsed, {n('scnews/queued')} handed to the writer, "
        f"{n('scnews/skipped_known')} skipped as already stored",
        f"  failed     {n('scnews/failed')} "
        f"(fetch {n('scnews/failed/fetch')}, parse {n('scnews/failed/parse')})"
        f"; requests taken back from stopped crawlers {n('scnews/redis/reclaimed')}",
    ]


def run_distributed_crawl(options: CrawlOptions, out: TextIO, err: TextIO) -> int:
    url = options.redis_url or ""
    if options.db_path:
        print(
            "Error: --db and --redis exclude each other (the writer, scnews ingest, owns the database)",
            file=err,
        )
        return EXIT_USAGE
    # Revisits read and mark stored articles in the database itself: they run where it is (scnews revisit).
    options.revisit = "off"
    try:
        client = connect(url)
    except RedisUnavailable as exc:
        print(f"scnews crawl: {exc}; nothing crawled", file=err)
        return EXIT_FAILED
    client.close()

    replica = None
    base_url = options.replica_url
    started = time.monotonic()
    stats: dict[str, Any] = {}
    status, code = "failed", EXIT_FAILED
    node = None
    try:
        if options.replica:
            from crawler.replica import ReplicaServer, ReplicaSite

            replica = ReplicaServer(ReplicaSite(slow_seconds=3.0)).start()
            base_url = replica.url
        settings = build_settings(options, base_url, progress=err.isatty() and not options.quiet)
        apply_redis_settings(settings, url)
        stats, reason, node = _crawl_node(settings, options)
        if node is not None and node.error is not None:
            status = "redis-unavailable"
            lost = int(stats.get("scnews/not_handed_over", 0) or 0)
            print(
                f"scnews crawl: {node.error}; this crawler stopped with {lost} records not handed over "
                "(the run stays open in Redis: a crawler started later resumes it)",
                file=err,
            )
        elif reason == "finished":
            status, code = "ok", EXIT_OK
        else:
            status = "interrupted" if reason in ("shutdown", "cancelled") else "failed"
    except KeyboardInterrupt:
        status = "interrupted"
    except RedisUnavailable as exc:
        print(f"scnews crawl: {exc}", file=err)
    except Exception as exc:  # noqa: BLE001 - told in one line
        print(f"scnews crawl: the crawler failed: {type(exc).__name__}: {exc}", file=err)
        if options.verbose:
            traceback.print_exc(file=err)
    finally:
        if replica is not None:
            replica.stop()
    for line in summary_lines(stats, node, status, time.monotonic() - started):
        print(line, file=out)
    return code


def _crawl_node(settings, options: CrawlOptions):
    """Run the crawl; (stats, finish reason, the process's Node or None)."""
    from scrapy import signals

    from crawler.distributed.node import _nodes

    holder: dict[str, Any] = {}

    def opened(spider) -> None:
        holder["node"] = _nodes.get(spider.crawler)

    def hook(crawler) -> None:
        crawler.signals.connect(opened, signal=signals.spider_opened)

    stats, reason = _crawl(settings, options, on_crawler=hook)
    return stats, reason, holder.get("node")
