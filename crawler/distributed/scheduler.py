"""scrapy-redis' scheduler, queue and duplicate filter, adapted to a run shared by processes that may die.

What changes from scrapy-redis 0.9.1 (each the smallest subclass that does it):

- ``RunQueue`` (of ``PriorityQueue``): a request taken from the frontier is recorded as in flight for its
  process in the same atomic step, and forgotten once its callback's output is in Redis (``AckMiddleware``);
  a process that dies leaves its in-flight requests to the others (``crawler/distributed/node.py``).
  scrapy-redis pops destructively: a killed crawler's requests were lost, and their fingerprints kept
  any other process from fetching them again.
- ``RunScheduler`` (of ``Scheduler``): keeps the frontier and fingerprints when one process finishes
  (``SCHEDULER_PERSIST`` would keep them for ever; without it the first process to finish deletes the
  frontier of all); the run's last process deletes them. It stays open while another live process is
  busy (its pages may add requests), joins the run's heartbeat, and stops the crawl with one line when
  Redis goes away.
- ``RunDupeFilter`` (of ``RFPDupeFilter``): the fingerprints set expires ``SCNEWS_REDIS_FINGERPRINT_TTL``
  seconds (a day) after its last addition, so an abandoned run's set does not stay for ever; a finished
  run's set is deleted with the run. Requests for stored articles never reach it (the spider does not make
  them).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from weakref import WeakKeyDictionary

import redis
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.node import TOKEN_META, Node, node_for

logger = logging.getLogger(__name__)

PARENT_META = "scnews_parent"  # on a request a callback produced: the token of the request in flight


class RunQueue(PriorityQueue):
    node: Node

    def pop(self, timeout: int = 0):
        token = uuid.uuid4().hex
        data = self.node.take(token)
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[TOKEN_META] = token
        return request


class RunDupeFilter(RFPDupeFilter):
    ttl: int = 86400

    @classmethod
    def from_spider(cls, spider):
        dupefilter = super().from_spider(spider)
        dupefilter.server = node_for(spider.crawler).client
        dupefilter.key = node_for(spider.crawler).keys.dupefilter
        dupefilter.ttl = node_for(spider.crawler).fingerprint_ttl
        return dupefilter

    def request_seen(self, request) -> bool:
        pipe = self.server.pipeline(transaction=False)
        pipe.sadd(self.key, self.request_fingerprint(request))
        pipe.expire(self.key, self.ttl)
        added, _ = pipe.execute()
        return added == 0

    def close(self, reason: str = "") -> None:
        pass  # the run's last process deletes the fingerprints (node.leave)

    def log(self, request, spider) -> None:
        pass  # filtered requests are normal in a shared crawl


class RunScheduler(Scheduler):
    """Settings: ``SCNEWS_REDIS_URL`` (required), ``SCNEWS_REDIS_PREFIX`` (``scnews``)."""

    node: Node
    crawler: Any

    @classmethod
    def from_crawler(cls, crawler):
        node = node_for(crawler)
        instance = cls(
            server=node.client,
            persist=True,
            queue_key=node.keys.requests,
            queue_cls="crawler.distributed.scheduler.RunQueue",
            dupefilter_key=node.keys.dupefilter,
            dupefilter_cls="crawler.distributed.scheduler.RunDupeFilter",
        )
        instance.node = node
        instance.crawler = crawler
        instance.stats = crawler.stats
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        # Waiting for other processes polls on the engine's heartbeat (5 s): poll at ours instead.
        if hasattr(crawler.engine, "_SLOT_HEARTBEAT_INTERVAL"):
            crawler.engine._SLOT_HEARTBEAT_INTERVAL = node.interval
        return instance

    def open(self, spider) -> None:
        try:
            super().open(spider)
        except redis.RedisError as exc:
            self.node.lost(exc)
            return
        self.queue.node = self.node
        self.node.start_heartbeat()

    def close(self, reason: str) -> None:
        node = self.node
        node.stop_heartbeat()
        if node.error is not None or node.run_id is None:
            return
        counts = {k: v for k, v in self.crawler.stats.get_stats().items() if k.startswith(COUNTED)}
        try:
            if node.leave(reason == "finished", counts):
                logger.info("this crawler ended run %s: nothing is left to crawl", node.run_id)
        except redis.RedisError as exc:
            node.lost(exc)

    def enqueue_request(self, request) -> bool:
        if self.node.error is not None:
            return False
        # A retry or redirect of a request in flight: once the new request is in the frontier (or filtered
        # out), the one taken is done.
        token = request.meta.pop(TOKEN_META, None)
        parent = request.meta.pop(PARENT_META, None)  # a callback's output: in Redis once this returns
        try:
            fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
            data = self.queue._encode_request(request)
            queued = self.node.enqueue(fingerprint, -request.priority, data)
            if queued:
                self.stats.inc_value("scheduler/enqueued/redis")
            if token:
                self.node.ack(token)
            return queued
        except redis.RedisError as exc:
            self.node.lost(exc)
            return False
        finally:
            if parent:
                node_outputs(self.node).done(self.node, parent)

    def next_request(self):
        if self.node.error is not None:
            return None
        try:
            request = self.queue.pop()
        except redis.RedisError as exc:
            self.node.lost(exc)
            return None
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if self.node.error is not None:
            return False
        try:
            return len(self) > 0
        except redis.RedisError as exc:
            self.node.lost(exc)
            return False

    def spider_idle(self, spider) -> None:
        """Stay while another live process is busy: its pages may add requests to the frontier."""
        node = self.node
        if node.error is not None or node.run_id is None:
            return
        try:
            may_close = node.may_close()
        except redis.RedisError as exc:
            node.lost(exc)
            return
        if not may_close:
            raise DontCloseSpider("other crawlers are busy or the frontier is not empty")


COUNTED = ("downloader/request_count", "response_received_count", "scnews/", "item_scraped_count")


class AckMiddleware:
    """A request is finished once every request and record its callback produced is in Redis, or once its
    callback failed; then it is no longer in flight. A request whose download failed for good stays in
    flight until its errback has recorded the failure: Scrapy calls that errback outside the spider
    middlewares, so the entry goes when this process is next idle (``Node.beat``) or leaves; a crawler
    killed before then has the request fetched again by another, which records the failure.

    Scrapy hands a callback's output to the frontier and the item pipelines only after it has read all of
    it (under asyncio, ``_parallel_asyncio`` fills a queue that workers drain later), so the end of the
    output is not the end of its processing: each output is counted, and the request is acknowledged when
    the last one has been queued (the scheduler) or handed to the writer (``item_scraped``, or dropped).
    """

    def __init__(self, crawler):
        self.node = node_for(crawler)
        self.outputs = node_outputs(self.node)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_done, signal=signal)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _count(self, token: str | None, output):
        if token and output is not None:
            if isinstance(output, Request):
                output.meta[PARENT_META] = token
            self.outputs.started(token)
        return output

    def _item_done(self, response=None, **kwargs) -> None:
        request = getattr(response, "request", None)
        token = request.meta.get(TOKEN_META) if request is not None else None
        if token:
            self.outputs.done(self.node, token)

    def process_spider_output(self, response, result):
        token = response.request.meta.get(TOKEN_META) if response is not None else None
        for output in result:
            yield self._count(token, output)
        if token:
            self.outputs.finished(self.node, token)

    async def process_spider_output_async(self, response, result):
        token = response.request.meta.get(TOKEN_META) if response is not None else None
        async for output in result:
            yield self._count(token, output)
        if token:
            self.outputs.finished(self.node, token)

    def process_spider_exception(self, response, exception):
        # The callback failed (Scrapy has logged it): the request is done once what it produced before is in
        # Redis, and not left in flight, where it would keep the other processes from leaving (may_close).
        token = response.request.meta.get(TOKEN_META) if response is not None else None
        if token:
            self.outputs.finished(self.node, token)
        return None


def ack(node: Node, token: str) -> None:
    if node.error is None:
        try:
            node.ack(token)
        except redis.RedisError as exc:
            node.lost(exc)


class Outputs:
    """Per request in flight: how many of its callback's outputs are not in Redis yet, and whether the
    callback has produced all of them; acknowledged when both say so."""

    def __init__(self) -> None:
        self.pending: dict[str, int] = {}
        self.complete: set[str] = set()

    def started(self, token: str) -> None:
        self.pending[token] = self.pending.get(token, 0) + 1

    def done(self, node: Node, token: str) -> None:
        left = self.pending.get(token, 0) - 1
        if left > 0:
            self.pending[token] = left
            return
        self.pending.pop(token, None)
        if token in self.complete:
            self.complete.discard(token)
            ack(node, token)

    def finished(self, node: Node, token: str) -> None:
        if self.pending.get(token, 0) > 0:
            self.complete.add(token)
        else:
            self.pending.pop(token, None)
            ack(node, token)


_outputs: WeakKeyDictionary[Node, Outputs] = WeakKeyDictionary()


def node_outputs(node: Node) -> Outputs:
    outputs = _outputs.get(node)
    if outputs is None:
        outputs = _outputs[node] = Outputs()
    return outputs
