"""End-to-end helpers: ``scnews crawl`` in a subprocess, and reading its database."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

CRAWL = [sys.executable, "-c", "from crawler.cli import main; main()", "crawl"]


def crawl_command(db: Path, url: str, *args: str) -> list[str]:
    return [*CRAWL, "--db", str(db), "--replica-url", url, "--quiet", *args]


def crawl(db: Path, url: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(crawl_command(db, url, *args), capture_output=True, text=True, timeout=timeout)


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def last_run(db: Path) -> tuple[str, dict]:
    status, counts = rows(db, "SELECT status, counts FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    return status, json.loads(counts)
