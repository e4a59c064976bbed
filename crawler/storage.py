"""The data-access API: what the crawl, the pipelines and the commands read from and write to the database.

Every function takes a ``sqlite_utils.Database`` opened with ``crawler.database.open_database`` (WAL mode,
busy timeout, migrations applied). Times are ISO 8601 UTC strings with an offset
(``2026-11-27T08:30:00+00:00``), so they sort as text.

Failure stages: ``fetch``, ``parse``, ``validate``, ``dedupe``, ``store``, ``revisit`` (a revisit of a
stored article that failed: not retried as a new page, the revisit schedule tries again). A failure row is
unique per (url, stage): recording the same failure again counts one more attempt and moves ``last_seen``.
Run statuses: ``running`` while a crawl runs, ``ok`` when it finished well, anything else
(``failed``, ``interrupted``, ...) otherwise, and ``abandoned`` for a run that died while ``running`` (marked
by the next run that takes the lock); only ``ok`` runs count as successful.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from crawler import neardup
from crawler.record import RECORD_FIELDS, Article
from crawler.urls import canonical_url

FAILURE_STAGES = ("fetch", "parse", "validate", "normalize", "dedupe", "store", "revisit")
RETRY_STAGES = ("fetch", "parse")
SUCCESS_STATUS = "ok"
COMPLETED_STATUSES = (SUCCESS_STATUS, "generic-share-exceeded")
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


VERSIONED_FIELDS = ("title", "body", "source", "editor", "authors", "images")
"""A change in one of these makes a new version (the old content goes to ``article_versions``)."""
_JSON_FIELDS = ("authors", "images", "warnings", "field_layers")
ARTICLE_COLUMNS = (*RECORD_FIELDS, "content_hash", "duplicate_of", "similarity")


def content_hash(article: Article) -> str:
    """Hash of the versioned fields: equal hashes mean an unchanged re-crawl.

    The same formula as ``crawler.database._hash_versioned`` (images as ``{"url", "caption"}`` objects).
    """
    values = [getattr(article, name) for name in VERSIONED_FIELDS[:5]]
    values.append([{"url": image.url, "caption": image.caption} for image in article.images])
    payload = json.dumps(values, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def article_row(article: Article) -> dict[str, Any]:
    """The ``articles`` row of a record (lists and objects as JSON text), without the bookkeeping columns."""
    row = {name: getattr(article, name) for name in RECORD_FIELDS}
    row["images"] = [{"url": image.url, "caption": image.caption} for image in article.images]
    for name in _JSON_FIELDS:
        row[name] = json.dumps(row[name], ensure_ascii=False)
    row["mirror"] = int(bool(row["mirror"]))
    row["content_hash"] = content_hash(article)
    return row


def row_to_article(row: dict[str, Any]) -> Article:
    """The record back from an ``articles`` row (bookkeeping columns dropped)."""
    values = {name: row.get(name) for name in RECORD_FIELDS}
    for name in _JSON_FIELDS:
        raw = values[name]
        values[name] = json.loads(raw) if raw else ({} if name == "field_layers" else [])
    values["mirror"] = bool(values["mirror"])
    return Article.from_dict(values)


def get_article(db: Database, article_id: str) -> dict[str, Any] | None:
    """The stored row of one article (JSON columns left as text), or None."""
    rows = list(db.query("SELECT * FROM articles WHERE article_id = ?", [article_id]))
    return rows[0] if rows else None


@dataclass
class PendingArticle:
    """An article waiting in the batch, with what the deduplication decided for it."""

    row: dict[str, Any]
    minhash: bytes | None = None  # NUM_PERM little-endian uint32 (crawler/neardup.py)
    duplicate_of: str | None = None
    similarity: float | None = None
    # Later articles that this (earlier) one becomes the original of: (article_id, similarity).
    relinks: list[tuple[str, float]] = field(default_factory=list)


class ArticleWriter:
    """Batches articles and writes them in one transaction per batch.

    At flush each article is compared, inside the transaction, with the committed row of the same id: none
    means ``new``; the same content hash ``unchanged`` (only ``last_seen`` moves); another hash ``changed``
    (the old title, body, source and editor go to ``article_versions`` with the time they were last seen).
    Nothing is visible to ``known_article_ids`` before its batch commits, so a crawl killed midway loses at
    most the uncommitted batch, which the next run fetches again.
    """

    def __init__(self, db: Database, batch_size: int = 500):
        self.db = db
        self.batch_size = max(1, int(batch_size))
        self.pending: list[PendingArticle] = []
        self._pending_hash: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.pending)

    def stored_hash(self, article_id: str) -> str | None:
        """Content hash of the article as it will be after the pending batch commits, else as committed."""
        if article_id in self._pending_hash:
            return self._pending_hash[article_id]
        row = self.db.conn.execute(
            "SELECT content_hash FROM articles WHERE article_id = ?", [article_id]
        ).fetchone()
        return row[0] if row else None

    def add(self, item: PendingArticle) -> bool:
        """Queue an article; True when the batch is full and should be flushed."""
        self.pending.append(item)
        self._pending_hash[item.row["article_id"]] = item.row["content_hash"]
        return len(self.pending) >= self.batch_size

    def discard(self) -> None:
        """Drop the pending batch (after a failed flush; the caller records the failures)."""
        self.pending.clear()
        self._pending_hash.clear()

    def flush(self) -> Counter[str]:
        """Write the pending batch in one transaction; returns the counts of what it did."""
        counts: Counter[str] = Counter()
        if not self.pending:
            return counts
        now = utc_now()
        conn = self.db.conn
        insert_sql = (
            f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, first_seen, last_seen) "
            f"VALUES ({', '.join('?' * (len(ARTICLE_COLUMNS) + 2))})"
        )
        update_sql = (
            f"UPDATE articles SET {', '.join(f'{c} = ?' for c in ARTICLE_COLUMNS)}, last_seen = ? "
            "WHERE article_id = ?"
        )
        with write_transaction(self.db):
            # Read inside the write transaction: another crawl may have stored some of these meanwhile.
            stored = self._stored_rows([item.row["article_id"] for item in self.pending])
            for item in self.pending:
                row = {**item.row, "duplicate_of": item.duplicate_of, "similarity": item.similarity}
                aid = row["article_id"]
                values = [row[c] for c in ARTICLE_COLUMNS]
                old = stored.get(aid)
                if old is None:
                    conn.execute(insert_sql, [*values, now, now])
                    counts["new"] += 1
                elif old["content_hash"] == row["content_hash"]:
                    conn.execute(
                        "UPDATE articles SET last_seen = ?, fetched_at = COALESCE(?, fetched_at) "
                        "WHERE article_id = ?",
                        [now, row["fetched_at"], aid],
                    )
                    counts["unchanged"] += 1
                    if old.get("removed_at"):
                        counts["restored"] += self._restore(aid, now)
                    continue
                else:
                    if old.get("removed_at"):  # back online, and edited meanwhile
                        counts["restored"] += self._restore(aid, now)
                    self._new_version(aid, old, row, now)
                    conn.execute(update_sql, [*values, now, aid])
                    conn.execute("DELETE FROM article_minhash WHERE article_id = ?", [aid])
                    counts["changed"] += 1
                stored[aid] = {**row, "last_seen": now}
                if item.minhash:
                    conn.execute(
                        "INSERT OR REPLACE INTO article_minhash (article_id, minhash) VALUES (?, ?)",
                        [aid, item.minhash],
                    )
                if item.duplicate_of:
                    counts["duplicates"] += 1
            for item in self.pending:
                for later_id, similarity in item.relinks:
                    if self._relink(item.row["article_id"], later_id, similarity):
                        counts["duplicates"] += 1
            self._resolve_failures([item.row["url"] for item in self.pending], now)
        self.pending.clear()
        self._pending_hash.clear()
        return counts

    def _stored_rows(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        columns = ("article_id", "content_hash", *VERSIONED_FIELDS, "last_seen", "removed_at")
        for chunk in _chunks(sorted(set(ids))):
            marks = ", ".join("?" * len(chunk))
            cursor = self.db.conn.execute(
                f"SELECT {', '.join(columns)} FROM articles WHERE article_id IN ({marks})", chunk
            )
            for values in cursor:
                found[values[0]] = dict(zip(columns, values, strict=True))
        return found

    def _new_version(self, aid: str, old: dict[str, Any], row: dict[str, Any], now: str) -> None:
        """The old content becomes a version (with the diff to the new one) and an ``edited`` change."""
        from crawler.changes import changed_fields, readable_diff

        fields = changed_fields(old, row)
        cursor = self.db.conn.execute(
            "INSERT INTO article_versions (article_id, seen_at, title, body, source, editor, authors, "
            "images, content_hash, diff) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                aid,
                old["last_seen"],
                *(old[f] for f in VERSIONED_FIELDS),
                old["content_hash"],
                readable_diff(old, row),
            ],
        )
        self.db.conn.execute(
            "INSERT INTO changes (article_id, kind, detected_at, fields, version_id) "
            "VALUES (?, 'edited', ?, ?, ?)",
            [aid, now, ",".join(fields), cursor.lastrowid],
        )

    def _restore(self, aid: str, now: str) -> int:
        """A withdrawn article is online again: ``removed_at`` cleared, a ``restored`` change noted."""
        self.db.conn.execute("UPDATE articles SET removed_at = NULL WHERE article_id = ?", [aid])
        self.db.conn.execute(
            "INSERT INTO changes (article_id, kind, detected_at) VALUES (?, 'restored', ?)", [aid, now]
        )
        return 1

    def _resolve_failures(self, urls: list[str], now: str) -> None:
        """A stored article resolves the open failures of its URL (and of the URL's variants)."""
        for chunk in _chunks(sorted(set(urls)), _CHUNK // 2):
            marks = ", ".join("?" * len(chunk))
            self.db.conn.execute(
                f"UPDATE failures SET resolved_at = ? WHERE resolved_at IS NULL "
                f"AND (url IN ({marks}) OR canonical_url IN ({marks}))",
                [now, *chunk, *chunk],
            )

    def _relink(self, original: str, later_id: str, similarity: float) -> bool:
        """``later_id`` (and what pointed at it) now points at the earlier ``original``.

        True when ``later_id`` was not linked before: one more duplicate for the crawl's counts.
        """
        conn = self.db.conn
        before = conn.execute("SELECT duplicate_of FROM articles WHERE article_id = ?", [later_id]).fetchone()
        newly_linked = before is not None and before[0] is None
        children = [
            row[0]
            for row in conn.execute("SELECT article_id FROM articles WHERE duplicate_of = ?", [later_id])
            if row[0] != original
        ]
        conn.execute(
            "UPDATE articles SET duplicate_of = ?, similarity = ? WHERE article_id = ?",
            [original, similarity, later_id],
        )
        if not children:
            return newly_linked
        marks = ", ".join("?" * (len(children) + 1))
        bodies = dict(
            conn.execute(
                f"SELECT article_id, body FROM articles WHERE article_id IN ({marks})", [original, *children]
            ).fetchall()
        )
        similarities = neardup.jaccard_many(
            neardup.normalise_text(bodies.get(original) or ""),
            [(child, neardup.normalise_text(bodies.get(child) or "")) for child in children],
        )
        for child in children:
            conn.execute(
                "UPDATE articles SET duplicate_of = ?, similarity = ? WHERE article_id = ?",
                [original, round(similarities[child], 4), child],
            )
        return newly_linked


def mark_removed(db: Database, article_id: str, reason: str, http_status: int | None = None) -> bool:
    """A revisit found the article withdrawn: ``removed_at`` set (its last content kept) and a ``removed``
    change recorded; True when it was online until now. Already withdrawn: only ``checked_at`` moves."""
    now = utc_now()
    with write_transaction(db):
        row = db.conn.execute("SELECT removed_at FROM articles WHERE article_id = ?", [article_id]).fetchone()
        if row is None:
            return False
        db.conn.execute("UPDATE articles SET checked_at = ? WHERE article_id = ?", [now, article_id])
        if row[0] is not None:
            return False
        db.conn.execute("UPDATE articles SET removed_at = ? WHERE article_id = ?", [now, article_id])
        db.conn.execute(
            "INSERT INTO changes (article_id, kind, detected_at, reason, http_status) "
            "VALUES (?, 'removed', ?, ?, ?)",
            [article_id, now, reason, http_status],
        )
    return True


# --- failures ---------------------------------------------------------------------------------------------


def record_failure(db: Database, url: str, stage: str, reason: str, http_status: int | None = None) -> None:
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


def start_run(db: Database, arguments: dict[str, Any], started_at: str | None = None) -> int:
    """Record the start of a crawl (status ``running``; now unless ``started_at``); returns the run id."""
    cursor = db.execute(
        "INSERT INTO crawl_runs (started_at, arguments, status) VALUES (?, ?, 'running')",
        [started_at or utc_now(), json.dumps(arguments, ensure_ascii=False, sort_keys=True, default=str)],
    )
    assert cursor.lastrowid is not None  # an INSERT always has one
    return cursor.lastrowid


def abandon_running_runs(db: Database) -> int:
    """Mark every ``running`` row ``abandoned`` with an end time; returns how many.

    Called by a crawl once it holds the database's lock: no other crawl can be running then, so a row still
    ``running`` belongs to a run that died (killed, the machine stopped, the disk filled up).
    """
    cursor = db.execute(
        "UPDATE crawl_runs SET status = 'abandoned', finished_at = ? WHERE status = 'running'", [utc_now()]
    )
    return cursor.rowcount


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
    """The latest run that completed its crawl (arguments and counts decoded), or None.

    A run that ended ``generic-share-exceeded`` crawled and stored everything: it raises an alarm about the
    parser, not about the crawl, so it still moves the next run's window forward. A revisit-only run
    (``scnews revisit``, arguments ``lists: false``) read no list page: it never moves the window.
    """
    marks = ", ".join("?" for _ in COMPLETED_STATUSES)
    rows = list(
        db.query(
            f"SELECT * FROM crawl_runs WHERE status IN ({marks}) AND finished_at IS NOT NULL "
            "AND coalesce(json_extract(arguments, '$.lists'), 1) != 0 "
            "ORDER BY finished_at DESC, id DESC LIMIT 1",
            list(COMPLETED_STATUSES),
        )
    )
    return _run_row(rows[0]) if rows else None
