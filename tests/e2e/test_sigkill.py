"""SIGKILL at random moments of a crawl, again and again, then one run to the end: the database is intact and
holds exactly what one uninterrupted crawl stores (nothing lost, nothing twice, the search index in step).

A few kills in the default run; many by command (docs/reliability.md):

    SCNEWS_SIGKILL_LOOPS=60 SCNEWS_SIGKILL_SEED=7 .venv/bin/python -m pytest -q -s tests/e2e/test_sigkill.py
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

from e2e_helpers import crawl, crawl_command, rows

LOOPS = int(os.environ.get("SCNEWS_SIGKILL_LOOPS") or 3)
SEED = int(os.environ.get("SCNEWS_SIGKILL_SEED") or time.time_ns() % 10_000)
# Small batches: many write transactions during the crawl, so kills land inside them too.
ARGS = ("-s", "SCNEWS_BATCH_SIZE=3")


def stored(db) -> dict[str, str]:
    if not db.exists() or not rows(db, "SELECT 1 FROM sqlite_master WHERE name = 'articles'"):
        return {}  # killed before the schema was made
    return dict(rows(db, "SELECT article_id, content_hash FROM articles"))


def test_sigkill_loop_loses_and_duplicates_nothing(tmp_path, replica_factory):
    server = replica_factory(faults=False, extra_articles=20)
    reference = tmp_path / "reference.db"
    started = time.monotonic()
    assert crawl(reference, server.url, *ARGS).returncode == 0
    duration = time.monotonic() - started
    expected = stored(reference)

    rng = random.Random(SEED)
    db = tmp_path / "killed.db"
    landed = []  # articles stored when each kill landed
    for _ in range(LOOPS):
        proc = subprocess.Popen(crawl_command(db, server.url, *ARGS), stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        landed.append(len(stored(db)))
    final = crawl(db, server.url, *ARGS)
    print(
        f"\nsigkill: seed {SEED}, {LOOPS} kills in a {duration:.1f} s crawl of {len(expected)} articles; "
        f"stored when each landed: {landed}"
    )

    assert final.returncode == 0, (SEED, final.stderr)
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert stored(db) == expected, SEED
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT url) FROM articles") == [(len(expected), len(expected))]
    assert rows(db, "SELECT COUNT(*) FROM search_dirty") == [(0,)]
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT doc) FROM search_docs") == [
        (len(expected), len(expected))
    ]
    assert rows(db, "SELECT COUNT(*) FROM failures WHERE resolved_at IS NULL") == [(0,)]
