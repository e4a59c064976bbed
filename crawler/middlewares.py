"""Downloader middlewares: polite retries, and the host form a replica is asked for.

``BackoffRetryMiddleware`` replaces Scrapy's ``RetryMiddleware``: the same retry rules (``RETRY_TIMES``,
``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``), but a retry waits first: the server's ``Retry-After`` (seconds or
an HTTP date) when a 429 or 503 carries one, capped by ``SCNEWS_RETRY_AFTER_MAX``; otherwise an exponential
back-off ``SCNEWS_RETRY_BACKOFF_BASE * 2 ** (attempt - 1)``, capped by ``SCNEWS_RETRY_BACKOFF_MAX``.
A ``Retry-After`` longer than the cap gives up at once (the failure is recorded by the spider's errback and
retried by the next run) rather than hammering the server sooner than it asked.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """The delay a ``Retry-After`` header asks for, in seconds (never negative), or None when absent/bad."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("SCNEWS_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("SCNEWS_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("SCNEWS_RETRY_AFTER_MAX", 120.0)

    def _backoff(self, request: Request) -> float:
        attempt = request.meta.get("retry_times", 0)  # retries already made for this request
        return min(self.backoff_max, self.backoff_base * (2**attempt))

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.crawler.stats.inc_value("scnews/retry_wait_seconds", seconds)  # type: ignore[arg-type]
            await asyncio.sleep(seconds)

    # Scrapy 2.14+ signatures (no spider argument); the base class still declares the old ones.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay = self._backoff(request)
        if response.status in (429, 503):
            asked = retry_after_seconds(response.headers.get(b"Retry-After"))
            if asked is not None:
                if asked > self.retry_after_max:
                    self.crawler.stats.inc_value("scnews/retry_after_too_long")
                    return response
                self.crawler.stats.inc_value("scnews/retry_after_honoured")
                delay = asked
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(delay)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await self._wait(self._backoff(request))
        return retry


class ReplicaHostMiddleware:
    """Sends ``request.meta["scnews_host"]`` as the ``Host`` header (the spider sets it only when crawling a
    replica, for links to another host form of the site); a redirected request goes to the host it names."""

    def process_request(self, request: Request) -> None:
        if request.meta.get("redirect_times"):
            request.headers.pop(b"Host", None)
        elif request.meta.get("scnews_host"):
            request.headers[b"Host"] = request.meta["scnews_host"]
        return None
