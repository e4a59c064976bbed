"""Benchmark of the shared crawl (scnews crawl --redis, scnews ingest), measured side by side in one run.

1. Pages per second with 1, 2 and 4 crawler processes sharing one run, against the replica with a delay
   before every answer standing for network latency, as ratios to one process. Each process keeps the
   crawl's per-process concurrency (``--concurrency``), as each machine would keep its politeness.
2. The writer's articles per second (the crawl's pipelines into SQLite through the Redis queue) as a ratio
   to a bare sqlite-utils ``insert_all`` of the same records into an empty table: the floor of any writer.

Needs redis-server (Debian's package). Example: python bench/scale.py --latency 0.5 --concurrency 2
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "distributed"))

from redis_helpers import CLI, RedisServer  # noqa: E402

from crawler.replica import ReplicaServer, ReplicaSite  # noqa: E402


def crawl_with(
    processes: int, replica: ReplicaServer, workdir: Path, concurrency: int
) -> tuple[float, float, int]:
    """(wall seconds, seconds from first to last request, pages) for ``processes`` crawlers sharing a run."""
    server = RedisServer(workdir / f"redis-{processes}").start()
    try:
        before = len(replica.site.requests())
        started = time.monotonic()
        command = [*CLI, "crawl", "--redis", server.url, "--replica-url", replica.url, "--quiet"]
        command += [
            "-s",
            f"CONCURRENT_REQUESTS={concurrency}",
            "-s",
            f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
        ]
        running = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(processes)
        ]
        for process in running:
            out, err = process.communicate(timeout=600)
            if process.returncode != 0:
                raise SystemExit(f"a crawler failed: {err.decode()[-500:]}")
        seconds = time.monotonic() - started
        log = replica.site.requests()[before:]
        return seconds, log[-1].at - log[0].at, len(log)
    finally:
        server.stop()


def ingest_rates(replica: ReplicaServer, workdir: Path) -> tuple[int, float, float]:
    """(articles, writer's articles/s, bare insert_all's articles/s) for one crawl's records."""
    import json

    from scrapy.settings import Settings
    from sqlite_utils import Database

    from crawler.distributed.ingest import Ingester
    from crawler.distributed.keys import Keys, connect
    from crawler.record import Article
    from crawler.storage import article_row

    server = RedisServer(workdir / "redis-ingest").start()
    try:
        command = [*CLI, "crawl", "--redis", server.url, "--replica-url", replica.url, "--quiet"]
        subprocess.run(command, check=True, capture_output=True, timeout=600)
        client = connect(server.url)
        events = client.lrange("scnews:items", 0, -1)
        articles = [json.loads(e)["article"] for e in events if json.loads(e)["type"] == "article"]

        settings = Settings()
        settings.setmodule("crawler.settings", priority="project")
        settings.set("SCNEWS_DB", str(workdir / "writer.db"), priority="cmdline")
        ingester = Ingester(client, Keys(), settings, server.url)
        started = time.perf_counter()
        ingester.open()
        ingester.run(once=True, idle_seconds=0)
        ingester.close()
        writer_seconds = time.perf_counter() - started
        stored = Database(workdir / "writer.db").execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        assert stored == len(articles), (stored, len(articles))

        rows = [article_row(Article.from_dict(a)) for a in articles]
        floor_db = Database(workdir / "floor.db")
        started = time.perf_counter()
        floor_db["articles"].insert_all(rows, pk="article_id")
        floor_seconds = time.perf_counter() - started
        return len(articles), len(articles) / writer_seconds, len(articles) / floor_seconds
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.5, help="seconds before every answer (0.5)")
    parser.add_argument(
        "--articles", type=int, default=60, help="synthetic articles added to the replica (60)"
    )
    parser.add_argument("--concurrency", type=int, default=2, help="requests at a time per crawler (2)")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    workdir = Path(tempfile.mkdtemp(prefix="scnews-bench-scale-"))
    try:
        site = ReplicaSite(faults=False, extra_articles=args.articles, latency=args.latency)
        with ReplicaServer(site) as replica:
            print(
                f"replica: {site.summary()['articles']} articles, {args.latency:g} s per answer; "
                f"{args.concurrency} requests at a time per crawler"
            )
            rates = {}
            for processes in (1, 2, 4):
                wall, crawling, pages = crawl_with(processes, replica, workdir, args.concurrency)
                rates[processes] = pages / crawling
                print(
                    f"  {processes} crawler(s): {pages} pages, {crawling:.1f} s from first to last request "
                    f"= {rates[processes]:.1f} pages/s ({wall:.1f} s with the processes' start and end)"
                )
            print(
                "pages/s as ratios to one crawler: "
                + ", ".join(f"{n}: {rates[n] / rates[1]:.2f}" for n in rates)
            )
            count, writer, floor = ingest_rates(replica, workdir)
            print(
                f"writer: {count} articles at {writer:.0f} articles/s; "
                f"bare insert_all {floor:.0f} articles/s; ratio writer/floor {writer / floor:.3f}"
            )
            print(
                f"the writer stores {writer / rates[4]:.1f}x the page rate of 4 crawlers "
                "(a page carries at most one article): it keeps up"
                if writer > rates[4]
                else f"the writer stores only {writer / rates[4]:.2f}x the page rate of 4 crawlers"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
