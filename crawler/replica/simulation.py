"""Crawl schedules over the replica's timeline: ``scnews crawl`` run as cron would, at simulated times.

``simulate(timeline, runs, db_path)`` serves the timeline on 127.0.0.1, and for each ``Run`` sets the
replica's clock to the run's time and runs ``scnews crawl`` in a subprocess with ``SCNEWS_NOW`` at that time
(a run may be restricted to channels, given ``--max-pages``, ``--since``/``--until`` for a back-fill, or
killed with SIGKILL once it has fetched some articles). It then compares the database with the timeline:

- *expected*: the articles whose publication time lies in their channel's covered time at the end, and
  which were listed at the time of at least one finished run of their channel (an article listed and
  removed between two runs was never there to be seen);
- *completeness*: the share of expected articles stored (the coverage promise says 100%);
- *requests per new article*: every request the replica answered, divided by the articles stored.

Used by ``tests/e2e/test_complete.py`` and ``bench/complete.py``.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crawler.replica.server import ReplicaServer
from crawler.replica.site import ReplicaSite
from crawler.replica.timeline import Timeline
from crawler.urls import parse_article_url

CRAWL = [sys.executable, "-c", "from crawler.cli import main; main()", "crawl"]


@dataclass(frozen=True)
class Run:
    at: datetime
    channels: tuple[str, ...] | None = None  # None: every channel of the timeline
    max_pages: int | None = None
    since: str | None = None
    until: str | None = None
    kill_after_articles: int | None = None  # SIGKILL once the replica served this many article pages


@dataclass
class RunResult:
    run: Run
    code: int
    requests: int
    killed: bool = False
    counts: dict = field(default_factory=dict)


@dataclass
class Outcome:
    results: list[RunResult]
    expected: set[str]
    stored: set[str]
    published: set[str]  # every article listed at some time up to the end
    open_gaps: list
    requests: int

    @property
    def missing(self) -> set[str]:
        return self.expected - self.stored

    @property
    def completeness(self) -> float:
        return len(self.expected & self.stored) / len(self.expected) if self.expected else 1.0

    @property
    def share_of_published(self) -> float:
        return len(self.published & self.stored) / len(self.published) if self.published else 1.0

    @property
    def requests_per_new(self) -> float:
        return self.requests / len(self.stored) if self.stored else float("inf")


def crawl_command(
    db_path: Path, url: str, run: Run, channels: list[str], settings: dict[str, str]
) -> list[str]:
    command = [*CRAWL, "--db", str(db_path), "--replica-url", url, "--quiet"]
    command += ["--channels", ",".join(run.channels or channels)]
    command += ["-s", f"SCNEWS_NOW={run.at.isoformat()}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    if run.max_pages:
        command += ["--max-pages", str(run.max_pages)]
    if run.since:
        command += ["--since", run.since]
    if run.until:
        command += ["--until", run.until]
    return command


def _article_requests(site: ReplicaSite, since: int) -> int:
    return sum(1 for r in site.requests()[since:] if parse_article_url(r.path))


def _run_one(
    site: ReplicaSite, url: str, db_path: Path, run: Run, channels: list[str], settings: dict[str, str]
) -> RunResult:
    site.now = run.at
    before = len(site.requests())
    process = subprocess.Popen(
        crawl_command(db_path, url, run, channels, settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killed = False
    if run.kill_after_articles is not None:
        while process.poll() is None:
            if _article_requests(site, before) >= run.kill_after_articles:
                process.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.005)
    out, err = process.communicate(timeout=300)
    result = RunResult(run, process.returncode, len(site.requests()) - before, killed)
    if not killed:
        if process.returncode not in (0, 3):
            raise RuntimeError(f"crawl at {run.at} exited {process.returncode}: {err.strip()}")
        conn = sqlite3.connect(db_path)
        try:
            (counts,) = conn.execute("SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            conn.close()
        result.counts = json.loads(counts)
    return result


def simulate(
    timeline: Timeline,
    runs: list[Run],
    db_path: Path,
    *,
    page_size: int = 5,
    settings: dict[str, str] | None = None,
) -> Outcome:
    """Run the schedule over the timeline; ``settings`` are ``-s`` overrides for every run."""
    from crawler import coverage
    from crawler.database import open_database

    channels = timeline.channels
    site = ReplicaSite(faults=False, timeline=timeline, page_size=page_size)
    results = []
    with ReplicaServer(site) as server:
        for run in runs:
            results.append(_run_one(site, server.url, db_path, run, channels, settings or {}))
        requests = len(site.requests())
    end = max(run.at for run in runs)
    db = open_database(db_path)
    try:
        stored = {row[0] for row in db.execute("SELECT article_id FROM articles")}
        spans = {code: coverage.covered(db, code) for code in channels}
        gaps = coverage.open_gaps(db)
    finally:
        db.close()
    finished = [r.run for r in results if not r.killed and r.code in (0, 3)]
    expected, published = set(), set()
    for article in timeline.articles:
        if article.listed > end:
            continue
        published.add(str(article.article_id))
        seen_by_a_run = any(
            article.visible(run.at) and article.channel in (run.channels or channels) for run in finished
        )
        if seen_by_a_run and coverage.is_covered(spans[article.channel], article.published):
            expected.add(str(article.article_id))
    return Outcome(results, expected, stored, published, gaps, requests)


def exit_codes(outcome: Outcome) -> Counter:
    return Counter("killed" if r.killed else r.code for r in outcome.results)
