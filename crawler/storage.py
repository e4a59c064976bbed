"""The data-access API: what the crawl, the pipelines and the commands read from and write to the database.

Every function takes a ``sqlite_utils.Database`` opened with ``crawler.database.open_database`` (WAL mode,
busy timeout, migrations applied). Times are ISO 8601 UTC strings with an offset
(``2026-11-27T08:30:00+00:00``), so they sort as text.

Failure stages: ``fetch``, ``parse``, ``validate``, ``dedupe``, ``store``. A failure row is unique per
(url, stage): recording the same failure again counts one more attempt and moves ``last_seen``.
Run statuses: ``running`` while a crawl runs, ``ok`` when it finished well, anything else
(``failed``, ``interrupted``, ...) otherwise; only ``ok`` runs count as successful.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from crawler.urls import canonical_url

FAILURE_STAGES = ("fetch", "parse", "validate", "dedupe", "store")
RETRY_STAGES = ("fetch", "parse")
SUCCESS_STATUS = "ok"
_CHUNK = 500  # stays well under SQLite's limit on bound variables


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with offset, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock at its start (``BEGIN IMMEDIATE``).

    Unlike a deferred ``BEGIN`` (``db.atomic()``), a transaction that reads and then writes cannot fail with
    "database is locked" halfway when another process writes too: it waits (busy timeout) up front instead.
    Nested use falls back to a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise


def _chunks(values: list[str], size: int = _CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- articles ---------------------------------------------------------------------------------------------


def known_article_ids(db: Database, ids: Iterable[str]) -> set[str]:
    """The subset of ``ids`` already stored in ``articles`` (committed rows only)."""
    wanted = sorted({str(i) for i in ids if i})
    found: set[str] = set()
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        rows = db.execute(f"SELECT article_id FROM articles WHERE article_id IN ({marks})", chunk)
        found.update(row[0] for row in rows)
    return found


# --- failures ---------------------------------------------------------------------------------------------


def record_failure(
    db: Database, url: str, stage: str, reason: str, http_status: int | None = None
) -> None:
    """Record that ``url`` failed at ``stage``; a repeat adds one attempt and reopens a resolved row."""
    if stage not in FAILURE_STAGES:
        raise ValueError(f"unknown failure stage {stage!r} (one of {', '.join(FAILURE_STAGES)})")
    now = utc_now()
    db.execute(
        """
        INSERT INTO failures
            (url, canonical_url, stage, reason, http_status, attempts, first_seen, last_seen, resolved_at)
        VALUES (?, ?, ?, ?, ?, 1, ?, ?, NULL)
        ON CONFLICT (url, stage) DO UPDATE SET
            reason = excluded.reason,
            http_status = excluded.http_status,
            attempts = failures.attempts + 1,
            last_seen = excluded.last_seen,
            resolved_at = NULL
        """,
        [url, canonical_url(url), stage, reason, http_status, now, now],
    )


def clear_failures(db: Database, url: str) -> int:
    """Mark the open failures of ``url`` resolved, under any URL variant; returns how many.

    A failure recorded for ``http://sc.chinanews.com/x/2024-04-11/1.shtml?p=1`` is cleared by a later success
    on ``https://www.sc.chinanews.com.cn/x/2024-04-11/1.shtml`` (same canonical URL).
    """
    cursor = db.execute(
        "UPDATE failures SET resolved_at = ? WHERE resolved_at IS NULL AND (url = ? OR canonical_url = ?)",
        [utc_now(), url, canonical_url(url)],
    )
    return cursor.rowcount


def failed_urls_to_retry(db: Database, limit: int | None = None) -> list[str]:
    """URLs with an unresolved fetch or parse failure, oldest last attempt first."""
    marks = ",".join("?" * len(RETRY_STAGES))
    sql = (
        f"SELECT url, MIN(last_seen) AS oldest FROM failures "
        f"WHERE resolved_at IS NULL AND stage IN ({marks}) GROUP BY url ORDER BY oldest, url"
    )
    params: list[Any] = list(RETRY_STAGES)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [row[0] for row in db.execute(sql, params)]


# --- crawl runs -------------------------------------------------------------------------------------------


def start_run(db: Database, arguments: dict[str, Any]) -> int:
    """Record the start of a crawl (status ``running``); returns the run id."""
    cursor = db.execute(
        "INSERT INTO crawl_runs (started_at, arguments, status) VALUES (?, ?, 'running')",
        [utc_now(), json.dumps(arguments, ensure_ascii=False, sort_keys=True, default=str)],
    )
    return int(cursor.lastrowid)


def finish_run(db: Database, run_id: int, status: str, counts: dict[str, Any]) -> None:
    """Record the end of a crawl with its final status and counts."""
    db.execute(
        "UPDATE crawl_runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
        [utc_now(), status, json.dumps(counts, ensure_ascii=False, sort_keys=True, default=str), run_id],
    )


def _run_row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("arguments", "counts"):
        out[key] = json.loads(out[key]) if out.get(key) else {}
    return out


def last_successful_run(db: Database) -> dict[str, Any] | None:
    """The latest finished run with status ``ok`` (arguments and counts decoded), or None."""
    rows = list(
        db.query(
            "SELECT * FROM crawl_runs WHERE status = ? AND finished_at IS NOT NULL "
            "ORDER BY finished_at DESC, id DESC LIMIT 1",
            [SUCCESS_STATUS],
        )
    )
    return _run_row(rows[0]) if rows else None
