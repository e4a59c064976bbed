"""robots.txt for every request: Scrapy's RobotsTxtMiddleware with its wait for a pending robots.txt fixed.

In Scrapy 2.19, ``RobotsTxtMiddleware.robot_parser`` keeps one Twisted ``Deferred`` per host while that
host's robots.txt downloads, and every request arriving meanwhile awaits it through
``maybe_deferred_to_future``. With the asyncio reactor that is ``Deferred.asFuture``, which consumes the
result: the first waiter gets the parser, every later one gets ``None``, which the middleware reads as "no
robots.txt, allowed". So all but one of the requests queued before robots.txt arrives go out unchecked
(docs/upstream-defects.md has the write-up for upstream).

The fix here: a waiter never awaits the shared ``Deferred`` itself but a fresh one of its own, fired when the
shared one fires, and then reads the parser the middleware stored (``_parse_robots`` and ``_robots_error``
store it before they fire the shared ``Deferred``). Nothing else changes.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


def _wake(result: Any, waiter: Deferred) -> Any:
    waiter.callback(None)
    return result  # the shared Deferred keeps its result for the next waiter


class RobotsTxtEveryRequestMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request):
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred = Deferred()
            pending.addBoth(_wake, waiter)
            await maybe_deferred_to_future(waiter)
            return self._parsers[netloc]
        return await super().robot_parser(request)
