"""Crawl benchmark against the replica, politeness off: python bench/crawl.py [--articles N] [--added N]

Prints, in one run:
1. pages/s of a full crawl with all pipelines vs the same crawl with ITEM_PIPELINES={} (target ratio >= 0.8);
2. requests sent per new article on an incremental run after --added new articles appear (target <= 1.2),
   and the article requests alone per new article.
Each crawl is ``scnews crawl`` in a subprocess (Scrapy's reactor cannot restart in one process); pages/s is
responses / Scrapy's elapsed crawl time (process start-up excluded), from the run's crawl_runs row. The
crawler process's CPU time per page is printed too: with the replica on the same two cores, wall-clock pages/s
can be bound by the server, and CPU per page shows what the pipelines themselves cost.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.channels import CHANNELS
from crawler.replica import ReplicaServer, ReplicaSite

CRAWL = [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--quiet"]


def crawl(db: Path, url: str, *extra: str) -> dict:
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [*CRAWL, "--db", str(db), "--replica-url", url, "--max-pages", "1000", *extra],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"crawl failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    conn = sqlite3.connect(db)
    (counts,) = conn.execute("SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    data = json.loads(counts)
    data["wall_seconds"] = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    data["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return data


def pages_per_second(counts: dict) -> float:
    return counts["responses"] / counts["elapsed_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1500, help="synthetic articles in the replica")
    parser.add_argument("--added", type=int, default=200, help="articles added before the incremental run")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each full crawl (best kept)")
    args = parser.parse_args()

    site = ReplicaSite(faults=False, extra_articles=args.articles, page_size=20)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        total = site.summary()["articles"]
        print(f"replica: {total} articles in {len(CHANNELS)} channels, 20 per list page, at {server.url}")
        full, bare = [], []
        for n in range(args.repeat):
            full.append(crawl(Path(tmp) / f"full{n}.db", server.url))
            bare.append(crawl(Path(tmp) / f"bare{n}.db", server.url, "-s", "ITEM_PIPELINES={}"))
        best_full = max(full, key=pages_per_second)
        best_bare = max(bare, key=pages_per_second)
        ratio = pages_per_second(best_full) / pages_per_second(best_bare)
        for label, best in (("all pipelines", best_full), ("no pipelines ", best_bare)):
            print(
                f"full crawl, {label}: {best['responses']} pages in {best['elapsed_seconds']:.2f} s"
                f" = {pages_per_second(best):.1f} pages/s ({best['articles']} articles parsed, "
                f"{best['new']} stored, {best['failed']} failed)"
            )
        verdict = "OK" if ratio >= 0.8 else "MISSED"
        print(f"ratio with/without pipelines: {ratio:.2f} (target >= 0.8) {verdict}")
        cpu_full = min(c["cpu_seconds"] for c in full) / best_full["responses"] * 1000
        cpu_bare = min(c["cpu_seconds"] for c in bare) / best_bare["responses"] * 1000
        print(
            f"crawler process CPU per page (start-up included): {cpu_full:.2f} ms with pipelines, "
            f"{cpu_bare:.2f} ms without (ratio {cpu_bare / cpu_full:.2f})"
        )

        codes = list(CHANNELS)
        for k in range(args.added):
            site.add_article(codes[k % len(codes)], title=f"增量稿件{k}")
        incremental = crawl(Path(tmp) / "full0.db", server.url)
        new = incremental["new"]
        per_new = incremental["requests"] / new if new else float("inf")
        article_requests = incremental["requests"] - incremental["list_pages"] - 1  # minus robots.txt
        print(
            f"incremental run: {args.added} added, {new} new stored, {incremental['requests']} requests "
            f"({incremental['list_pages']} list pages, 1 robots.txt, {article_requests} articles)"
        )
        verdict = "OK" if per_new <= 1.2 else "MISSED"
        print(
            f"requests per new article: {per_new:.3f} (target <= 1.2) {verdict}; "
            f"article requests per new article: {article_requests / max(new, 1):.3f} "
            f"({incremental['retried_failures']} failures of earlier runs retried)"
        )


if __name__ == "__main__":
    main()
