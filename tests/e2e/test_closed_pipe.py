"""``scnews crawl ... | head -2``: a reader that goes away ends the output quietly; the run still counts."""

from __future__ import annotations

import os
import subprocess

from e2e_helpers import crawl_command, last_run


def test_a_closed_stdout_is_no_error(tmp_path, replica_factory):
    server = replica_factory(faults=False)
    db = tmp_path / "news.db"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the summary is written: every write is EPIPE
    try:
        done = subprocess.run(
            crawl_command(db, server.url, "--channels", "cjbd"),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")
    status, counts = last_run(db)
    assert status == "ok" and counts["new"] > 0
