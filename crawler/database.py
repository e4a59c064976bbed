"""The one owner of the database schema.

Everything that reads or writes the SQLite database opens it through ``open_database()``, which applies
pending migrations (``sqlite_utils.Migrations``), so a database made by an older version upgrades in place.
Add a table or column only by appending a migration here; never edit one that has shipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils
from sqlite_utils import Database

DEFAULT_DB = "scnews.db"
ENV_VAR = "SCNEWS_DB"
BUSY_TIMEOUT_MS = 30_000

migrations = sqlite_utils.Migrations("scnews")


class DatabaseMissing(Exception):
    """Raised when a command that only reads is pointed at a database file that does not exist."""


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` (or a setting) first, then ``$SCNEWS_DB``, then ``scnews.db`` in the working directory."""
    return Path(explicit or os.environ.get(ENV_VAR) or DEFAULT_DB)


def open_database(
    path: str | os.PathLike[str] | None = None, *, create: bool = True, migrate: bool = True
) -> Database:
    """Open (and by default create and migrate) the database, in WAL mode with a busy timeout."""
    db_path = resolve_db_path(path)
    if not create and not db_path.exists():
        raise DatabaseMissing(f"database not found: {db_path} (run 'scnews crawl' first, or pass --db)")
    db = Database(db_path)
    db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if migrate:
        db.enable_wal()
        migrations.apply(db)
    return db


@migrations()
def m001_core_tables(db: Database) -> None:
    db.table("articles").create(
        {
            "article_id": str,
            "url": str,
            "channel": str,
            "channel_name": str,
            "title": str,
            "published_at": str,
            "source": str,
            "editor": str,
            "authors": str,  # JSON list
            "body": str,
            "disclaimer": str,
            "images": str,  # JSON list of {"url", "caption"}
            "template": str,
            "mirror": int,
            "warnings": str,  # JSON list
            "field_layers": str,  # JSON object
            "fetched_at": str,
            "first_seen": str,
            "last_seen": str,
            "content_hash": str,
            "duplicate_of": str,
            "similarity": float,
        },
        pk="article_id",
    )
    db.table("articles").create_index(["published_at"])
    db.table("articles").create_index(["channel", "published_at"])
    db.table("articles").create_index(["source"])
    db.table("articles").create_index(["duplicate_of"])
    db.table("article_versions").create(
        {
            "id": int,
            "article_id": str,
            "seen_at": str,
            "title": str,
            "body": str,
            "source": str,
            "editor": str,
            "content_hash": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "article_id")],
    )
    db.table("article_versions").create_index(["article_id"])
    db.table("failures").create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,  # crawler.urls.canonical_url(url): a success on a variant clears it
            "stage": str,  # fetch, parse, validate, normalize, dedupe, store
            "reason": str,
            "http_status": int,
            "attempts": int,
            "first_seen": str,
            "last_seen": str,
            "resolved_at": str,
        },
        pk="id",
    )
    db.table("failures").create_index(["url", "stage"], unique=True)
    db.table("failures").create_index(["canonical_url"])
    # Near-duplicate signatures (crawler/neardup.py): each article's MinHash (NUM_PERM little-endian uint32),
    # appended in id order (not keyed by a hash: random-key inserts slow down as the archive grows). A crawl
    # builds its LSH band index in memory from them, then reads only the rows added since.
    db.execute(
        "CREATE TABLE article_minhash (id INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, "
        "minhash BLOB NOT NULL)"
    )
    db.table("crawl_runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "arguments": str,  # JSON
            "counts": str,  # JSON
            "status": str,  # running, ok, failed, generic-share-exceeded, ...
        },
        pk="id",
    )


# --- Search (issue 5, crawler/search/): owned by the search module; keep appended migrations below. ---
# search_index: contentless FTS5 over a derived text (CJK bigrams + tails, Latin words; see
# crawler/search/cjk.py).
# Its rowid is a time key (published_at epoch seconds * slots + a slot; slots is 4096 unless search_meta
# says more; search_docs maps it to articles.rowid),
# so newest-first results and date windows are rowid ranges FTS5 answers without ranking every match.
# Triggers queue every change of articles.title/body/published_at in search_dirty (with the text that is in
# the index, needed to delete it from a contentless table), so rows written by any tool are found: every
# search/export/serve first indexes the queue (crawler/search/index.py).
SEARCH_TRIGGERS = (
    """CREATE TRIGGER search_articles_bi BEFORE INSERT ON articles BEGIN
        INSERT INTO search_dirty(doc, old_title, old_body, had_old)
        SELECT rowid, title, body, 1 FROM articles WHERE article_id = NEW.article_id
          AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.doc = articles.rowid);
    END""",
    """CREATE TRIGGER search_articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO search_dirty(doc, had_old) SELECT NEW.rowid, 0
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.doc = NEW.rowid);
    END""",
    """CREATE TRIGGER search_articles_au AFTER UPDATE ON articles
    WHEN OLD.title IS NOT NEW.title OR OLD.body IS NOT NEW.body OR OLD.rowid IS NOT NEW.rowid
      OR OLD.published_at IS NOT NEW.published_at BEGIN
        INSERT INTO search_dirty(doc, old_title, old_body, had_old) SELECT OLD.rowid, OLD.title, OLD.body, 1
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.doc = OLD.rowid);
        INSERT INTO search_dirty(doc, had_old) SELECT NEW.rowid, 0
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.doc = NEW.rowid);
    END""",
    """CREATE TRIGGER search_articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO search_dirty(doc, old_title, old_body, had_old) SELECT OLD.rowid, OLD.title, OLD.body, 1
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.doc = OLD.rowid);
    END""",
)


@migrations()
def m101_search_index(db: Database) -> None:
    db.execute(
        "CREATE TABLE search_dirty (doc INTEGER PRIMARY KEY, old_title TEXT, old_body TEXT, "
        "had_old INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute("CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE search_docs (docid INTEGER PRIMARY KEY, doc INTEGER NOT NULL UNIQUE)")
    # For Datasette's search box (fts_table search_index, fts_pk search_docid): articles with their docid.
    db.execute(
        "CREATE VIEW articles_search AS SELECT d.docid AS search_docid, a.* "
        "FROM articles a JOIN search_docs d ON d.doc = a.rowid"
    )
    db.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5(title, body, content='', prefix='1', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    for sql in SEARCH_TRIGGERS:
        db.execute(sql)
    db.execute("INSERT INTO search_dirty(doc, had_old) SELECT rowid, 0 FROM articles")
    db.table("watches").create(
        {
            "name": str,
            "query": str,
            "filters": str,  # JSON: since/until/channel/source/editor/author
            "created_at": str,
            "last_run": str,  # ISO time of the last `watch run`
            "last_rowid": int,  # highest articles.rowid reported so far
        },
        pk="name",
    )


# --- Edits and withdrawals (crawler/revisit.py, crawler/changes.py): appended migrations below. ---
# articles.checked_at: the last revisit that found the article withdrawn (an online article's last check is
# its last_seen, which every fetch that stores it moves); articles.removed_at: when
# the article was found withdrawn (404/410, a redirect away from it, a page that is no longer an article),
# NULL while it is online; its last content stays in the row. article_versions also keeps the old authors
# and images, and the readable diff from that version to the content that replaced it. `changes` is the
# event log a monitor reads: one row per edit, withdrawal and reappearance.
CHANGE_KINDS = ("edited", "removed", "restored")


def _hash_versioned(title, body, source, editor, authors, images) -> str:
    """The content hash over title, body, source, editor, authors and images, as of this migration."""
    import hashlib
    import json

    payload = json.dumps([title, body, source, editor, authors, images], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@migrations()
def m102_changes_revisits(db: Database) -> None:
    import json

    db.table("articles").add_column("checked_at", str)
    db.table("articles").add_column("removed_at", str)
    db.table("articles").create_index(["removed_at"])
    db.table("article_versions").add_column("authors", str)  # JSON list
    db.table("article_versions").add_column("images", str)  # JSON list of {"url", "caption"}
    db.table("article_versions").add_column("diff", str)  # this version -> the next content
    db.table("changes").create(
        {
            "id": int,
            "article_id": str,
            "kind": str,  # edited, removed, restored
            "detected_at": str,
            "reason": str,  # removed: why (HTTP 404, redirect to ..., not an article: ...)
            "http_status": int,
            "fields": str,  # edited: the changed fields, comma-separated
            "version_id": int,  # edited: the article_versions row holding the content before the edit
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "article_id")],
    )
    db.table("changes").create_index(["detected_at"])
    db.table("changes").create_index(["article_id"])
    db.execute(
        "CREATE VIEW article_changes AS SELECT c.id, c.detected_at, c.kind, c.article_id, a.title, "
        "a.channel_name, a.source, a.published_at, c.fields, c.reason, v.diff, a.removed_at, a.url "
        "FROM changes c JOIN articles a ON a.article_id = c.article_id "
        "LEFT JOIN article_versions v ON v.id = c.version_id"
    )
    db.table("watches").add_column("last_change_id", int)
    db.execute("UPDATE watches SET last_change_id = (SELECT coalesce(max(id), 0) FROM changes)")
    # The content hash now covers authors and images too: recompute it, so that a revisit of an article
    # stored before this migration is not taken for an edit.
    rows = db.execute("SELECT article_id, title, body, source, editor, authors, images FROM articles")
    updates = [
        (
            _hash_versioned(
                title, body, source, editor, json.loads(authors or "[]"), json.loads(images or "[]")
            ),
            aid,
        )
        for aid, title, body, source, editor, authors, images in rows.fetchall()
    ]
    db.conn.executemany("UPDATE articles SET content_hash = ? WHERE article_id = ?", updates)


@migrations()
def m103_real_pages_site(db: Database) -> None:
    """Article.site: which Chinanews site a record is from (only Sichuan pages are stored today)."""
    db.table("articles").add_column("site", str)
    db.execute("UPDATE articles SET site = 'sc.chinanews.com.cn' WHERE site IS NULL")


# --- Coverage (crawler/coverage.py): the spans of time each channel's lists were read completely, and the
# gaps runs could not cover (--max-pages reached, a list page failed). Times are ISO 8601 UTC strings;
# run_id is the run that last changed a channel's spans (they are merged on every change).


@migrations()
def m104_complete_coverage(db: Database) -> None:
    db.execute(
        "CREATE TABLE coverage (id INTEGER PRIMARY KEY, channel TEXT NOT NULL, start TEXT NOT NULL, "
        '"end" TEXT NOT NULL, run_id INTEGER)'
    )
    db.execute("CREATE INDEX coverage_channel ON coverage (channel, start)")
    db.execute(
        "CREATE TABLE coverage_gaps (id INTEGER PRIMARY KEY, channel TEXT NOT NULL, start TEXT NOT NULL, "
        '"end" TEXT NOT NULL, reason TEXT NOT NULL, run_id INTEGER, recorded_at TEXT NOT NULL)'
    )
    db.execute("CREATE INDEX coverage_gaps_channel ON coverage_gaps (channel, start)")
