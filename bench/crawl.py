"""Crawl benchmark against the replica, politeness off: python bench/crawl.py [--articles N] [--added N]

Prints, in one run:
1. pages/s of a full crawl with all pipelines vs the same crawl with ITEM_PIPELINES={} (target ratio >= 0.8);
2. requests sent per new article on an incremental run after --added new articles appear (target <= 1.2),
   and the article requests alone per new article;
3. the requests spent on revisits per day for a site publishing 50 articles a day, as a ratio to the requests
   for its new articles: hourly crawls over 30 days are simulated with the revisit schedule itself
   (crawler/revisit.py, default settings) to count the checks a day, and a real ``scnews revisit --all`` of
   --young articles published yesterday measures the requests one check costs (multi-page articles cost
   more than one). ``--revisits-only`` runs only this part.
Each crawl is ``scnews crawl`` in a subprocess (Scrapy's reactor cannot restart in one process); pages/s is
responses / Scrapy's elapsed crawl time (process start-up excluded), from the run's crawl_runs row. The
crawler process's CPU time per page is printed too: with the replica on the same two cores, wall-clock pages/s
can be bound by the server, and CPU per page shows what the pipelines themselves cost.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from crawler.channels import CHANNELS
from crawler.replica import ReplicaServer, ReplicaSite
from crawler.revisit import RevisitPolicy
from crawler.timewindow import CHINA

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


def simulated_checks_per_day(per_day: int = 50, days: int = 30, seed: int = 1) -> tuple[float, float]:
    """(revisits a day, revisits per article) in the steady state of hourly crawls (at :07) over ``days``
    days of ``per_day`` articles published at random times, with the default revisit policy."""
    policy = RevisitPolicy.from_settings({}.get)
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=CHINA)
    published = sorted(start + timedelta(seconds=rng.uniform(0, days * 86400)) for _ in range(per_day * days))
    last_fetch: dict[int, datetime] = {}
    checks_by_day = [0] * days
    for hour in range(days * 24):
        now = start + timedelta(hours=hour, minutes=7)
        for n, when in enumerate(published):
            if when > now:
                break
            if n not in last_fetch:
                last_fetch[n] = now  # stored by this run
            elif policy.is_due(when, last_fetch[n], now):
                last_fetch[n] = now
                checks_by_day[hour // 24] += 1
    steady = checks_by_day[10:]  # after the first week and more: every age of the schedule is populated
    per_day_checks = sum(steady) / len(steady)
    return per_day_checks, per_day_checks / per_day


def revisit_benchmark(
    server_url: str, site: ReplicaSite, tmp: Path, young: int, per_new: float | None
) -> None:
    yesterday = (datetime.now(CHINA) - timedelta(days=1)).date().isoformat()
    codes = list(CHANNELS)
    for k in range(young):
        site.add_article(
            codes[k % len(codes)], date=yesterday, title=f"待复查稿件{k}", multipage=(k % 10 == 0)
        )
    db = tmp / "revisits.db"
    stored = crawl(db, server_url, "--since", "2d")
    if per_new is None:
        per_new = stored["requests"] / max(stored["new"], 1)
    result = subprocess.run(
        [*CRAWL[:-2], "revisit", "--quiet", "--all", "--db", str(db), "--replica-url", server_url],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"revisit failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    conn = sqlite3.connect(db)
    (counts,) = conn.execute("SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    counts = json.loads(counts)
    per_check = (counts["requests"] - 1) / max(counts["revisits"], 1)  # minus robots.txt
    checks_per_day, checks_per_article = simulated_checks_per_day()
    revisit_requests = checks_per_day * per_check
    new_requests = 50 * per_new
    print(
        f"revisit run: {counts['revisits']} articles published yesterday revisited with "
        f"{counts['requests'] - 1} requests (robots.txt excluded) = {per_check:.3f} requests per check "
        f"(1 in 10 has two pages)"
    )
    print(
        f"schedule (1h,6h,1d,3d,7d within 7d), hourly crawls, 50 articles a day: "
        f"{checks_per_day:.1f} checks a day = {checks_per_article:.2f} per article"
    )
    print(
        f"revisit requests per day: {revisit_requests:.0f} vs {new_requests:.0f} requests for the 50 new "
        f"articles ({per_new:.3f} per new article): ratio {revisit_requests / new_requests:.2f}"
    )


def pages_per_second(counts: dict) -> float:
    return counts["responses"] / counts["elapsed_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1500, help="synthetic articles in the replica")
    parser.add_argument("--added", type=int, default=200, help="articles added before the incremental run")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each full crawl (best kept)")
    parser.add_argument("--young", type=int, default=200, help="articles of yesterday for the revisit run")
    parser.add_argument("--revisits-only", action="store_true", help="only the revisit figures")
    args = parser.parse_args()

    if args.revisits_only:
        site = ReplicaSite(faults=False, page_size=20)
        with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
            revisit_benchmark(server.url, site, Path(tmp), args.young, None)
        return

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
        revisit_benchmark(server.url, site, Path(tmp), args.young, per_new)


if __name__ == "__main__":
    main()
