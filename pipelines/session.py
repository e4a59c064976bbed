"""What the pipelines of one crawl share: the database, the batch writer and the near-duplicate index.

The validate, dedupe and store pipelines each call ``session_for(crawler)`` and get the same object; the
database opens at the first ``open_spider`` and closes after the last ``close_spider``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from sqlite_utils import Database

from crawler import storage
from crawler.database import ENV_VAR, open_database, resolve_db_path
from crawler.neardup import NearDupIndex
from crawler.storage import ArticleWriter, PendingArticle
from pipelines.items import item_url

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
STAT_PREFIX = "scnews/"


def db_path_from_settings(settings: BaseSettings) -> Path:
    """``--db`` (a command-line setting) first, then ``$SCNEWS_DB``, the SCNEWS_DB setting, ./scnews.db."""
    value = settings.get("SCNEWS_DB")
    priority = settings.getpriority("SCNEWS_DB") or 0
    if value and priority >= SETTINGS_PRIORITIES["cmdline"]:
        return resolve_db_path(value)
    if os.environ.get(ENV_VAR):
        return resolve_db_path(None)
    return resolve_db_path(value)


class StoreSession:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.db_path = db_path_from_settings(crawler.settings)
        self.batch_size = crawler.settings.getint("SCNEWS_BATCH_SIZE", DEFAULT_BATCH_SIZE)
        self.cache_mb = crawler.settings.getint("SCNEWS_SQLITE_CACHE_MB", 64)
        self.db: Database | None = None
        self.writer: ArticleWriter | None = None
        self.index: NearDupIndex | None = None
        self.decisions: dict[str, PendingArticle] = {}
        self._users = 0

    # --- lifecycle ---
    def acquire(self) -> None:
        if self._users == 0:
            self.db = open_database(self.db_path)
            # SQLite's default page cache (2 MB) made each near-duplicate lookup slower as the file grew
            # (bench/store.py: 277 -> 434 us an article from 10,000 to 100,000 stored; 241 -> 268 with 64 MB).
            self.db.conn.execute(f"PRAGMA cache_size = -{max(2, self.cache_mb) * 1024}")
            self.writer = ArticleWriter(self.db, self.batch_size)
            self.index = NearDupIndex(self.db)
        self._users += 1

    def release(self) -> None:
        self._users -= 1
        if self._users == 0 and self.db is not None:
            self.flush()
            self.db.close()
            self.db = self.writer = self.index = None

    # --- stats ---
    def count(self, name: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(STAT_PREFIX + name, value)

    # --- writes ---
    def record_failure(self, url: str, stage: str, reason: str) -> None:
        """A dropped item: written to ``failures`` (and counted); logged when even that fails."""
        self.count("dropped")
        self.count(f"dropped/{stage}")
        try:
            assert self.db is not None
            storage.record_failure(self.db, url, stage, reason)
        except (sqlite3.Error, AssertionError) as exc:
            logger.error("could not record the %s failure of %s (%s): %s", stage, url, reason, exc)

    def flush(self) -> Counter[str]:
        """Commit the pending batch.

        When the batch transaction fails, its articles are written one transaction each, and the ones that
        still fail are recorded as ``store`` failures with the database's message: nothing is lost silently.
        """
        if self.writer is None or not len(self.writer):
            return Counter()
        assert self.index is not None
        batch = list(self.writer.pending)
        try:
            counts = self.writer.flush()
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
                # Disk full: each article, and each failure row, would fail alike. They stay unstored, so
                # not seen: the next run fetches them again. The run says it once, at its end.
                self.writer.discard()
                self.count("unstored", len(batch))
                if self.crawler.stats is not None:
                    self.crawler.stats.set_value("scnews/store_error", str(exc))
                logger.info("a batch of %d articles not stored: %s", len(batch), exc)
                self.index.committed()  # forget the batch's signatures: its articles are not in the database
                return Counter()
            logger.warning("a batch of %d articles failed (%s); storing them one by one", len(batch), exc)
            self.writer.discard()
            counts = Counter()
            for item in batch:
                self.writer.add(item)
                try:
                    counts += self.writer.flush()
                except sqlite3.Error as item_exc:
                    self.writer.discard()
                    logger.error("could not store %s: %s", item.row["url"], item_exc)
                    self.record_failure(item.row["url"], "store", f"database error: {item_exc}")
        self.index.committed()
        for name, value in counts.items():
            self.count(name, value)
        return counts


_sessions: WeakKeyDictionary[Crawler, StoreSession] = WeakKeyDictionary()


def session_for(crawler: Crawler) -> StoreSession:
    session = _sessions.get(crawler)
    if session is None:
        session = _sessions[crawler] = StoreSession(crawler)
    return session


class SessionPipeline:
    """Base of the pipelines sharing a crawl's StoreSession: opened with the spider, released after it.

    Subclasses implement ``handle(item)`` and name their ``stage``. An unexpected error in a step (a bug, an
    item of the wrong shape) drops the item like a refusal does: written to ``failures`` with its reason,
    never only logged.
    """

    stage: str

    def __init__(self, crawler: Crawler):
        self.session = session_for(crawler)

    def handle(self, item: Any) -> Any:
        raise NotImplementedError

    def process_item(self, item: Any) -> Any:
        try:
            return self.handle(item)
        except DropItem:
            raise
        except Exception as exc:  # noqa: BLE001 - recorded below, then dropped with the reason
            url = item_url(item) or "(no url)"
            reason = f"unexpected {type(exc).__name__}: {exc}"
            self.session.record_failure(url, self.stage, reason)
            raise DropItem(f"{reason}: {url}") from exc

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.session.acquire()

    def close_spider(self) -> None:
        self.session.release()
