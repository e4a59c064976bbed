"""Keeping ``search_index`` in step with ``articles``.

Writers never call this module: triggers on ``articles`` (crawler/database.py, m101_search_index) queue each
changed rowid in ``search_dirty`` together with the text the index holds for it. ``index_pending()`` drains
the queue in write transactions; every search, export, watch run and ``serve`` calls it first (one indexed
lookup when the queue is empty). Invariant: for a rowid not in the queue the index holds the tokens of the
article's current title and body under the docid ``search_docs`` gives it; for a queued rowid it holds the
queued old text (``had_old``) under its ``search_docs`` docid, or nothing.

Docids are time keys: ``epoch_of(published_at) * slots + slot``, the slot free within that second (the
article's rowid modulo ``slots``, else the next free one). So ``docid // slots`` is the publication second.
``slots`` is 4,096 (``SLOTS``) until more articles than that share one second (date-only pages, bulk imports,
rows without a date, which all count as second 0); the index is then re-keyed with room for twice the fullest
second (``search_meta`` key ``slots``), once, in place. Publication seconds fit in 38 bits (up to the year
9999), so up to 2**25 slots (33,554,432 articles in one second) keep docids inside SQLite's 63 bits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

from sqlite_utils import Database

from crawler.database import SEARCH_TRIGGERS
from crawler.search.cjk import index_text
from crawler.timewindow import CHINA

# Bump when crawler/search/cjk.py changes the tokens it produces: the index is then rebuilt from articles.
TOKENS_VERSION = "1"
BATCH = 2000
TRIGGER_NAMES = ("search_articles_bi", "search_articles_ai", "search_articles_au", "search_articles_ad")


def _conn(db: Database | sqlite3.Connection) -> sqlite3.Connection:
    return db.conn if isinstance(db, Database) else db


def pending_count(db: Database | sqlite3.Connection) -> int:
    return _conn(db).execute("SELECT count(*) FROM search_dirty").fetchone()[0]


def _begin(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")


def _schema_outdated(conn: sqlite3.Connection) -> bool:
    """True when a search trigger is missing or differs from crawler.database's, or search_docs is missing."""
    found = dict(
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'")
    )
    for name, sql in zip(TRIGGER_NAMES, SEARCH_TRIGGERS, strict=True):
        if " ".join((found.get(name) or "").split()) != " ".join(sql.split()):
            return True
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_docs'").fetchone() is None


def _check_version(conn: sqlite3.Connection) -> None:
    """Rebuild from the articles when the tokens changed, or when the triggers are gone or outdated (a table
    rebuild, e.g. sqlite-utils ``transform``, drops them and may renumber rowids): recreate them first."""
    row = conn.execute("SELECT value FROM search_meta WHERE key = 'tokens_version'").fetchone()
    missing = _schema_outdated(conn)
    if row and row[0] == TOKENS_VERSION and not missing:
        return
    _begin(conn)
    try:
        if missing:
            for name in TRIGGER_NAMES:
                conn.execute(f"DROP TRIGGER IF EXISTS {name}")
            for sql in SEARCH_TRIGGERS:
                conn.execute(sql)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS search_docs "
                "(docid INTEGER PRIMARY KEY, doc INTEGER NOT NULL UNIQUE)"
            )
            conn.execute(
                "CREATE VIEW IF NOT EXISTS articles_search AS SELECT d.docid AS search_docid, a.* "
                "FROM articles a JOIN search_docs d ON d.doc = a.rowid"
            )
        if row is not None or missing:  # start again from the articles
            conn.execute("INSERT INTO search_index(search_index) VALUES ('delete-all')")
            conn.execute("DELETE FROM search_docs")
            conn.execute("DELETE FROM search_dirty")
            conn.execute("INSERT INTO search_dirty(doc, had_old) SELECT rowid, 0 FROM articles")
        conn.execute(
            "INSERT OR REPLACE INTO search_meta(key, value) VALUES ('tokens_version', ?)", [TOKENS_VERSION]
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


SLOTS = 4096  # docids per second of publication time, until a second holds more articles (then re-keyed)
MAX_SLOTS = 2**25  # epoch seconds < 2**38 (year 9999) times this stays below 2**63


class SecondFull(Exception):
    """Every slot of one publication second is taken: the index must be re-keyed with more slots."""


def slots_of(db: Database | sqlite3.Connection) -> int:
    """Docids per publication second in this database's index (``SLOTS`` unless it was re-keyed)."""
    row = _conn(db).execute("SELECT value FROM search_meta WHERE key = 'slots'").fetchone()
    return int(row[0]) if row else SLOTS


def time_key(published_at: str | None, slots: int) -> int:
    """The lowest docid of the second of ``published_at``: windows are docid ranges between two of these."""
    return epoch_of(published_at) * slots


def epoch_of(published_at: str | None) -> int:
    """Seconds since 1970 of an ISO time (0 when missing or not a date): the high part of a docid."""
    if not published_at:
        return 0
    try:
        moment = datetime.fromisoformat(published_at.strip().replace("Z", "+00:00"))
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    return max(0, int(moment.timestamp()))


def _free_docid(conn: sqlite3.Connection, doc: int, published_at: str | None, slots: int) -> int:
    """A free docid in the second of ``published_at``: rowid modulo ``slots``, else the next free one (one
    ordered scan of the taken docids after it, then from the start of the second)."""
    base = epoch_of(published_at) * slots
    start = base + doc % slots
    for low, high in ((start, base + slots), (base, start)):
        want = low
        taken = conn.execute(
            "SELECT docid FROM search_docs WHERE docid >= ? AND docid < ? ORDER BY docid", [low, high]
        )
        try:
            for (docid,) in taken:
                if docid != want:
                    return want
                want += 1
        finally:
            taken.close()
        if want < high:
            return want
    raise SecondFull(published_at)


def _needed_slots(conn: sqlite3.Connection, current: int) -> int:
    """Twice the articles of the fullest second (a power of two), at least twice ``current``."""
    per_second: dict[int, int] = {}
    for (published_at,) in conn.execute("SELECT published_at FROM articles"):
        second = epoch_of(published_at)
        per_second[second] = per_second.get(second, 0) + 1
    fullest = max(per_second.values(), default=0)
    slots = current * 2
    while slots < 2 * fullest:
        slots *= 2
    if fullest > MAX_SLOTS:  # a database of hundreds of gigabytes in one second: say so in one line
        raise sqlite3.OperationalError(f"more than {MAX_SLOTS} articles published in the same second")
    return min(slots, MAX_SLOTS)


def _rekey(conn: sqlite3.Connection) -> int:
    """Give every second more slots: record the new width, empty the index and queue every article."""
    _begin(conn)
    try:
        slots = _needed_slots(conn, slots_of(conn))
        conn.execute("INSERT OR REPLACE INTO search_meta(key, value) VALUES ('slots', ?)", [str(slots)])
        _empty_and_queue_all(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return slots


def _empty_and_queue_all(conn: sqlite3.Connection) -> None:
    """Inside the caller's transaction: empty the index and queue every article for indexing."""
    conn.execute("INSERT INTO search_index(search_index) VALUES ('delete-all')")
    conn.execute("DELETE FROM search_docs")
    conn.execute("DELETE FROM search_dirty")
    conn.execute("INSERT INTO search_dirty(doc, had_old) SELECT rowid, 0 FROM articles")


def index_pending(db: Database | sqlite3.Connection, *, progress: Callable[[int], None] | None = None) -> int:
    """Index every queued change; returns how many rowids were processed."""
    conn = _conn(db)
    _check_version(conn)
    if conn.execute("SELECT 1 FROM search_dirty LIMIT 1").fetchone() is None:
        return 0
    done = 0
    while True:
        _begin(conn)
        try:
            slots = slots_of(conn)  # inside the transaction: another process may have re-keyed
            rows = conn.execute(
                "SELECT q.doc, q.old_title, q.old_body, q.had_old, d.docid FROM search_dirty q "
                "LEFT JOIN search_docs d ON d.doc = q.doc ORDER BY q.doc LIMIT ?",
                [BATCH],
            ).fetchall()
            if not rows:
                conn.execute("COMMIT")
                break
            docs = [r[0] for r in rows]
            marks = ",".join("?" * len(docs))
            for _doc, old_title, old_body, had_old, docid in rows:
                if had_old and docid is not None:
                    conn.execute(
                        "INSERT INTO search_index(search_index, rowid, title, body) "
                        "VALUES ('delete', ?, ?, ?)",
                        [docid, index_text(old_title), index_text(old_body)],
                    )
            conn.execute(f"DELETE FROM search_docs WHERE doc IN ({marks})", docs)
            current = conn.execute(
                f"SELECT rowid, title, body, published_at FROM articles WHERE rowid IN ({marks})", docs
            ).fetchall()
            for rowid, title, body, published_at in current:
                docid = _free_docid(conn, rowid, published_at, slots)
                conn.execute("INSERT INTO search_docs(docid, doc) VALUES (?, ?)", [docid, rowid])
                conn.execute(
                    "INSERT INTO search_index(rowid, title, body) VALUES (?, ?, ?)",
                    [docid, index_text(title), index_text(body)],
                )
            conn.execute(f"DELETE FROM search_dirty WHERE doc IN ({marks})", docs)
            conn.execute("COMMIT")
        except SecondFull:
            conn.execute("ROLLBACK")
            _rekey(conn)
            continue
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (disk full): keep the real error
                conn.execute("ROLLBACK")
            raise
        done += len(rows)
        if progress:
            progress(done)
    return done


def rebuild(db: Database | sqlite3.Connection) -> int:
    """Drop the index and index every article again (tests; a tokenizer change does it by itself)."""
    conn = _conn(db)
    _begin(conn)
    try:
        _empty_and_queue_all(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return index_pending(conn)
