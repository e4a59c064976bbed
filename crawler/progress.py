"""Live progress of a crawl on a terminal: one line on stderr, rewritten twice a second.

Enabled by ``SCNEWS_PROGRESS`` (``scnews crawl`` sets it when stderr is a terminal and ``--quiet`` is not
given); otherwise ``NotConfigured``, and the crawl prints only its final summary.
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressExtension:
    def __init__(self, crawler, stream=None, interval: float = 0.5) -> None:
        self.crawler = crawler
        self.stream = stream or sys.stderr
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SCNEWS_PROGRESS"):
            raise NotConfigured("progress is shown only on a terminal")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        stats = self.crawler.stats
        return (
            f"scnews: {time.monotonic() - self.started:5.0f} s  "
            f"pages {stats.get_value('response_received_count', 0)}  "
            f"articles {stats.get_value('scnews/articles', 0)}  "
            f"errors {stats.get_value('scnews/failed', 0)}"
        )

    def show(self) -> None:
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()

    def spider_opened(self, spider) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval)

    def spider_closed(self, spider, reason) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.stream.write("\r\x1b[K")
        self.stream.flush()
