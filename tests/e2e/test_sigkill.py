"""SIGKILL at random moments of a crawl, again and again, then one run to the end: the database is intact and
holds exactly what one uninterrupted crawl stores (nothing lost, nothing twice, the search index in step).

A few kills in the default run; many by command (docs/reliability.md):

    SCNEWS_SIGKILL_LOOPS=40 SCNEWS_SIGKILL_SEED=7 .venv/bin/python -m pytest -q -s tests/e2e/test_sigkill.py
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
# A fixed window and no page budget, so every run (and the reference crawl) sees every article however many
# were added; small batches: many write transactions, so kills land inside them too.
ARGS = ("--since", "2000-01-01", "--max-pages", "1000", "-s", "SCNEWS_BATCH_SIZE=3")
CHANNELS = ["cjbd", "bwbd", "shms", "scxw", "cdxw"]


def stored(db) -> dict[str, str]:
    if not db.exists() or not rows(db, "SELECT 1 FROM sqlite_master WHERE name = 'articles'"):
        return {}  # killed before the schema was made
    return dict(rows(db, "SELECT article_id, content_hash FROM articles"))


def kill_while_storing(proc: subprocess.Popen, db, before: int, rng: random.Random) -> None:
    """SIGKILL once the run has stored something (so the kill lands in the thick of its writes), after a
    random further moment; a run that ends first is left alone."""
    deadline = time.monotonic() + 120
    while proc.poll() is None and len(stored(db)) <= before and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(rng.uniform(0, 0.3))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_sigkill_loop_loses_and_duplicates_nothing(tmp_path, replica_factory):
    server = replica_factory(faults=False)
    db = tmp_path / "killed.db"
    rng = random.Random(SEED)
    landed = []  # articles each killed run had stored
    for loop in range(LOOPS):
        for n in range(15):  # new work for every run: 15 articles to fetch and store
            server.site.add_article(CHANNELS[n % len(CHANNELS)], title=f"第{loop}轮第{n}篇稿件")
        before = len(stored(db))
        proc = subprocess.Popen(
            crawl_command(db, server.url, *ARGS), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        kill_while_storing(proc, db, before, rng)
        landed.append(len(stored(db)) - before)
    final = crawl(db, server.url, *ARGS)
    reference = tmp_path / "reference.db"
    assert crawl(reference, server.url, *ARGS).returncode == 0
    expected = stored(reference)
    print(
        f"\nsigkill: seed {SEED}, {LOOPS} kills (15 new articles before each); articles each killed run had "
        f"stored: {landed}; {len(expected)} articles in the end"
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
