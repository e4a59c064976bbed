"""One crawler process in a shared run: join (the first seeds), heartbeat, take and finish requests, leave.

Every step that must not interleave with another process is one Lua script, so Redis runs it atomically:

- join: the first process creates the run (its id, start time and parameters; a ``run-start`` event for the
  writer) and seeds it; later ones join it and crawl with its parameters.
- take: a request leaves the frontier and is recorded as in flight for this process, in one step.
- finish (ack): the request's callback has run and its output (requests, records) is in Redis.
- may-close: the frontier is empty and no other process is busy or holds requests in flight. Processes
  whose heartbeat stopped (killed, machine gone) are removed and their in-flight requests go back to the
  frontier first.
- leave: this process's state goes; when no process is left and the frontier is empty the run ends (a
  ``run-end`` event after every process's ``crawler-done``; the frontier and fingerprints go with it).

Heartbeat: every ``SCNEWS_REDIS_HEARTBEAT`` seconds (0.5) a process renews ``alive`` and, while its engine has
work, ``busy``; both expire after ``SCNEWS_REDIS_HEARTBEAT_TTL`` seconds (10) when the process stops renewing.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from typing import Any
from weakref import WeakKeyDictionary

from crawler.distributed.keys import DEFAULT_PREFIX, Keys, RedisUnavailable, describe, one_line

logger = logging.getLogger(__name__)

TOKEN_META = "scnews_inflight"

_JOIN = """
local seed = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  local id = redis.call('INCR', KEYS[5])
  redis.call('HSET', KEYS[1], 'id', id, 'params', ARGV[2], 'started_at', ARGV[3], 'seeder', ARGV[1])
  redis.call('RPUSH', KEYS[6], cjson.encode({type='run-start', run=tostring(id), started_at=ARGV[3],
    params=cjson.decode(ARGV[2]), seeder=ARGV[1]}))
  seed = 1
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[4])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
local run = redis.call('HMGET', KEYS[1], 'id', 'params', 'started_at')
return {seed, run[1], run[2], run[3]}
"""

_TAKE = """
local r = redis.call('ZPOPMIN', KEYS[1])
if #r == 0 then return false end
redis.call('HSET', KEYS[2], ARGV[1], r[1])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
return r[1]
"""

# KEYS: claimed; ARGV: page, ttl seconds, ids... -> 1/0 per id: the page may request it
_CLAIM = """
local out = {}
for i = 3, #ARGV do
  redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[1])
  out[#out + 1] = (redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1]) and 1 or 0
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return out
"""

# KEYS: dupefilter, requests; ARGV: fingerprint (empty: not filtered), score, request, ttl seconds.
# Fingerprint and request go in together, so a request is never marked seen without being queued.
_ENQUEUE = """
if ARGV[1] ~= '' then
  if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Shared by may-close and leave: remove dead processes (their in-flight requests back to the frontier);
# 1 when the frontier is empty and no other process is busy or holds requests in flight. A stopped
# process's ``busy`` may expire before its ``alive`` (each is renewed on its own clock): until ``alive``
# expires, its in-flight requests still keep the others from leaving, so that one of them requeues and
# fetches them.
_SETTLE = """
local function settle(requests, crawlers, prefix, me)
  local reclaimed = 0
  for _, other in ipairs(redis.call('SMEMBERS', crawlers)) do
    if other ~= me and redis.call('EXISTS', prefix .. ':alive:' .. other) == 0 then
      local inflight = prefix .. ':inflight:' .. other
      for _, data in ipairs(redis.call('HVALS', inflight)) do
        redis.call('ZADD', requests, 0, data)
        reclaimed = reclaimed + 1
      end
      redis.call('DEL', inflight, prefix .. ':busy:' .. other)
      redis.call('SREM', crawlers, other)
    end
  end
  if redis.call('ZCARD', requests) > 0 then return 0, reclaimed end
  for _, other in ipairs(redis.call('SMEMBERS', crawlers)) do
    if other ~= me and (redis.call('EXISTS', prefix .. ':busy:' .. other) == 1
        or redis.call('HLEN', prefix .. ':inflight:' .. other) > 0) then
      return 0, reclaimed
    end
  end
  return 1, reclaimed
end
"""

_MAY_CLOSE = (
    _SETTLE
    + """
local done, reclaimed = settle(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
return {done, reclaimed}
"""
)

# Ends the run when no process is left in it and the frontier is empty (1 ended now, 2 already, 0 not yet).
_TRY_END = """
local function try_end(requests, crawlers, dupefilter, run, items, prefix, claimed)
  if redis.call('EXISTS', run) == 0 then return 2 end
  settle(requests, crawlers, prefix, '')
  if redis.call('SCARD', crawlers) > 0 or redis.call('ZCARD', requests) > 0 then return 0 end
  local id = redis.call('HGET', run, 'id')
  redis.call('DEL', requests, dupefilter, run, crawlers, claimed)
  redis.call('RPUSH', items, cjson.encode({type='run-end', run=id}))
  return 1
end
"""

_END = (
    _SETTLE
    + _TRY_END
    + """
return try_end(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[1], KEYS[6])
"""
)

# ARGV: prefix, node, requeue (1: this process's in-flight requests go back), crawler-done event JSON
_LEAVE = (
    _SETTLE
    + _TRY_END
    + """
local prefix, me = ARGV[1], ARGV[2]
local inflight = prefix .. ':inflight:' .. me
if ARGV[3] == '1' then
  for _, data in ipairs(redis.call('HVALS', inflight)) do redis.call('ZADD', KEYS[1], 0, data) end
end
redis.call('DEL', inflight, prefix .. ':alive:' .. me, prefix .. ':busy:' .. me)
redis.call('SREM', KEYS[2], me)
redis.call('RPUSH', KEYS[5], ARGV[4])
return try_end(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], prefix, KEYS[6])
"""
)


class Node:
    """The Redis side of one crawler process (one per Scrapy crawler, shared by its components)."""

    def __init__(self, crawler, url: str, prefix: str = DEFAULT_PREFIX):
        from crawler.distributed.keys import connect

        self.crawler = crawler
        self.url = url
        self.keys = Keys(prefix)
        self.client = connect(url, ping=False)
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        settings = crawler.settings
        self.interval = settings.getfloat("SCNEWS_REDIS_HEARTBEAT", 0.5)
        self.ttl_ms = int(settings.getfloat("SCNEWS_REDIS_HEARTBEAT_TTL", 10.0) * 1000)
        self.fingerprint_ttl = settings.getint("SCNEWS_REDIS_FINGERPRINT_TTL", 86400)
        self.run_id: str | None = None
        self.seeder = False
        self.error: str | None = None  # set when Redis went away: the crawl stops and says this
        self.left = False
        self._loop: Any = None
        self._stopped: Any = None
        self._join = self.client.register_script(_JOIN)
        self._take = self.client.register_script(_TAKE)
        self._may_close = self.client.register_script(_MAY_CLOSE)
        self._leave = self.client.register_script(_LEAVE)
        self._end = self.client.register_script(_END)
        self._claim = self.client.register_script(_CLAIM)
        self._enqueue = self.client.register_script(_ENQUEUE)

    # --- Redis gone ----------------------------------------------------------------------------------

    def lost(self, exc: Exception) -> None:
        """Redis failed: stop this crawler (once); what it had not handed over is crawled again later."""
        if self.error is None:
            self.error = f"lost the Redis server at {describe(self.url)}: {one_line(exc)}"
            logger.error("%s; stopping", self.error)
            engine = getattr(self.crawler, "engine", None)
            if engine is not None:
                from scrapy.utils.defer import deferred_from_coro

                deferred_from_coro(engine.close_spider_async(reason="redis-unavailable"))

    # --- lifecycle -----------------------------------------------------------------------------------

    def start_heartbeat(self) -> None:
        """``alive`` from a thread (a reactor busy parsing is still alive), ``busy`` from the reactor."""
        import threading

        from twisted.internet import task

        self._stopped = threading.Event()
        self._alive_thread = threading.Thread(target=self._keep_alive, name="scnews-redis-alive", daemon=True)
        self._alive_thread.start()
        self.beat()
        self._loop = task.LoopingCall(self.beat)
        self._loop.start(self.interval, now=False)

    def stop_heartbeat(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None
        if self._stopped is not None:
            self._stopped.set()

    def _keep_alive(self) -> None:
        import redis

        while not self._stopped.is_set() and self.error is None and not self.left:
            try:
                self.client.set(self.keys.alive(self.id), 1, px=self.ttl_ms)
            except redis.RedisError:
                pass  # the reactor's calls notice it and stop the crawl with one line
            self._stopped.wait(self.interval)

    def beat(self) -> None:
        import redis

        if self.error is not None or self.left:
            return
        engine = getattr(self.crawler, "engine", None)
        try:
            idle = engine is None or engine.spider is None or engine.spider_is_idle()
        except (RuntimeError, AttributeError):  # the engine has no slot yet, or any more
            idle = True
        try:
            if idle:  # nothing is being fetched or processed: anything still marked in flight is done
                self.client.delete(self.keys.busy(self.id), self.keys.inflight(self.id))
            else:
                self.client.set(self.keys.busy(self.id), 1, px=self.ttl_ms)
        except redis.RedisError as exc:
            self.lost(exc)

    def join(self, params: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        from crawler.storage import utc_now

        k = self.keys
        result = self._join(
            keys=[k.run, k.crawlers, k.alive(self.id), k.busy(self.id), k.run_counter, k.items],
            args=[self.id, json.dumps(params, ensure_ascii=False, sort_keys=True), utc_now(), self.ttl_ms],
        )
        seed, run_id, run_params, _started = result
        self.run_id = run_id.decode() if isinstance(run_id, bytes) else str(run_id)
        self.seeder = bool(seed)
        return self.seeder, json.loads(run_params)

    def take(self, token: str) -> bytes | None:
        k = self.keys
        return self._take(keys=[k.requests, k.inflight(self.id), k.busy(self.id)], args=[token, self.ttl_ms])

    def claim(self, ids: list[str], by: str) -> list[int]:
        return self._claim(keys=[self.keys.claimed], args=[by, self.fingerprint_ttl, *ids])

    def enqueue(self, fingerprint: str | None, score: float, data: bytes) -> bool:
        keys = [self.keys.dupefilter, self.keys.requests]
        return bool(self._enqueue(keys=keys, args=[fingerprint or "", score, data, self.fingerprint_ttl]))

    def ack(self, token: str) -> None:
        self.client.hdel(self.keys.inflight(self.id), token)

    def may_close(self) -> bool:
        k = self.keys
        done, reclaimed = self._may_close(keys=[k.requests, k.crawlers], args=[k.prefix, self.id])
        if reclaimed:
            logger.warning("took back %d requests of a crawler that stopped", reclaimed)
            self.crawler.stats.inc_value("scnews/redis/reclaimed", reclaimed)
        return bool(done)

    def leave(self, finished: bool, counts: dict[str, Any]) -> bool:
        """Leave the run; True when this process ended it.

        The run ends when its last process leaves with the frontier empty. A process that finished waits
        (at most the heartbeat's TTL) for the others to leave, or for a stopped one's heartbeat to expire,
        so that one of them ends the run after every process's counts have reached the writer.
        """
        import time

        k = self.keys
        keys = [k.requests, k.crawlers, k.dupefilter, k.run, k.items, k.claimed]
        event = {"type": "crawler-done", "run": self.run_id, "crawler": self.id, "counts": counts}
        state = self._leave(
            keys=keys, args=[k.prefix, self.id, "0" if finished else "1", json.dumps(event, default=str)]
        )
        self.left = True
        deadline = time.monotonic() + self.ttl_ms / 1000 + 1
        while finished and state == 0 and time.monotonic() < deadline:
            time.sleep(self.interval)
            state = self._end(keys=keys, args=[k.prefix])
        return state == 1


_nodes: WeakKeyDictionary[Any, Node] = WeakKeyDictionary()


def node_for(crawler) -> Node:
    node = _nodes.get(crawler)
    if node is None:
        settings = crawler.settings
        url = settings.get("SCNEWS_REDIS_URL")
        if not url:
            raise RedisUnavailable("SCNEWS_REDIS_URL is not set")
        node = _nodes[crawler] = Node(crawler, url, settings.get("SCNEWS_REDIS_PREFIX") or DEFAULT_PREFIX)
    return node
