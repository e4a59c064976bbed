"""robots.txt for every request: Scrapy's RobotsTxtMiddleware with its wait for a pending robots.txt fixed.

In Scrapy 2.19, ``RobotsTxtMiddleware.robot_parser`` keeps one Twisted ``Deferred`` per host while that
host's robots.txt downloads, and every request arriving meanwhile awaits it through
``maybe_deferred_to_future``. With the asyncio reactor that is ``Deferred.asFuture``, which consumes the
result: the first waiter gets the parser, every later one gets ``None``, which the middleware reads as "no
robots.txt, allowed". So all but one of the requests queued before robots.txt arrives go out unchecked
(docs/upstream-defects.md has the write-up for upstream).

The fix here: a waiter never awaits the shared ``Deferred`` itself but a fresh one of its own, fired when the
shared one fires, and then reads the parser the middleware stored (``_parse_robots`` and ``_robots_error``
store it before they fire the shared ``Deferred``).

And a robots.txt that cannot be had is not read as "everything allowed". RFC 9309 (2.3.1.3, 2.3.1.4): a 4xx
means there are no rules (Scrapy reads the body, which allows all: unchanged), but a 5xx or a failed download
(timeout, refused connection) means the rules are unreachable and the crawler must assume complete
disallow. Scrapy 2.19 parses a 5xx page's body as rules and treats a failed download as "no rules", so a
robots.txt answered 503, or slower than ``DOWNLOAD_TIMEOUT``, let the whole site be crawled. Here such a
host's requests are refused for this run with ``robots.txt unreachable (HTTP 503)`` or ``(timeout)``; they are
recorded as failures and retried by the next run, which asks for robots.txt again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def _wake(result: Any, waiter: Deferred) -> Any:
    waiter.callback(None)
    return result  # the shared Deferred keeps its result for the next waiter


DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def _unreachable_reason(exc: Exception) -> str:
    name = type(exc).__name__
    return "timeout" if "Timeout" in name else name


class RobotsTxtEveryRequestMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._unreachable: dict[str, str] = {}  # netloc -> why its robots.txt could not be had

    def process_request_2(self, rp, request: Request) -> None:
        reason = self._unreachable.get(urlparse_cached(request).netloc)
        if reason is not None:
            self._stats.inc_value("robotstxt/unreachable_refused")
            raise IgnoreRequest(f"robots.txt unreachable ({reason})")
        super().process_request_2(rp, request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._unreachable[netloc] = f"HTTP {response.status}"
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # refused before download (e.g. redirected off site): no rules
            super()._robots_error(exc, netloc)
            return
        self._unreachable[netloc] = _unreachable_reason(exc)
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        pending = self._parsers[netloc]
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)

    async def robot_parser(self, request: Request):
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred = Deferred()
            pending.addBoth(_wake, waiter)
            await maybe_deferred_to_future(waiter)
            return self._parsers[netloc]
        return await super().robot_parser(request)
