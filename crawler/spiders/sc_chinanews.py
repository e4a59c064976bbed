"""The ``sc_chinanews`` spider: channel index pages -> list pages -> articles, incrementally.

Deciding what to fetch is this module's job; reading pages is the pure parsers' (``parse_listing``,
``parse_article``). The database is the memory between runs: articles already stored are not requested
again (unless ``refresh``), each channel's window starts where its coverage says (below;
``SCNEWS_FIRST_RUN_SINCE`` back for a channel never covered) unless ``since`` is given, and fetch/parse
failures of earlier runs are retried first.

Arguments (``scrapy crawl sc_chinanews -a name=value`` or ``scnews crawl``): ``channels`` (``cjbd,bwbd``),
``since`` (``2d``, ``12h``, ``2024-04-01``), ``until`` (a date, inclusive), ``max_pages`` (list pages per
channel), ``refresh`` (``1`` to fetch stored articles again), ``revisit`` (``due``, the default: revisit the
stored articles whose revisit is due; ``all``: every article younger than the revisit age; ``off``) and
``lists`` (``0``: no list pages and no retries, only the revisits: ``scnews revisit``).

Coverage (``crawler/coverage.py``) is the memory of what was read: each channel's window starts at its oldest
open gap or a margin (``SCNEWS_LATE_LISTING_MARGIN_HOURS``) before its covered time ends; when the run
finishes, the span each channel's lists were read over is recorded as covered, and what it could not reach
(``max_pages``, a failed list page) as a gap. ``SCNEWS_NOW`` (an ISO time) replaces the clock, for
simulations of the replica's timeline only.

``SCNEWS_BASE_URL`` points the spider at another copy of the site (the offline replica): requests go there,
but every URL the spider records (articles, failures) is the canonical site URL.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawler.boundaries import BoundaryRefusal
from crawler.crawl_args import (
    CrawlArgumentError,
    parse_base_url,
    parse_bool,
    parse_channels,
    parse_positive_int,
    parse_when,
)
from crawler.memory import CrawlMemory, memory_for
from crawler.parsers.listing import parse_listing
from crawler.revisit import REDIRECT_STATUSES, WITHDRAWN_STATUSES, RevisitPolicy, Withdrawn
from crawler.timewindow import CHINA
from crawler.urls import CANONICAL_HOST, SITE_HOSTS, canonical_url, is_site_host, parse_article_url

SITE_ORIGIN = f"https://{CANONICAL_HOST}"
REVISIT_MODES = ("due", "all", "off")


def header_charset(response: Response) -> str | None:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def failure_reason(failure: Any, timeout: float | None, maxsize: int | None = None) -> tuple[str, int | None]:
    """(reason, HTTP status) for an errback's failure, in words a reader of ``failures`` understands."""
    exc = failure.value
    name = type(exc).__name__
    if isinstance(exc, BoundaryRefusal):  # off-site redirect, redirect loop (crawler/boundaries.py)
        return str(exc), None
    limit = f"the {maxsize} B limit" if maxsize else "the size limit"
    if name == "DownloadCancelledError":  # declared or streamed past DOWNLOAD_MAXSIZE
        return f"body larger than {limit} (DOWNLOAD_MAXSIZE)", None
    if name == "IgnoreRequest" and "DOWNLOAD_MAXSIZE" in str(exc):  # a compression bomb
        return f"body larger than {limit} (DOWNLOAD_MAXSIZE) once decompressed", None
    if name == "IgnoreRequest" and "max redirections" in str(exc):
        return "too many redirects (REDIRECT_MAX_TIMES)", None
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"HTTP {status}", status
    if failure.check(TwistedTimeoutError, TCPTimedOutError) or "Timeout" in type(exc).__name__:
        return (f"timeout after {timeout:g} s" if timeout else "timeout"), None
    if isinstance(exc, DNSLookupError) or name in ("CannotResolveHostError", "DNSLookupError"):
        return "DNS lookup failed", None
    if isinstance(exc, ConnectionRefusedError) or "ConnectionRefused" in name:
        return "connection refused", None
    if "ConnectionLost" in name or "ResponseNeverReceived" in name or "ConnectionDone" in name:
        return "connection lost", None
    if "ResponseFailed" in name or "DownloadFailed" in name:
        return "download failed", None
    if type(exc).__name__ == "IgnoreRequest" and str(exc).startswith("robots.txt unreachable"):
        return str(exc), None  # crawler/robots.py: a 5xx or failed robots.txt refuses the host for the run
    if type(exc).__name__ == "IgnoreRequest" and "robots" in str(exc).lower():
        return "forbidden by robots.txt", None
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:300], None


def day_start(day: str) -> datetime:
    """00:00 China time of a ``YYYY-MM-DD`` day."""
    return datetime.fromisoformat(day).replace(tzinfo=CHINA)


def day_after(day: str) -> datetime:
    return day_start(day) + timedelta(days=1)


def list_channel(url: str) -> str | None:
    """The channel of a list page URL (``/cjbd/index_2.shtml`` -> ``cjbd``), else None."""
    parts = urlsplit(url).path.strip("/").split("/")
    return parts[0] if len(parts) == 2 and parts[1].startswith("index") else None


class ScChinanewsSpider(scrapy.Spider):
    name = "sc_chinanews"

    # Set from the settings in from_crawler.
    allowed_domains: list[str]
    base: str
    base_netloc: str
    base_is_site: bool
    max_pages: int
    retry_limit: int
    first_run_since: str
    timeout: float
    revisit_policy: RevisitPolicy
    maxsize: int
    margin: timedelta
    run_id: int | None
    memory: CrawlMemory

    def __init__(
        self,
        channels: str | None = None,
        since: str | None = None,
        until: str | None = None,
        max_pages: str | int | None = None,
        refresh: str | bool | None = None,
        revisit: str | None = None,
        lists: str | bool | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.now = datetime.now(CHINA)
        # Validated once, here: a bad value stops the crawl before any request with one clear message.
        self.channels = parse_channels(channels)
        self.since_arg = since
        self.since: datetime | None = parse_when(since, self.now) if since else None
        self.until: datetime | None = (
            parse_when(until, self.now, name="--until", end_of_day=True) if until else None
        )
        if self.since and self.until and self.until < self.since:
            raise CrawlArgumentError("--until is before --since")
        self.max_pages_arg = parse_positive_int(max_pages, "--max-pages") if max_pages is not None else None
        self.refresh = parse_bool(refresh) if refresh is not None else False
        self.revisit = (revisit or "due").strip().lower()
        if self.revisit not in REVISIT_MODES:
            raise CrawlArgumentError(f"revisit: {revisit!r} is not one of {', '.join(REVISIT_MODES)}")
        self.lists = parse_bool(lists) if lists is not None else True
        self.until_arg = until
        self.seen_ids: set[str] = set()
        self.retry_urls: set[str] = set()
        self.db = None  # the database: coverage and revisits (everything else goes through self.memory)
        # Coverage bookkeeping, per channel: where its window starts, the bottom date of the last list page
        # read, and how its paging ended (covered from, and why the rest of the window was not covered).
        self.channel_since: dict[str, datetime] = {}
        self.list_bottom: dict[str, str | None] = {}
        self.chain_end: dict[str, tuple[datetime | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        try:
            return cls._configured(crawler, *args, **kwargs)
        except CrawlArgumentError as exc:
            # `scrapy crawl -a ...` with a bad value: one line and exit status 2, like `scnews crawl`.
            print(f"{cls.name}: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    @classmethod
    def _configured(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        base, parts = parse_base_url(settings.get("SCNEWS_BASE_URL") or SITE_ORIGIN)
        spider.base = base
        spider.base_netloc = parts.netloc.lower()
        spider.base_is_site = is_site_host(parts.hostname)
        # The boundary, held by Scrapy's OffsiteMiddleware for every request and redirect
        # (crawler/boundaries.py records the redirects it refuses): the site's hosts and the base URL's.
        spider.allowed_domains = sorted({*SITE_HOSTS, (parts.hostname or "").lower()} - {""})
        spider.max_pages = spider.max_pages_arg or settings.getint("SCNEWS_MAX_PAGES", 10)
        spider.retry_limit = settings.getint("SCNEWS_RETRY_FAILED_LIMIT", 200)
        spider.first_run_since = settings.get("SCNEWS_FIRST_RUN_SINCE") or "2d"
        spider.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        spider.revisit_policy = RevisitPolicy.from_settings(settings.get)
        spider.maxsize = settings.getint("DOWNLOAD_MAXSIZE")
        spider.margin = timedelta(hours=settings.getfloat("SCNEWS_LATE_LISTING_MARGIN_HOURS", 48))
        spider.run_id = settings.getint("SCNEWS_RUN_ID") or None
        if settings.get("SCNEWS_NOW"):
            # A simulated clock (tests and bench/complete.py): the window and coverage use it.
            spider.now = parse_when(str(settings.get("SCNEWS_NOW")), spider.now, name="SCNEWS_NOW")
            if spider.since_arg:
                spider.since = parse_when(spider.since_arg, spider.now)
            if spider.until_arg:
                spider.until = parse_when(spider.until_arg, spider.now, name="--until", end_of_day=True)
        spider.memory = memory_for(crawler)
        return spider

    # --- URLs: site form <-> fetch form ------------------------------------------------------------------

    def on_site(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and (
            is_site_host(parts.hostname) or parts.netloc.lower() == self.base_netloc
        )

    def site_url(self, url: str) -> str:
        """The URL on the real site of a page fetched from ``SCNEWS_BASE_URL``."""
        parts = urlsplit(url)
        if parts.netloc.lower() == self.base_netloc and not self.base_is_site:
            return urlunsplit(("https", CANONICAL_HOST, parts.path, parts.query, ""))
        return url

    def fetch_target(self, url: str) -> tuple[str, dict[str, Any]]:
        """Where to request a site URL (on the base URL), and the request's meta.

        A replica is asked for other host forms of the site (``www.sc.chinanews.com``) with that ``Host``
        header (``ReplicaHostMiddleware``), as if their DNS pointed at it: it answers them with a redirect.
        """
        parts = urlsplit(url)
        if parts.netloc.lower() == self.base_netloc:
            return url, {}
        base = urlsplit(self.base)
        target = urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        meta = {}
        if not self.base_is_site and (parts.hostname or "").lower() != CANONICAL_HOST:
            meta["scnews_host"] = parts.netloc
        return target, meta

    def request(self, url: str, callback, **cb_kwargs: Any) -> Request:
        target, meta = self.fetch_target(url)
        cb_kwargs.setdefault("site_url", canonical_url(url) if parse_article_url(url) else self.site_url(url))
        # A replica's redirect of another host form points at the same URL: let it through the dupe filter.
        return Request(
            target,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            cb_kwargs=cb_kwargs,
            dont_filter=bool(meta),
        )

    # --- start -------------------------------------------------------------------------------------------

    def open_db(self):
        """Revisits read and mark stored articles in the database itself (never under --redis)."""
        if self.db is None:
            from crawler.database import open_database
            from pipelines.session import db_path_from_settings

            self.db = open_database(db_path_from_settings(self.settings))
        return self.db

    def window_start(self) -> datetime:
        """The window of a channel without coverage: ``since``, else (a database from before coverage was
        recorded) the start of the last successful run, else ``SCNEWS_FIRST_RUN_SINCE`` back."""
        if self.since is not None:
            return self.since
        last = None if self.has_coverage() else self.memory.last_success_start()
        if last is not None:
            return last.astimezone(CHINA)
        return parse_when(self.first_run_since, self.now, name="SCNEWS_FIRST_RUN_SINCE")

    def has_coverage(self) -> bool:
        """Coverage lives in the database; a crawler without one (--redis) windows by the last run."""
        if not self.memory.uses_database:
            return False
        from crawler.coverage import has_any_coverage

        return has_any_coverage(self.open_db())

    def channel_window_start(self, code: str, default: datetime) -> datetime:
        """``since`` when given; else the channel's oldest open gap or its covered time less the margin."""
        if self.since_arg or not self.memory.uses_database:
            return default
        from crawler.coverage import next_window_start

        return next_window_start(self.open_db(), code, self.now, self.margin) or default

    def run_params(self) -> dict[str, Any]:
        return {
            "channels": list(self.channels),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "max_pages": self.max_pages,
            "refresh": self.refresh,
        }

    def adopt_run(self, params: dict[str, Any]) -> None:
        """Crawl with the parameters of a run another process started (a shared frontier has one window)."""
        self.channels = list(params["channels"])
        self.since = datetime.fromisoformat(params["since"]) if params.get("since") else None
        self.until = datetime.fromisoformat(params["until"]) if params.get("until") else None
        self.max_pages = int(params["max_pages"])
        self.refresh = bool(params["refresh"])
        if self.since is not None:
            self.channel_since = {code: self.since for code in self.channels}

    async def start(self) -> AsyncIterator[Request]:
        default = self.window_start()
        self.channel_since = {code: self.channel_window_start(code, default) for code in self.channels}
        self.since = min(self.channel_since.values(), default=default).astimezone(CHINA)
        seed, params = self.memory.join_run(self.run_params())
        if not seed:
            self.adopt_run(params)
        self.crawler.stats.set_value("scnews/window_since", self.since.isoformat(timespec="seconds"))
        if self.until:
            self.crawler.stats.set_value("scnews/window_until", self.until.isoformat(timespec="seconds"))
        self.logger.info("window from %s, channels %s", self.since.isoformat(), ",".join(self.channels))

        if not seed:
            self.logger.info("joined a run another process started: its frontier is shared")
            return
        if not self.lists:
            for request in self.revisit_requests():
                yield request
            return
        retry = self.memory.failures_to_retry(self.retry_limit)
        retried_ids = [parsed.article_id for parsed in map(parse_article_url, retry) if parsed]
        known = set() if self.refresh else self.memory.known_ids(retried_ids)
        stats = self.crawler.stats
        for url in retry:
            if not self.on_site(url):
                continue
            parsed = parse_article_url(url)
            self.retry_urls.add(canonical_url(url) if parsed else self.site_url(url))
            stats.inc_value("scnews/retried_failures")
            if parsed is None:
                if list_channel(url) not in self.channels:  # this run's paging reads its own channels' lists
                    yield self.request(url, self.parse_list, channel=None, page=1)
            elif parsed.article_id in self.seen_ids:
                continue
            elif parsed.article_id in known:
                self.seen_ids.add(parsed.article_id)
                stats.inc_value("scnews/discovered")
                stats.inc_value("scnews/skipped_known")
                self.clear_failure(canonical_url(url))  # stored since it failed
            else:
                self.seen_ids.add(parsed.article_id)
                stats.inc_value("scnews/discovered")
                yield self.request(url, self.parse_article)
        for code in self.channels:
            yield self.request(f"{SITE_ORIGIN}/{code}/index.shtml", self.parse_list, channel=code, page=1)
        for request in self.revisit_requests():
            yield request

    # --- list pages --------------------------------------------------------------------------------------

    def in_window(self, date: str | None, channel: str | None = None) -> bool:
        if not date:
            return True
        since = self.channel_since.get(channel or "", self.since)
        if since and date < since.astimezone(CHINA).date().isoformat():
            return False
        if self.until and date > self.until.astimezone(CHINA).date().isoformat():
            return False
        return True

    def parse_list(self, response: Response, site_url: str, channel: str | None, page: int):
        stats = self.crawler.stats
        stats.inc_value("scnews/list_pages")
        listing = parse_listing(response.body, self.site_url(response.url), encoding=header_charset(response))
        if not listing.items:
            self.fail(site_url, "parse", "list page without article links")
            if channel:
                self.list_failed(channel, page, "no article links")
            return
        self.clear_failure(site_url)
        on_site = []
        for item in listing.items:
            if self.on_site(item.url):
                on_site.append(item)
            else:
                stats.inc_value("scnews/offsite_links")
        candidates = [i for i in on_site if self.in_window(i.date, channel)]
        stats.inc_value("scnews/list_items", len(on_site))
        # The list parser keeps article URLs only, so each candidate parses.
        ids = {
            parsed.article_id: (item, parsed)
            for item in candidates
            if (parsed := parse_article_url(item.url)) is not None
        }
        fresh = {k: v for k, v in ids.items() if k not in self.seen_ids}
        if fresh:  # another process of a shared run may have taken some on already (other URL forms)
            claimed = self.memory.claim(fresh, by=site_url)
            fresh = {k: v for k, v in fresh.items() if k in claimed}
        known = set() if self.refresh else self.memory.known_ids(fresh)
        for article_id, (item, parsed) in fresh.items():
            self.seen_ids.add(article_id)
            stats.inc_value("scnews/discovered")
            if article_id in known:
                stats.inc_value("scnews/skipped_known")
                continue
            # A list linking a later page of an article: fetch its first page (the rest follow from it).
            yield self.request(item.url if parsed.page == 1 else parsed.canonical, self.parse_article)

        # Lists run newest first: when the bottom item is older than the window, so is every later page.
        # (The bottom item, not the top one: a pinned old item may head a list.) Same-day items still lead
        # on, as list dates carry no time; the known-id check keeps them from being fetched twice.
        since = self.channel_since.get(channel or "", self.since)
        since_day = since.astimezone(CHINA).date().isoformat() if since else ""
        dated = [i.date for i in on_site if i.date]
        holds_recent = not dated or dated[-1] >= since_day
        if listing.next_url and holds_recent and page < self.max_pages and self.on_site(listing.next_url):
            if channel:
                self.list_bottom[channel] = dated[-1] if dated else None
            yield self.request(listing.next_url, self.parse_list, channel=channel, page=page + 1)
        elif listing.next_url and holds_recent:
            stats.inc_value("scnews/max_pages_reached")
            if channel:
                # Items dated like the bottom one may go on on the next page: covered from the day after.
                covered_from = day_after(dated[-1]) if dated else None
                self.end_paging(channel, covered_from, failed=f"--max-pages {self.max_pages} reached")
        elif channel and since:
            self.end_paging(channel, day_start(since_day))

    # --- coverage ----------------------------------------------------------------------------------------

    def end_paging(self, channel: str, covered_from: datetime | None, failed: str | None = None) -> None:
        """How a channel's paging ended: read down to ``covered_from``; ``failed`` says why not further."""
        self.chain_end[channel] = (covered_from, failed)

    def list_failed(self, channel: str, page: int, reason: str) -> None:
        bottom = self.list_bottom.get(channel) if page > 1 else None
        covered_from = day_after(bottom) if bottom else None
        self.end_paging(channel, covered_from, failed=f"list page {page}: {reason}")

    def record_coverage(self) -> None:
        """After a finished run: each channel's span read completely becomes coverage, the rest a gap."""
        from crawler.coverage import add_coverage, record_gap, reopen_margin

        db = self.open_db()
        # in_window keeps every item dated on --until's day: covered to the end of that day (or now).
        until = day_after(self.until.astimezone(CHINA).date().isoformat()) if self.until else None
        end = min(until, self.now) if until else self.now
        stats = self.crawler.stats
        for code in self.channels:
            since = self.channel_since.get(code)
            if since is None:
                continue
            start = day_start(since.astimezone(CHINA).date().isoformat())
            covered_from, failed = self.chain_end.get(code, (None, "list paging did not finish"))
            gap_end = min(covered_from, end) if covered_from is not None else end
            if failed and start < gap_end:
                reopen_margin(db, code, start, gap_end, self.margin)
            if covered_from is not None and covered_from < end:
                add_coverage(db, code, covered_from, end, self.run_id)
            if failed and start < gap_end and record_gap(db, code, start, gap_end, failed, self.run_id):
                stats.inc_value("scnews/gaps_recorded")

    # --- articles ----------------------------------------------------------------------------------------

    def fetched_at(self) -> str:
        return datetime.now(CHINA).isoformat(timespec="seconds")

    def read_article(self, response: Response, site_url: str):
        from crawler.parsers import NotAnArticle, parse_article

        try:
            return parse_article(
                response.body, site_url, fetched_at=self.fetched_at(), encoding=header_charset(response)
            )
        except NotAnArticle as exc:
            return exc

    def more_pages(self, response: Response, article_id: str) -> list[str]:
        """Site URLs of the further pages (``_2``, ``_3``) of a multi-page article, in page order."""
        from parsel import Selector

        from crawler.parsers.encoding import decode

        pages: dict[int, str] = {}
        # Decoded with the parsers' checked decoder, not response.text: a header charset that names no text
        # codec ("base64") makes response.text raise, and the page would be lost with no failure row.
        text = decode(response.body, header_charset(response)).text
        page = Selector(text=text.replace("\x00", ""))
        try:
            base = urljoin(response.url, (page.xpath("//base/@href").get() or "").strip())
        except ValueError:
            base = response.url
        for href in page.xpath("//a/@href").getall():
            try:
                absolute = urljoin(base, href.strip())
            except ValueError:
                continue
            parsed = parse_article_url(absolute)
            if parsed and parsed.article_id == article_id and parsed.page > 1 and self.on_site(absolute):
                pages.setdefault(parsed.page, self.site_url(absolute))
        return [pages[n] for n in sorted(pages)]

    def parse_article(self, response: Response, site_url: str):
        result = self.read_article(response, self.page_url(response, site_url))
        if isinstance(result, Exception):
            self.fail(site_url, "parse", getattr(result, "reason", None) or str(result) or "not an article")
            return
        yield from self.article_pages(response, site_url, result)

    def article_pages(self, response: Response, site_url: str, result):
        """The first page is read: fetch the further pages of a multi-page article, else emit it."""
        parsed = parse_article_url(site_url)
        rest = self.more_pages(response, parsed.article_id) if parsed else []
        if rest:
            self.crawler.stats.inc_value("scnews/multipage_articles")
            yield self.revisit_marked(
                response,
                self.request(
                    rest[0], self.parse_more, site_url=site_url, article=result, rest=rest[1:], page=2
                ),
            )
            return
        yield from self.emit(result, site_url)

    def parse_more(self, response: Response, site_url: str, article, rest: list[str], page: int):
        part = self.read_article(response, self.page_url(response, site_url, page))
        if isinstance(part, Exception):
            reason = getattr(part, "reason", None) or str(part) or "not an article"
            self.fail(site_url, "parse", f"page {page}: {reason}")
            return
        if part.body:
            article.body = f"{article.body}\n{part.body}" if article.body else part.body
        have = {image.url for image in article.images}
        article.images.extend(image for image in part.images if image.url not in have)
        if rest:
            yield self.revisit_marked(
                response,
                self.request(
                    rest[0], self.parse_more, site_url=site_url, article=article, rest=rest[1:], page=page + 1
                ),
            )
            return
        yield from self.emit(article, site_url)

    def page_url(self, response: Response, site_url: str, page: int = 1) -> str:
        """The site URL of the page being parsed (images resolve against it; the record is canonical)."""
        if page == 1:
            return site_url
        return self.site_url(response.url) if self.on_site(response.url) else site_url

    def emit(self, article, site_url: str):
        stats = self.crawler.stats
        stats.inc_value("scnews/articles")
        stats.inc_value(f"scnews/template/{article.template}")
        self.clear_failure(site_url)
        yield article

    # --- failures ----------------------------------------------------------------------------------------

    def fail(self, url: str, stage: str, reason: str, http_status: int | None = None) -> None:
        self.crawler.stats.inc_value("scnews/failed")
        self.crawler.stats.inc_value(f"scnews/failed/{stage}")
        if stage != "revisit" and parse_article_url(url):
            self.crawler.stats.inc_value("scnews/failed_articles")
        self.logger.info("failed (%s) %s: %s", stage, url, reason)
        self.memory.record_failure(url, stage, reason, http_status)

    def clear_failure(self, site_url: str) -> None:
        if site_url in self.retry_urls:
            self.memory.clear_failure(site_url)
            self.crawler.stats.inc_value("scnews/resolved_failures")

    def on_error(self, failure) -> None:
        request = failure.request
        site_url = request.cb_kwargs.get("site_url") or self.site_url(request.url)
        reason, status = failure_reason(failure, self.timeout, self.maxsize)
        if request.callback == self.parse_more:
            reason = f"page {request.cb_kwargs.get('page')}: {reason}"
        if request.meta.get("scnews_revisit"):
            self.crawler.stats.inc_value("scnews/revisit/failed")
            self.fail(site_url, "revisit", reason, status)  # a failed fetch, never a withdrawal
            return
        self.fail(site_url, "fetch", reason, status)
        if request.callback == self.parse_list and request.cb_kwargs.get("channel"):
            self.list_failed(request.cb_kwargs["channel"], request.cb_kwargs.get("page", 1), reason)

    # --- revisits of stored articles (crawler/revisit.py decides which, and what an answer means) --------

    def revisit_requests(self) -> list[Request]:
        """Requests for the stored articles due for a revisit, after everything new (lower priority)."""
        if self.revisit == "off":
            return []
        from crawler.revisit import revisit_candidates

        urls = revisit_candidates(
            self.open_db(), self.revisit_policy, datetime.now(CHINA), every=self.revisit == "all"
        )
        requests = []
        for url in urls:
            parsed = parse_article_url(url)
            if parsed is None or parsed.article_id in self.seen_ids or not self.on_site(url):
                continue
            self.seen_ids.add(parsed.article_id)
            requests.append(self.revisit_request(url, canonical_url(url), hops=0))
        self.crawler.stats.inc_value("scnews/revisit/requests", len(requests))
        return requests

    def revisit_request(self, url: str, site_url: str, hops: int) -> Request:
        # Redirects are read, not followed: one that leaves the article is a withdrawal, and a revisit never
        # fetches a page that is not the article. 404 and 410 reach the callback as answers too.
        request = self.request(url, self.parse_revisit, site_url=site_url, hops=hops)
        meta = {
            **request.meta,
            "scnews_revisit": True,
            "dont_redirect": True,
            "handle_httpstatus_list": [*WITHDRAWN_STATUSES, *REDIRECT_STATUSES],
        }
        return request.replace(meta=meta, priority=-1, dont_filter=True)

    def revisit_marked(self, response: Response, request: Request) -> Request:
        """A further page of a revisited article is part of the revisit (its failure is a revisit's)."""
        if not response.meta.get("scnews_revisit"):
            return request
        return request.replace(meta={**request.meta, "scnews_revisit": True}, priority=-1)

    def parse_revisit(self, response: Response, site_url: str, hops: int):
        from crawler.revisit import classify_status, not_an_article

        location = response.headers.get(b"Location")
        target = self.site_url(response.urljoin(location.decode("latin-1").strip())) if location else None
        verdict = classify_status(response.status, site_url, target)
        if isinstance(verdict, str):  # the same article under another URL form: follow it, on the site
            if hops < 3 and self.on_site(verdict):
                yield self.revisit_request(verdict, site_url, hops + 1)
            else:
                self.withdrawn(site_url, Withdrawn(f"redirect to {verdict}", response.status))
            return
        if verdict is not None:
            self.withdrawn(site_url, verdict)
            return
        result = self.read_article(response, site_url)
        if isinstance(result, Exception):
            reason = getattr(result, "reason", None) or str(result)
            verdict = not_an_article(reason)
            if verdict is None:  # a broken answer (empty, cut off): a failed fetch, never a withdrawal
                self.crawler.stats.inc_value("scnews/revisit/failed")
                self.fail(site_url, "revisit", reason, response.status)
            else:
                self.withdrawn(site_url, verdict)
            return
        self.crawler.stats.inc_value("scnews/revisit/online")
        yield from self.article_pages(response, site_url, result)

    def withdrawn(self, site_url: str, verdict: Withdrawn) -> None:
        from crawler.storage import clear_failures, mark_removed

        parsed = parse_article_url(site_url)
        if parsed is None:
            return
        db = self.open_db()
        newly = mark_removed(db, parsed.article_id, verdict.reason, verdict.http_status)
        self.crawler.stats.inc_value("scnews/revisit/removed" if newly else "scnews/revisit/still_removed")
        self.logger.info("withdrawn: %s (%s)", site_url, verdict.reason)
        clear_failures(db, site_url)

    def closed(self, reason: str) -> None:
        # The pipelines have committed their last batch by now (Scrapy closes them before this signal).
        # A run that could not store its articles (disk full: `unstored`) covers nothing, nor do revisits.
        unstored = self.crawler.stats.get_value("scnews/unstored")
        covering = self.lists and self.channel_since and self.memory.uses_database
        if reason == "finished" and covering and not unstored:
            self.record_coverage()
        self.memory.close()
        if self.db is not None:
            self.db.close()
            self.db = None
