"""Keeping ``search_index`` in step with ``articles``.

Writers never call this module: triggers on ``articles`` (crawler/database.py, m101_search_index) queue each
changed rowid in ``search_dirty`` together with the text the index holds for it. ``index_pending()`` drains
the queue in write transactions; every search, export, watch run and ``serve`` calls it first (one indexed
lookup when the queue is empty). Invariant: for a rowid not in the queue the index holds the tokens of the
article's current title and body; for a queued rowid it holds the queued old text (``had_old``) or nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database

from crawler.search.cjk import index_text

# Bump when crawler/search/cjk.py changes the tokens it produces: the index is then rebuilt from articles.
TOKENS_VERSION = "1"
BATCH = 2000


def _conn(db: Database | sqlite3.Connection) -> sqlite3.Connection:
    return db.conn if isinstance(db, Database) else db


def pending_count(db: Database | sqlite3.Connection) -> int:
    return _conn(db).execute("SELECT count(*) FROM search_dirty").fetchone()[0]


def _begin(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")


def _check_version(conn: sqlite3.Connection) -> None:
    row = conn.execute("SELECT value FROM search_meta WHERE key = 'tokens_version'").fetchone()
    if row and row[0] == TOKENS_VERSION:
        return
    _begin(conn)
    try:
        if row is not None:  # built by another tokenizer version: start again from the articles
            conn.execute("INSERT INTO search_index(search_index) VALUES ('delete-all')")
            conn.execute("DELETE FROM search_dirty")
            conn.execute("INSERT INTO search_dirty(doc, had_old) SELECT rowid, 0 FROM articles")
        conn.execute(
            "INSERT OR REPLACE INTO search_meta(key, value) VALUES ('tokens_version', ?)", [TOKENS_VERSION]
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


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
            rows = conn.execute(
                "SELECT doc, old_title, old_body, had_old FROM search_dirty ORDER BY doc LIMIT ?", [BATCH]
            ).fetchall()
            if not rows:
                conn.execute("COMMIT")
                break
            docs = [r[0] for r in rows]
            for doc, old_title, old_body, had_old in rows:
                if had_old:
                    conn.execute(
                        "INSERT INTO search_index(search_index, rowid, title, body) "
                        "VALUES ('delete', ?, ?, ?)",
                        [doc, index_text(old_title), index_text(old_body)],
                    )
            marks = ",".join("?" * len(docs))
            current = conn.execute(
                f"SELECT rowid, title, body FROM articles WHERE rowid IN ({marks})", docs
            ).fetchall()
            conn.executemany(
                "INSERT INTO search_index(rowid, title, body) VALUES (?, ?, ?)",
                [(rowid, index_text(title), index_text(body)) for rowid, title, body in current],
            )
            conn.execute(f"DELETE FROM search_dirty WHERE doc IN ({marks})", docs)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done += len(rows)
        if progress:
            progress(done)
    return done


def rebuild(db: Database | sqlite3.Connection) -> int:
    """Drop the index and index every article again (``scnews search --reindex``)."""
    conn = _conn(db)
    _begin(conn)
    try:
        conn.execute("INSERT INTO search_index(search_index) VALUES ('delete-all')")
        conn.execute("DELETE FROM search_dirty")
        conn.execute("INSERT INTO search_dirty(doc, had_old) SELECT rowid, 0 FROM articles")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return index_pending(conn)
