"""``RedisMemory``: the crawl's memory for a crawler without a database, kept in Redis by the writer.

Reads: the stored article ids (a set), the start of the last completed run and the failures to retry (a
hash), all written by ``scnews ingest`` from the database. Writes: failures and their clearing go to the
writer as events, like the records; joining a run goes through the process's ``Node``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from crawler.distributed.events import encode
from crawler.distributed.node import Node, node_for

logger = logging.getLogger(__name__)


class RedisMemory:
    uses_database = False  # no coverage here: the window starts at the last completed run

    def __init__(self, node: Node):
        self.node = node
        self.keys = node.keys
        self.client = node.client

    @classmethod
    def from_crawler(cls, crawler) -> RedisMemory:
        return cls(node_for(crawler))

    def _state(self) -> dict[str, Any]:
        raw = self.client.hgetall(self.keys.memory)
        return {k.decode(): v.decode() for k, v in raw.items()}

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = sorted({str(i) for i in ids if i})
        if not wanted:
            return set()
        flags = self.client.smismember(self.keys.known, wanted)
        return {i for i, flag in zip(wanted, flags, strict=True) if flag}

    def last_success_start(self) -> datetime | None:
        state = self._state()
        if not state.get("updated_at"):
            logger.warning(
                "no writer has published the database's state to Redis yet (start `scnews ingest` first): "
                "this run crawls as a first run"
            )
        value = state.get("last_success_start")
        return datetime.fromisoformat(value) if value else None

    def failures_to_retry(self, limit: int) -> list[str]:
        urls = json.loads(self._state().get("retry") or "[]")
        return list(urls)[:limit]

    def record_failure(self, url: str, stage: str, reason: str, http_status: int | None = None) -> None:
        self._send(
            {"type": "failure", "url": url, "stage": stage, "reason": reason, "http_status": http_status}
        )

    def clear_failure(self, url: str) -> None:
        self._send({"type": "clear", "url": url})

    def _send(self, event: dict[str, Any]) -> None:
        import redis

        if self.node.error is not None:
            return
        try:
            self.client.rpush(self.keys.items, encode(event))
        except redis.RedisError as exc:
            self.node.lost(exc)

    def claim(self, ids: Iterable[str], by: str) -> set[str]:
        import redis

        wanted = sorted({str(i) for i in ids if i})
        if not wanted or self.node.error is not None:
            return set()
        try:
            granted = self.node.claim(wanted, by)
        except redis.RedisError as exc:
            self.node.lost(exc)
            return set()
        return {i for i, ok in zip(wanted, granted, strict=True) if ok}

    def join_run(self, params: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        return self.node.join(params)

    def close(self) -> None:
        pass
