"""The crawler's only item pipeline under ``--redis``: each record goes to the writer's queue in Redis.

scrapy-redis' ``RedisPipeline`` pushes from a thread (``deferToThread``) and takes the pipeline's deprecated
``spider`` argument; this subclass pushes at once, so a record is in Redis before the request that produced
it counts as finished (``AckMiddleware``), and its events are the writer's JSON (``events.py``).
"""

from __future__ import annotations

import redis
from scrapy.exceptions import DropItem
from scrapy_redis.pipelines import RedisPipeline

from crawler.distributed.events import article_event
from crawler.distributed.node import Node, node_for
from pipelines.items import as_article, item_url


class ItemQueuePipeline(RedisPipeline):
    def __init__(self, node: Node):
        super().__init__(node.client, key=node.keys.items, serialize_func=article_event)
        self.node = node

    @classmethod
    def from_crawler(cls, crawler):
        return cls(node_for(crawler))

    def process_item(self, item):
        article = as_article(item)
        url = item_url(item) or "(no url)"
        if article is None:
            raise DropItem(f"not an article record: {url}")
        if self.node.error is not None:
            self.node.crawler.stats.inc_value("scnews/not_handed_over")
            raise DropItem(f"not handed over ({self.node.error}): {url}")
        try:
            self.server.rpush(self.key, self.serialize(article))
        except redis.RedisError as exc:
            self.node.lost(exc)
            self.node.crawler.stats.inc_value("scnews/not_handed_over")
            raise DropItem(f"not handed over ({self.node.error}): {url}") from None
        self.node.crawler.stats.inc_value("scnews/queued")
        return item
