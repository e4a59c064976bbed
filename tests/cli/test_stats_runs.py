"""``scnews stats`` shows crawl runs as a person reads them: durations, counts, percentages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import write_corpus  # noqa: E402

from crawler.cli.run_text import duration, run_lines  # noqa: E402
from crawler.database import open_database  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")
# The counts a real replica crawl recorded (crawl_runs.counts), copied as they were stored.
REPLICA_COUNTS = {
    "articles": 91, "changed": 0, "dropped": 0, "duplicates": 1, "elapsed_seconds": 4.417, "failed": 7,
    "failed_fetch": 3, "failed_parse": 4, "generic": 1, "generic_basis": "articles stored in the last 24 h",
    "generic_count": 1, "generic_share": 0.01098901098901099, "generic_threshold": 0.3, "generic_total": 91,
    "indexed": 91, "list_pages": 30, "new": 91, "requests": 140, "resolved_failures": 0, "responses": 129,
    "retried_failures": 0, "since": "2000-01-01T00:00:00+08:00", "skipped_known": 0, "unchanged": 0,
}  # fmt: skip


@pytest.mark.parametrize(
    "seconds, text",
    [(0.42, "0.4 s"), (7.04, "7.0 s"), (45.4, "45 s"), (185, "3 min 5 s"), (120, "2 min"),
     (7440, "2 h 4 min"), (3600, "1 h"), (266400, "3 d 2 h"), (None, "?")],
)  # fmt: skip
def test_duration(seconds, text):
    assert duration(seconds) == text


def test_a_finished_run():
    run = {
        "id": 12,
        "started_at": "2026-12-01T20:42:45+00:00",
        "finished_at": "2026-12-01T20:44:50+00:00",
        "status": "ok",
        "counts": REPLICA_COUNTS,
    }
    assert run_lines(run) == [
        "  #12  2026-12-01 20:42 UTC  ok  took 2 min 5 s",
        "      window from 2000-01-01 00:00 +08:00 · 140 requests, 30 list pages read",
        "      91 articles parsed: 91 new, 0 changed, 0 unchanged, 1 duplicates, 0 dropped",
        "      7 failed (fetch 3, parse 4) · generic layer 1.1% (1 of 91 articles stored in the last 24 h;"
        " alarm above 30%)",
    ]


def test_revisit_counts():
    counts = {"revisits": 12, "revisits_online": 9, "revisits_failed": 1, "removed": 2, "restored": 1,
              "still_removed": 1}  # fmt: skip
    run = {"id": 4, "started_at": "2026-12-01T20:42:45+00:00", "finished_at": None, "status": "failed",
           "counts": counts}  # fmt: skip
    assert run_lines(run)[1:] == [
        "      12 revisits: 9 online, 2 removed (1 still removed), 1 restored, 1 failed"
    ]


def test_the_outcome_of_every_discovered_article_is_one_readable_line():
    counts = {"discovered": 1204, "skipped_known": 100, "stored": 1090, "failed_articles": 10,
              "unstored": 4, "unaccounted": 0, "gaps_recorded": 2}  # fmt: skip
    run = {"id": 5, "started_at": "2026-12-01T20:42:45+00:00", "finished_at": None, "status": "failed",
           "counts": counts}  # fmt: skip
    assert run_lines(run)[1:] == [
        "      1,204 articles discovered: 100 already stored, 1,090 stored, 10 failed, 4 not stored"
        " · 2 gaps recorded"
    ]


def test_a_run_without_an_end_or_counts():
    run = {"id": 3, "started_at": "2026-12-01T20:42:45+00:00", "finished_at": None, "status": "running"}
    assert run_lines(run) == [
        "  #3  2026-12-01 20:42 UTC  running  not finished (still running, or stopped without a record)"
    ]


def test_stats_command_prints_runs_readably(tmp_path):
    path = tmp_path / "scnews.db"
    write_corpus(path)
    db = open_database(path)
    with db.atomic():
        db["crawl_runs"].insert(
            {
                "started_at": "2026-11-27T08:44:58+00:00",
                "finished_at": "2026-11-27T08:45:05+00:00",
                "arguments": "{}",
                "counts": json.dumps({**REPLICA_COUNTS, "requests": 12345}),
                "status": "ok",
            }
        )
    db.conn.close()
    out = subprocess.run(
        [SCNEWS, "stats", "--db", str(path)], capture_output=True, text=True, check=True
    ).stdout
    tail = out[out.index("last runs:") :].splitlines()
    assert tail[1] == "  #1  2026-11-27 08:44 UTC  ok  took 7.0 s"
    assert tail[2] == "      window from 2000-01-01 00:00 +08:00 · 12,345 requests, 30 list pages read"
    assert "0.01098901098901099" not in out and "generic layer 1.1%" in tail[4]
