"""``scnews ingest --redis URL``: the single writer of a shared crawl.

It takes the crawlers' events from Redis in order and runs the crawl's own pipelines (validate, normalise,
dedupe, store; ``ITEM_PIPELINES``) into SQLite, records failures and runs, and keeps in Redis what the
crawlers need from the database (stored ids, the window's start, failures to retry).

A reliable queue: an event moves from ``items`` to ``items:processing`` (LMOVE) when taken and leaves
``processing`` only once what it did is committed. A writer killed at any point leaves its uncommitted
events in ``processing``; the next one puts them back at the head of ``items`` and does them again (storing
an article twice is "unchanged"; a failure recorded twice counts one more attempt).

Exit status: 0 stopped (Ctrl-C, SIGTERM) or, with ``--once``, done; 1 Redis unreachable or gone (what was
taken and committed stays committed; the rest stays in Redis); 2 bad arguments; 75 another writer is running
(on this Redis or this database).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from scrapy.exceptions import DropItem

from crawler.distributed.events import decode
from crawler.distributed.keys import Keys, RedisUnavailable, describe, one_line
from crawler.record import Article

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_LOCKED = 0, 1, 75
STORED_COUNTS = ("new", "changed", "unchanged", "duplicates", "dropped")


class Stop(Exception):
    """SIGTERM: stop like Ctrl-C."""


def pipeline_crawler(settings):
    """A Scrapy crawler object carrying the settings and stats the pipelines read (it is never started)."""
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import MemoryStatsCollector

    from crawler.spiders.sc_chinanews import ScChinanewsSpider

    crawler = Crawler(ScChinanewsSpider, settings)
    crawler.stats = MemoryStatsCollector(crawler)
    return crawler


def load_pipelines(crawler) -> list[Any]:
    from scrapy.utils.misc import load_object

    configured = crawler.settings.getdict("ITEM_PIPELINES")
    ordered = sorted((order, path) for path, order in configured.items() if order is not None)
    return [load_object(path).from_crawler(crawler) for _, path in ordered]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Ingester:
    def __init__(self, client, keys: Keys, settings, url: str, batch_seconds: float = 1.0):
        self.client = client
        self.keys = keys
        self.url = url
        self.crawler = pipeline_crawler(settings)
        self.pipelines = load_pipelines(self.crawler)
        from pipelines.session import session_for

        self.session = session_for(self.crawler)
        self.batch_seconds = batch_seconds
        self.taken = 0  # events in `processing` whose effects are not committed yet
        self.taken_ids: list[str] = []
        self.last_commit = time.monotonic()
        self.events: Counter[str] = Counter()
        self.runs: dict[str, dict[str, Any]] = {}
        self.id = f"{socket.gethostname()}:{os.getpid()}"

    @property
    def stats(self):
        return self.crawler.stats

    # --- lifecycle -----------------------------------------------------------------------------------

    def open(self) -> None:
        for pipeline in self.pipelines:
            if hasattr(pipeline, "open_spider"):
                pipeline.open_spider()
        self.recover()
        self.publish_memory(full=True)

    def close(self) -> None:
        for pipeline in reversed(self.pipelines):
            if hasattr(pipeline, "close_spider"):
                pipeline.close_spider()

    def claim(self) -> bool:
        """Hold the writer's key (renewed while running); False when another live writer holds it.

        The key expires 15 s after its writer stopped renewing it; a writer on this machine whose process
        is gone (killed) is taken over at once.
        """
        if self.client.set(self.keys.ingester, self.id, nx=True, px=15000):
            return True
        holder = (self.client.get(self.keys.ingester) or b"").decode()
        host, _, pid = holder.rpartition(":")
        if holder == self.id or (host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid))):
            self.renew()
            return True
        return False

    def renew(self) -> None:
        self.client.set(self.keys.ingester, self.id, px=15000)

    def release(self) -> None:
        if self.client.get(self.keys.ingester) == self.id.encode():
            self.client.delete(self.keys.ingester)

    def recover(self) -> int:
        """Put the events a stopped writer took but did not commit back at the head of ``items``."""
        moved = 0
        while self.client.lmove(self.keys.processing, self.keys.items, "RIGHT", "LEFT") is not None:
            moved += 1
        if moved:
            logger.warning("%d events taken by a writer that stopped are done again", moved)
        return moved

    # --- the database's state, for the crawlers --------------------------------------------------------

    @property
    def db(self):
        assert self.session.db is not None
        return self.session.db

    def publish_memory(self, full: bool = False) -> None:
        from crawler.storage import failed_urls_to_retry, last_successful_run, utc_now

        pipe = self.client.pipeline(transaction=True)
        if full:
            temp = f"{self.keys.known}:loading"
            pipe.delete(temp)
            batch: list[str] = []
            for (article_id,) in self.db.execute("SELECT article_id FROM articles"):
                batch.append(article_id)
                if len(batch) >= 5000:
                    pipe.sadd(temp, *batch)
                    batch = []
            if batch:
                pipe.sadd(temp, *batch)
            pipe.sadd(temp, "")  # the set exists even for an empty database
            pipe.rename(temp, self.keys.known)
        last = last_successful_run(self.db)
        retry_limit = self.crawler.settings.getint("SCNEWS_RETRY_FAILED_LIMIT", 200)
        state = {
            "last_success_start": (last or {}).get("started_at") or "",
            "retry": json.dumps(failed_urls_to_retry(self.db, limit=retry_limit)),
            "updated_at": utc_now(),
        }
        pipe.hset(self.keys.memory, mapping=state)
        pipe.execute()

    # --- events --------------------------------------------------------------------------------------

    def handle(self, data: bytes) -> None:
        event = decode(data)
        kind = event["type"]
        self.events[kind] += 1
        handler = getattr(self, "on_" + kind.replace("-", "_"), None)
        if handler is None:
            self.on_bad({"reason": f"unknown event type {kind!r}", "data": data[:200]})
            return
        handler(event)

    def on_article(self, event: dict[str, Any]) -> None:
        try:
            item: Any = Article.from_dict(event["article"])
        except (KeyError, TypeError, ValueError) as exc:
            self.on_bad({"reason": f"not an article record: {exc}"})
            return
        try:
            for pipeline in self.pipelines:
                item = pipeline.process_item(item)
        except DropItem:
            return  # the pipeline that dropped it recorded why, in `failures`
        if getattr(item, "article_id", None):
            self.taken_ids.append(item.article_id)

    def on_failure(self, event: dict[str, Any]) -> None:
        from crawler.storage import record_failure

        record_failure(self.db, event["url"], event["stage"], event["reason"], event.get("http_status"))

    def on_clear(self, event: dict[str, Any]) -> None:
        from crawler.storage import clear_failures

        if clear_failures(self.db, event["url"]):
            self.stats.inc_value("scnews/resolved_failures")

    def on_bad(self, event: dict[str, Any]) -> None:
        from crawler.storage import record_failure

        record_failure(self.db, "(redis event)", "store", f"unreadable event: {event.get('reason')}")

    def run_row(self, run: str) -> int | None:
        if run in self.runs:
            return self.runs[run]["row"]
        found = self.db.execute(
            "SELECT id FROM crawl_runs WHERE json_extract(arguments, '$.redis_run') = ? ORDER BY id DESC",
            [f"{self.keys.prefix}:{run}"],
        ).fetchone()
        if found is None:
            return None
        self.runs[run] = {"row": found[0], "counts": Counter(), "stored_from": dict(self.stats.get_stats())}
        return found[0]

    def on_run_start(self, event: dict[str, Any]) -> None:
        from crawler.storage import start_run

        run = str(event["run"])
        if self.run_row(run) is not None:
            return  # done again after a restart
        params = event.get("params") or {}
        arguments = {**params, "redis_run": f"{self.keys.prefix}:{run}", "seeder": event.get("seeder")}
        row = start_run(self.db, arguments, started_at=event.get("started_at"))
        self.runs[run] = {"row": row, "counts": Counter(), "stored_from": dict(self.stats.get_stats())}

    def on_crawler_done(self, event: dict[str, Any]) -> None:
        run = str(event.get("run"))
        if self.run_row(run) is None:
            return
        for key, value in (event.get("counts") or {}).items():
            if isinstance(value, int | float):
                self.runs[run]["counts"][key] += value
        self.runs[run]["crawlers"] = self.runs[run].get("crawlers", 0) + 1

    def on_run_end(self, event: dict[str, Any]) -> None:
        from crawler.crawl_run import _counts
        from crawler.search.index import index_pending
        from crawler.storage import finish_run

        run = str(event.get("run"))
        row = self.run_row(run)
        if row is None:
            return
        self.commit()
        info = self.runs.pop(run)
        merged: dict[str, Any] = dict(info["counts"])
        now = self.stats.get_stats()
        for name in (*STORED_COUNTS, "resolved_failures"):
            key = "scnews/" + name
            merged[key] = int(now.get(key, 0) or 0) - int(info["stored_from"].get(key, 0) or 0)
        counts = _counts(merged)
        counts["crawlers"] = info.get("crawlers", 0)
        status = "ok" if counts["list_pages"] or counts["articles"] else "failed"
        finish_run(self.db, row, status, counts)
        try:
            index_pending(self.db)
        except Exception as exc:  # noqa: BLE001 - the data is committed; the index catches up later
            logger.warning("search index not updated: %s", exc)
        self.publish_memory()

    # --- committing ------------------------------------------------------------------------------------

    def commit(self) -> None:
        """Commit what the taken events did, then let them go from ``processing`` and publish the new ids."""
        from crawler.storage import known_article_ids

        self.session.flush()
        if self.taken:
            pipe = self.client.pipeline(transaction=True)
            pipe.ltrim(self.keys.processing, self.taken, -1)
            stored = known_article_ids(self.db, self.taken_ids)
            if stored:
                pipe.sadd(self.keys.known, *stored)
            pipe.execute()
        self.taken = 0
        self.taken_ids = []
        self.last_commit = time.monotonic()

    def step(self, block: float) -> bool:
        """Take and do one event; False when none came within ``block`` seconds."""
        data = self.client.lmove(self.keys.items, self.keys.processing, "LEFT", "RIGHT")
        if data is None and block > 0:
            data = self.client.blmove(self.keys.items, self.keys.processing, block, "LEFT", "RIGHT")
        if data is None:
            return False
        self.taken += 1
        self.handle(data)
        writer = self.session.writer
        if writer is not None and not len(writer):  # the store pipeline just committed a full batch
            self.commit()
        return True

    def crawlers_active(self) -> bool:
        return bool(self.client.exists(self.keys.run) or self.client.scard(self.keys.crawlers))

    def run(self, once: bool, idle_seconds: float) -> None:
        quiet_since: float | None = None
        while True:
            self.renew()
            took = self.step(block=0.2)
            if took and time.monotonic() - self.last_commit < self.batch_seconds:
                quiet_since = None
                continue
            self.commit()
            if took:
                quiet_since = None
                continue
            if not once:
                continue
            if self.client.llen(self.keys.items) or self.crawlers_active():
                quiet_since = None
                continue
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= idle_seconds:
                return


def summary_lines(ingester: Ingester, status: str, seconds: float) -> list[str]:
    stats = ingester.stats.get_stats()

    def n(name: str) -> int:
        return int(stats.get("scnews/" + name, 0) or 0)

    events = ingester.events
    return [
        f"scnews ingest: {status} ({seconds:.1f} s)",
        f"  events     {sum(events.values())} taken: {events['article']} articles, "
        f"{events['failure']} failures, "
        f"{events['run-start']} runs started, {events['run-end']} runs ended",
        f"  stored     new {n('new')}, changed {n('changed')}, unchanged {n('unchanged')}, "
        f"duplicates {n('duplicates')}, dropped {n('dropped')}",
    ]


def run_ingest(
    url: str,
    db_path: str | None,
    once: bool,
    idle_seconds: float = 3.0,
    settings_overrides: dict[str, Any] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    import redis
    from scrapy.settings import Settings

    from crawler.crawl_run import LockHeld, crawl_lock
    from crawler.database import resolve_db_path
    from crawler.distributed.keys import connect

    out = out or sys.stdout
    err = err or sys.stderr
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(dict(settings_overrides or {}), priority="cmdline")
    try:
        client = connect(url)
    except RedisUnavailable as exc:
        print(f"scnews ingest: {exc}; nothing stored", file=err)
        return EXIT_FAILED
    path: Path = resolve_db_path(db_path)
    if db_path:
        settings.set("SCNEWS_DB", str(path), priority="cmdline")
    keys = Keys(settings.get("SCNEWS_REDIS_PREFIX") or "scnews")
    started = time.monotonic()
    ingester: Ingester | None = None
    status, code = "failed", EXIT_FAILED

    def on_term(signum, frame):
        raise Stop()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        with crawl_lock(path):
            ingester = Ingester(client, keys, settings, url)
            if not ingester.claim():
                holder = (client.get(keys.ingester) or b"?").decode()
                print(
                    f"scnews ingest: another writer ({holder}) is taking from this Redis; nothing done",
                    file=err,
                )
                return EXIT_LOCKED
            try:
                ingester.open()
                try:
                    ingester.run(once, idle_seconds)
                    status, code = "done", EXIT_OK
                except (KeyboardInterrupt, Stop):
                    # Stopped anywhere, even inside an event: what was stored is committed at close; the
                    # events still in `processing` are done again by the next writer (stored as unchanged).
                    status, code = "stopped", EXIT_OK
                finally:
                    ingester.close()
                    ingester.release()
            except redis.RedisError as exc:
                status = "redis-unavailable"
                print(
                    f"scnews ingest: lost the Redis server at {describe(url)}: {one_line(exc)}; what was "
                    "committed stays, the rest waits in Redis for the next writer",
                    file=err,
                )
    except LockHeld as exc:
        print(f"scnews ingest: another crawl or writer is using {path} (lock {exc}); nothing done", file=err)
        return EXIT_LOCKED
    finally:
        signal.signal(signal.SIGTERM, previous)
    if ingester is not None:
        for line in summary_lines(ingester, status, time.monotonic() - started):
            print(line, file=out)
    return code
