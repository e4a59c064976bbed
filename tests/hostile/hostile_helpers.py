"""Helpers of the hostile-site tests: ``scnews crawl`` in a subprocess, and reading its database.

The crawls cost seconds each, so each scenario's crawl runs once per module and its tests read the result.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

CRAWL = [sys.executable, "-c", "from crawler.cli import main; main()", "crawl"]


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float  # the crawl process's peak resident memory


def run_crawl(db: Path, url: str, *args: str, timeout: float = 120) -> CrawlResult:
    """``scnews crawl --replica-url URL`` in a subprocess, with its own peak memory (``wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [*CRAWL, "--db", str(db), "--replica-url", url, "--quiet", *args], stdout=out, stderr=err
        )
        timer = threading.Timer(timeout, proc.kill)  # a hung crawl fails the test instead of hanging it
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return CrawlResult(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
        )


def failures(db: Path) -> dict[str, tuple[str, str]]:
    """Open failures: {url: (stage, reason)}."""
    conn = sqlite3.connect(db)
    try:
        return {
            url: (stage, reason)
            for url, stage, reason in conn.execute(
                "SELECT url, stage, reason FROM failures WHERE resolved_at IS NULL"
            )
        }
    finally:
        conn.close()


def article_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT article_id FROM articles ORDER BY article_id")]
    finally:
        conn.close()
