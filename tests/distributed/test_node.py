"""The run's Lua steps driven directly against a real redis-server: a process stopped between two of them."""

from __future__ import annotations

from scrapy import Request, signals
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.distributed.node import TOKEN_META, Node, _nodes
from crawler.distributed.scheduler import PARENT_META, AckMiddleware, node_outputs
from crawler.spiders.sc_chinanews import ScChinanewsSpider

REQUEST = b"a serialized article request"


def node(url: str) -> Node:
    crawler = get_crawler(ScChinanewsSpider, {"SCNEWS_REDIS_HEARTBEAT_TTL": 60})
    joined = Node(crawler, url)
    joined.join({})
    return joined


def test_a_stopped_crawlers_request_in_flight_keeps_the_other_until_it_is_taken_back(redis_factory):
    server = redis_factory()
    client = server.client()
    victim, survivor = node(server.url), node(server.url)
    assert victim.enqueue("fingerprint", 0, REQUEST)
    assert victim.take("token") == REQUEST  # in flight for the victim, which is then killed

    # Killed: its heartbeat keys expire one after the other; `busy` (renewed by the reactor) may go first.
    client.delete(victim.keys.busy(victim.id))
    assert client.exists(victim.keys.alive(victim.id))
    assert not survivor.may_close()  # the victim's request in flight is nobody's yet: stay
    assert client.zcard(survivor.keys.requests) == 0

    client.delete(victim.keys.alive(victim.id))  # and now `alive`: the request goes back to the frontier
    assert not survivor.may_close()
    assert client.zcard(survivor.keys.requests) == 1
    assert victim.id.encode() not in client.smembers(survivor.keys.crawlers)
    assert survivor.take("survivor-token") == REQUEST
    assert not client.exists(victim.keys.inflight(victim.id))
    survivor.ack("survivor-token")
    assert survivor.may_close()
    assert survivor.leave(True, {})  # the last process: the run ends with nothing left in it
    assert not client.exists(survivor.keys.run, survivor.keys.requests)


def test_a_live_crawler_between_two_requests_is_not_waited_for(redis_factory):
    server = redis_factory()
    client = server.client()
    first, second = node(server.url), node(server.url)
    client.delete(first.keys.busy(first.id), second.keys.busy(second.id))  # both idle, nothing in flight
    assert first.may_close() and second.may_close()


def test_a_request_stays_in_flight_until_its_callbacks_output_is_in_redis(redis_factory):
    """Scrapy reads a callback's whole output before its pipelines and scheduler see any of it: reaching
    the output's end must not finish the request (a crawler killed then lost the record)."""
    server = redis_factory()
    client = server.client()
    crawling = node(server.url)
    crawler = crawling.crawler
    _nodes[crawler] = crawling
    acks = AckMiddleware.from_crawler(crawler)
    assert crawling.enqueue("fingerprint", 0, REQUEST) and crawling.take("token") == REQUEST
    url = "http://127.0.0.1/cjbd/2024-04-10/300001.html"
    response = HtmlResponse(url, body=b"<html></html>", request=Request(url, meta={TOKEN_META: "token"}))
    record, follow = {"url": url}, Request(url.replace(".html", "_2.html"))

    outputs = list(acks.process_spider_output(response, [record, follow, None]))
    assert outputs == [record, follow, None] and follow.meta[PARENT_META] == "token"
    inflight = crawling.keys.inflight(crawling.id)
    assert client.hexists(inflight, "token")  # read, not yet handed over
    crawler.signals.send_catch_log(signals.item_scraped, item=record, response=response, spider=None)
    assert client.hexists(inflight, "token")  # the record is in Redis, the request for page 2 not yet
    node_outputs(crawling).done(crawling, follow.meta[PARENT_META])  # what the scheduler does once queued
    assert not client.hexists(inflight, "token")
