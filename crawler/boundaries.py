"""The crawl's boundaries: a redirect that leaves the site or loops is a recorded failure, not a silent drop.

Scrapy decides what is on the site: the spider's ``allowed_domains`` and Scrapy's ``OffsiteMiddleware``
(``should_follow``), which also filters a redirect when the engine schedules it. But Scrapy drops such a
redirect silently (no errback), lets a request with ``dont_filter`` redirect anywhere, and drops the second
visit of a redirect loop (A -> B -> A) in the duplicate filter, again silently. This extension watches the
two signals where that happens and calls the request's errback with the reason, as Scrapy does for a request
a downloader middleware refuses:

- ``request_scheduled``: a redirected request that ``OffsiteMiddleware.should_follow`` refuses (whether or
  not it carries ``dont_filter``) is refused here: ``redirected off site to HOST``;
- ``request_dropped``: a redirected request dropped as a duplicate whose URL is already in its own redirect
  chain is a loop: ``redirect loop: A -> B -> A``. A redirect to a page already requested by another chain is
  counted (``scnews/redirect_to_seen``): that page is fetched anyway.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider, signals
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

logger = logging.getLogger(__name__)


class BoundaryRefusal(IgnoreRequest):
    """A request refused at the crawl's boundary; ``str(exc)`` is the reason recorded in ``failures``."""


class RedirectedOffsite(BoundaryRefusal):
    def __init__(self, host: str):
        super().__init__(f"redirected off site to {host}")
        self.host = host


class RedirectLoop(BoundaryRefusal):
    def __init__(self, chain: list[str]):
        super().__init__("redirect loop: " + " -> ".join(chain))
        self.chain = chain


class BoundaryExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        if not request.meta.get("redirect_urls"):
            return
        offsite = self.crawler.get_downloader_middleware(OffsiteMiddleware)
        if offsite is None or offsite.should_follow(request, spider):
            return
        host = urlparse_cached(request).netloc or request.url
        self.refuse(request, RedirectedOffsite(host))
        raise IgnoreRequest(f"redirected off site to {host}")

    def request_dropped(self, request: Request, spider: Spider) -> None:
        chain = request.meta.get("redirect_urls")
        if not chain:
            return
        here = canonicalize_url(request.url)
        if any(canonicalize_url(url) == here for url in chain):
            self.refuse(request, RedirectLoop([*chain, request.url]))
        else:
            self.crawler.stats.inc_value("scnews/redirect_to_seen")
            logger.info("redirect to a page already requested: %s -> %s", chain[-1], request.url)

    def refuse(self, request: Request, exc: BoundaryRefusal) -> None:
        self.crawler.stats.inc_value(f"scnews/refused/{type(exc).__name__}")
        if request.errback is None:
            logger.warning("refused %s: %s", request.url, exc)
            return
        failure = Failure(exc)
        failure.request = request  # type: ignore[attr-defined]  # as Scrapy's scraper sets it for errbacks
        request.errback(failure)  # the spider's errback records the failure (it returns nothing to follow)
