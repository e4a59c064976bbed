"""The crawl's memory: what a crawl needs to know from earlier runs, and where it reports its failures.

The spider asks a ``CrawlMemory`` and never the database directly, so the same spider runs with the
database beside it (``DatabaseMemory``, the default) or, on machines without one, with what the single
writer keeps in Redis (``crawler.distributed.memory.RedisMemory``, chosen by ``SCNEWS_REDIS_URL``).

The interface is small on purpose: stored article ids, where the window starts, which failures to retry,
recording and clearing failures, and joining a run (with a shared frontier, only one process seeds it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol


class CrawlMemory(Protocol):
    uses_database: bool  # coverage and revisits read the database itself: only when there is one here

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` whose articles are already stored."""
        ...

    def last_success_start(self) -> datetime | None:
        """When the last completed run started (the next window starts there), or None on a first run."""
        ...

    def failures_to_retry(self, limit: int) -> list[str]:
        """URLs whose fetch or parse failed in an earlier run, oldest first."""
        ...

    def record_failure(self, url: str, stage: str, reason: str, http_status: int | None = None) -> None: ...

    def clear_failure(self, url: str) -> None: ...

    def join_run(self, params: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        """(seed?, the run's parameters). Alone, a process always seeds its own run with its parameters."""
        ...

    def claim(self, ids: Iterable[str], by: str) -> set[str]:
        """The subset of ``ids`` that the page ``by`` may request: taken on now, or by ``by`` before (a page
        parsed again after its process died requests the same articles again)."""
        ...

    def close(self) -> None: ...


class DatabaseMemory:
    """The memory read from and written to the SQLite database (one crawl process, the default)."""

    uses_database = True

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._db = None

    @property
    def db(self):
        if self._db is None:
            from crawler.database import open_database

            self._db = open_database(self.db_path)
        return self._db

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        from crawler.storage import known_article_ids

        return known_article_ids(self.db, ids)

    def last_success_start(self) -> datetime | None:
        from crawler.storage import last_successful_run

        last = last_successful_run(self.db)
        if last and last.get("started_at"):
            return datetime.fromisoformat(last["started_at"])
        return None

    def failures_to_retry(self, limit: int) -> list[str]:
        from crawler.storage import failed_urls_to_retry

        return failed_urls_to_retry(self.db, limit=limit)

    def record_failure(self, url: str, stage: str, reason: str, http_status: int | None = None) -> None:
        from crawler.storage import record_failure

        record_failure(self.db, url, stage, reason, http_status)

    def clear_failure(self, url: str) -> None:
        from crawler.storage import clear_failures

        clear_failures(self.db, url)

    def join_run(self, params: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        return True, params

    def claim(self, ids: Iterable[str], by: str) -> set[str]:
        return set(ids)  # one process: the spider's own bookkeeping suffices

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def memory_for(crawler) -> CrawlMemory:
    """The memory a crawl uses: Redis when ``SCNEWS_REDIS_URL`` is set, else the database."""
    settings = crawler.settings
    if settings.get("SCNEWS_REDIS_URL"):
        from crawler.distributed.memory import RedisMemory

        return RedisMemory.from_crawler(crawler)
    from pipelines.session import db_path_from_settings

    return DatabaseMemory(db_path_from_settings(settings))
