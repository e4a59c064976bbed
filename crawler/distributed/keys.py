"""Redis key names of one deployment (prefix ``SCNEWS_REDIS_PREFIX``, default ``scnews``), and connecting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_PREFIX = "scnews"

# Client defaults: a server that is gone is noticed in seconds, not the 30 s of scrapy-redis' defaults.
REDIS_PARAMS: dict[str, Any] = {"socket_timeout": 10, "socket_connect_timeout": 5, "retry_on_timeout": False}


class RedisUnavailable(Exception):
    """Redis cannot be reached (or went away): the message is one line for the user."""


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    @property
    def requests(self) -> str:
        """The frontier: a sorted set of serialized requests (scrapy-redis' PriorityQueue)."""
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        """Fingerprints of the run's requests (deleted with the run; expire if it is abandoned)."""
        return f"{self.prefix}:dupefilter"

    @property
    def claimed(self) -> str:
        """Ids of the articles a process of the run has taken on (another URL form of one is not fetched)."""
        return f"{self.prefix}:claimed"

    @property
    def run(self) -> str:
        """The current run: a hash of its id, start time and parameters."""
        return f"{self.prefix}:run"

    @property
    def run_counter(self) -> str:
        return f"{self.prefix}:run:counter"

    @property
    def crawlers(self) -> str:
        """Ids of the crawler processes in the current run."""
        return f"{self.prefix}:crawlers"

    def alive(self, node: str) -> str:
        return f"{self.prefix}:alive:{node}"

    def busy(self, node: str) -> str:
        return f"{self.prefix}:busy:{node}"

    def inflight(self, node: str) -> str:
        """Requests a crawler took from the frontier and has not finished (token -> serialized request)."""
        return f"{self.prefix}:inflight:{node}"

    @property
    def items(self) -> str:
        """What crawlers hand to the writer (JSON events, oldest first)."""
        return f"{self.prefix}:items"

    @property
    def processing(self) -> str:
        """Events the writer took and has not committed yet (reliable queue: back to ``items`` on restart)."""
        return f"{self.prefix}:items:processing"

    @property
    def known(self) -> str:
        """Ids of the stored articles (kept by the writer)."""
        return f"{self.prefix}:known"

    @property
    def memory(self) -> str:
        """What else crawlers need from the database: window start, failures to retry (kept by the writer)."""
        return f"{self.prefix}:memory"

    @property
    def ingester(self) -> str:
        """Held by the one running writer."""
        return f"{self.prefix}:ingester"


def describe(url: str) -> str:
    """The URL without a password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def connect(url: str, ping: bool = True):
    """A Redis client for ``url`` (bytes replies); ``RedisUnavailable`` (one line) when it cannot be used."""
    import redis

    try:
        client = redis.Redis.from_url(url, **REDIS_PARAMS)
    except ValueError as exc:
        raise RedisUnavailable(f"bad Redis URL {describe(url)!r}: {exc}") from None
    if ping:
        try:
            client.ping()
        except redis.RedisError as exc:
            raise RedisUnavailable(f"cannot reach Redis at {describe(url)}: {one_line(exc)}") from None
    return client


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
