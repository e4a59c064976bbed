"""A full disk: one line per cause, the real error, and nothing lost (the next run stores what this one could
not). The database lives on a small tmpfs, filled up with a file: a real ENOSPC, no simulation. Mounting needs
root (CI runs as root); elsewhere these tests are skipped.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from e2e_helpers import crawl, rows

from crawler.database import open_database
from crawler.search.index import index_pending


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave_kb: int) -> Path:
    """Fill the file system but ``leave_kb`` KB with a file (removing it frees the space again)."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    filler = disk / "filler"
    with open(filler, "wb") as out:
        remaining = max(0, free - leave_kb * 1024)
        block = bytes(1 << 16)
        while remaining > 0:
            remaining -= out.write(block[: min(len(block), remaining)])
    return filler


def test_a_full_disk_is_one_line_and_the_next_run_stores_everything(small_disk, replica_factory):
    server = replica_factory(faults=False)
    db = small_disk / "news.db"
    open_database(db).close()
    filler = fill(small_disk, leave_kb=150)

    full = crawl(db, server.url, "--channels", "cjbd,bwbd,shms")
    assert full.returncode == 1
    lines = full.stderr.splitlines()
    assert len(lines) == 1, full.stderr
    assert re.fullmatch(
        rf"scnews crawl: database or disk is full \({re.escape(str(db))}\): \d+ articles not stored "
        r"\(the next run fetches them again\)",
        lines[0],
    ), lines[0]
    assert "cannot rollback" not in full.stderr

    filler.unlink()
    again = crawl(db, server.url, "--channels", "cjbd,bwbd,shms")
    assert again.returncode == 0, again.stderr
    stored = {row[0] for row in rows(db, "SELECT article_id FROM articles")}
    listed = {path.rsplit("/", 1)[1].split(".")[0] for path in server.site.article_paths()}
    reference = small_disk / "reference.db"
    crawl(reference, server.url, "--channels", "cjbd,bwbd,shms")
    assert stored == {row[0] for row in rows(reference, "SELECT article_id FROM articles")}
    assert stored and stored <= listed


def test_the_index_reports_the_full_disk_not_a_failed_rollback(small_disk, replica_factory):
    server = replica_factory(faults=False)
    db = small_disk / "news.db"
    assert crawl(db, server.url, "--channels", "cjbd,bwbd").returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE articles SET body = body || '。'")  # queues every article for the index again
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    fill(small_disk, leave_kb=64)
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
        index_pending(open_database(db))
