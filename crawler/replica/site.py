"""What the offline replica serves: the site's pages, kept in memory, plus the faults a crawl must survive.

Content:
- the article fixtures (``crawler/replica/site/articles`` is a link to ``fixtures/articles``, followed when
  the package is built, so a plain install ships them): each served at the path of its URL with the bytes and
  ``Content-Type`` it was saved with (a GBK page keeps its bytes and charset); a fixture page that
  links ``_2`` pages gets synthetic continuation pages;
- synthetic articles for every channel (``synthetic_per_channel``, more for ``cjbd`` and ``bwbd`` so their
  lists have several pages), and ``extra_articles`` more for benchmarks;
- channel list pages ``/{code}/index.shtml``, ``index_2.shtml``, ... newest first, ``page_size`` items each,
  in the 2024 layout, or the 2019-2020 one (GB2312, ``ul.paging``) for ``OLD_LAYOUT_CHANNELS``;
- ``robots.txt`` disallowing ``/private/`` and ``/_replica/``.

With a ``timeline`` (``crawler/replica/timeline.py``) the replica serves that timeline's articles only, as
they stand at ``now`` (its clock, set by the caller): an article is listed and served from its ``listed``
time until its ``removed`` time, and a list page of a ``ListOutage`` answers 500 while it lasts.

Faults (``faults=True``), all linked from the ``shms`` list: a 404, a 500 that succeeds on the next request,
a 429 with ``Retry-After`` that succeeds after it, a page slower than the crawl's timeout, an error page
served with status 200 (not an article), and a link into ``/private/`` (robots.txt forbids it). Article
fixtures whose URL uses another host form (``www.sc.chinanews.com``) are linked under that host; a request
carrying such a ``Host`` header is answered with a 301 to the same path on the replica (the ``.com.cn`` form).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.channels import CHANNELS
from crawler.replica.pages import (
    ListEntry,
    article_page,
    list_page,
    list_page_2019,
    soft_404_page,
    synthetic_paragraphs,
)
from crawler.replica.timeline import Timeline, TimelineArticle
from crawler.timewindow import CHINA
from crawler.urls import CANONICAL_HOST, parse_article_url

ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\nDisallow: /_replica/\n"
SYNTHETIC_ANCHOR = Date(2024, 4, 10)  # synthetic articles are dated this day and the days before
FAULT_DAY = "2024-04-10"
OLD_LAYOUT_CHANNELS = frozenset({"lyxw", "bwbd", "szjj", "whty"})  # lists in the 2019-2020 layout


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None  # a redirect's target (status 3xx)


@dataclass
class Spec:
    """What an article page is made of, so that it can be edited (``edit_article``) and rendered again."""

    title: str
    date: str
    paragraphs: list[str]
    time: str = "10:00"
    source: str = "中国新闻网"
    editor: str = "张三"
    multipage: bool = False


@dataclass
class Entry:
    """One article of a channel list (``page`` None: listed but not served, a 404)."""

    path: str
    channel: str
    article_id: int
    date: str
    title: str
    link_host: str | None = None  # list links this host form instead of a root-relative path


@dataclass
class Fault:
    kind: str  # "flaky500", "retry-after", "slow"
    remaining: int = 1  # answers with the fault before the page is served
    seconds: float = 0.0


@dataclass
class LoggedRequest:
    at: float
    method: str
    path: str
    host: str
    status: int
    user_agent: str = ""


@dataclass
class ReplicaSite:
    faults: bool = True
    synthetic_per_channel: int = 2
    extra_articles: int = 0
    page_size: int = 5
    slow_seconds: float = 4.0
    latency: float = 0.0  # seconds added to every answer, standing for the network (benchmarks)
    retry_after: int = 1
    fixtures_dir: Path | None = None
    timeline: Timeline | None = None
    now: datetime | None = None  # the clock of a timeline
    pages: dict[str, Page] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    fault_state: dict[str, Fault] = field(default_factory=dict)
    specs: dict[str, Spec] = field(default_factory=dict)
    withdrawn: dict[str, Entry] = field(default_factory=dict)  # DELETEd articles, which a PUT restores
    log: list[LoggedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._timed: dict[str, TimelineArticle] = {}
        if self.timeline is not None:
            self._add_timeline(self.timeline)
            return
        self._load_fixtures()
        self._add_synthetic()
        if self.faults:
            self._add_faults()

    # --- building --------------------------------------------------------------------------------------

    def _fixture_folders(self) -> list[Path]:
        if self.fixtures_dir is not None:
            root = Path(self.fixtures_dir)
        else:
            root = Path(str(resources.files("crawler.replica").joinpath("site", "articles")))
        return sorted(p for p in root.iterdir() if (p / "meta.json").exists()) if root.is_dir() else []

    def _load_fixtures(self) -> None:
        for folder in self._fixture_folders():
            meta = json.loads((folder / "meta.json").read_text("utf-8"))
            parsed = parse_article_url(meta.get("url"))
            expected_file = folder / "expected.json"
            if parsed is None or not parsed.is_sichuan or parsed.date is None or not expected_file.exists():
                continue
            expected = json.loads(expected_file.read_text("utf-8"))
            not_article = "error" in expected
            if not_article and not self.faults:
                continue
            path = urlsplit(parsed.canonical).path
            host = (urlsplit(meta["url"]).hostname or "").lower()
            headers = {k.lower(): v for k, v in (meta.get("headers") or {}).items()}
            body = (folder / "page.html").read_bytes()
            self.pages[path] = Page(body, headers.get("content-type", "text/html"))
            title = "错误页" if not_article else expected["title"]
            if not not_article:
                published = expected.get("published_at") or ""
                self.specs[path] = Spec(
                    title=title,
                    date=parsed.date,
                    paragraphs=[p for p in (expected.get("body") or "").split("\n") if p.strip()],
                    time=published[11:16] or "10:00",
                    source=expected.get("source") or "中国新闻网",
                    editor=expected.get("editor") or "张三",
                )
            self.entries[path] = Entry(
                path,
                parsed.channel,
                int(parsed.article_id),
                parsed.date,
                title,
                link_host=host if host and host != CANONICAL_HOST and host.endswith(".com") else None,
            )
            self._add_continuations(path, body, title, parsed.date)

    def _add_continuations(self, path: str, body: bytes, title: str, date: str) -> None:
        """Synthetic ``_2`` (...) pages for a fixture whose pager links pages the fixtures do not hold."""
        parsed = parse_article_url(path)
        assert parsed is not None  # only article paths get here
        text = body.decode("latin-1")
        stem, ext = path.rsplit(".", 1)
        n = 2
        while f"{stem.rsplit('/', 1)[1]}_{n}.{ext}" in text:
            more = f"{stem}_{n}.{ext}"
            if more not in self.pages:
                self.pages[more] = Page(
                    article_page(
                        path=more,
                        title=title,
                        date=date,
                        paragraphs=synthetic_paragraphs(f"{parsed.article_id}-{n}", 2),
                        page=n,
                        pages=n,
                    )
                )
            n += 1

    def _next_id(self) -> int:
        return max((e.article_id for e in self.entries.values()), default=300000) + 1

    def _add_synthetic(self) -> None:
        next_id = max(300000, self._next_id())
        count = 0
        for index, code in enumerate(CHANNELS):
            per_channel = self.synthetic_per_channel * (6 if code in ("cjbd", "bwbd") else 1)
            for k in range(per_channel):
                day = (SYNTHETIC_ANCHOR - timedelta(days=(k + index) % 9)).isoformat()
                self.add_article(code, date=day, article_id=next_id, multipage=(code == "cjbd" and k == 1))
                next_id += 1
                count += 1
        # A partner's republication of the first synthetic article, a day later under another id and
        # channel, with its closing paragraph rewritten: the crawl stores it and links it to the original
        # (duplicate_of).
        original = max(300000, next_id - count)
        paragraphs = synthetic_paragraphs(original)
        self.add_article(
            "scyw",
            title=f"(转载){CHANNELS['scxw']}合成稿件{original}",
            date=(SYNTHETIC_ANCHOR + timedelta(days=1)).isoformat(),
            article_id=next_id,
            paragraphs=paragraphs[:-1] + ["本文转载自合作媒体，内容有删节。"],
        )
        next_id += 1
        codes = list(CHANNELS)
        for k in range(self.extra_articles):
            day = (SYNTHETIC_ANCHOR - timedelta(days=k % 30)).isoformat()
            self.add_article(codes[k % len(codes)], date=day, article_id=next_id)
            next_id += 1

    def _add_timeline(self, timeline: Timeline) -> None:
        for article in timeline.articles:
            day = article.published.astimezone(CHINA).date().isoformat()
            title = f"{CHANNELS.get(article.channel, article.channel)}时间线稿件{article.article_id}"
            self.pages[article.path] = Page(
                article_page(
                    path=article.path,
                    title=title,
                    date=day,
                    time=article.published.astimezone(CHINA).strftime("%H:%M"),
                    paragraphs=synthetic_paragraphs(article.article_id),
                )
            )
            self.entries[article.path] = Entry(article.path, article.channel, article.article_id, day, title)
            self._timed[article.path] = article

    def _shown(self, path: str) -> bool:
        """Whether a timeline's article is listed and served at the clock's time (others always are)."""
        article = self._timed.get(path)
        return article is None or self.now is None or article.visible(self.now)

    def _outage(self, channel: str, page: int) -> bool:
        if self.timeline is None or self.now is None:
            return False
        now = self.now
        outages = self.timeline.outages
        return any(o.channel == channel and o.page == page and o.start <= now < o.end for o in outages)

    def _add_faults(self) -> None:
        def listed(article_id: int, title: str, channel: str = "shms") -> str:
            path = f"/{channel}/{FAULT_DAY}/{article_id}.html"
            self.entries[path] = Entry(path, "shms", article_id, FAULT_DAY, title)
            return path

        listed(299404, "这篇稿件已被删除（404）")
        path = self.add_article(
            "shms", date=FAULT_DAY, article_id=299500, title="服务器偶发错误后重试成功的稿件"
        )
        self.fault_state[path] = Fault("flaky500")
        path = self.add_article(
            "shms", date=FAULT_DAY, article_id=299429, title="限流后按Retry-After重试的稿件"
        )
        self.fault_state[path] = Fault("retry-after", seconds=self.retry_after)
        path = self.add_article("shms", date=FAULT_DAY, article_id=299408, title="响应超时的稿件")
        self.fault_state[path] = Fault("slow", remaining=10**9, seconds=self.slow_seconds)
        path = listed(299200, "打开后是错误页的稿件")
        self.pages[path] = Page(soft_404_page())
        path = f"/private/{FAULT_DAY}/299403.html"
        self.entries[path] = Entry(path, "shms", 299403, FAULT_DAY, "robots.txt禁止抓取的稿件")
        self.pages[path] = Page(b"<html><body>must never be fetched</body></html>")

    # --- changing it at run time -----------------------------------------------------------------------

    def add_article(
        self,
        channel: str,
        *,
        title: str | None = None,
        date: str | None = None,
        article_id: int | None = None,
        paragraphs: list[str] | None = None,
        multipage: bool = False,
    ) -> str:
        """Add (or fill in) an article; it is listed at once. Returns its path (as on the site)."""
        with self._lock:
            article_id = int(article_id or self._next_id())
            day = date or datetime.now(CHINA).date().isoformat()
            path = f"/{channel}/{day}/{article_id}.html"
            title = title or f"{CHANNELS.get(channel, channel)}合成稿件{article_id}"
            paragraphs = paragraphs or synthetic_paragraphs(article_id)
            self.specs[path] = Spec(title=title, date=day, paragraphs=list(paragraphs), multipage=multipage)
            self._render(path)
            self.entries[path] = Entry(path, channel, article_id, day, title)
            return path

    def _render(self, path: str) -> None:
        """(Re)build the page(s) of an article from its spec."""
        spec = self.specs[path]
        common: dict[str, Any] = {"title": spec.title, "date": spec.date, "time": spec.time}
        common.update(source=spec.source, editor=spec.editor)
        if spec.multipage:
            half = max(1, len(spec.paragraphs) // 2)
            more = path.replace(".html", "_2.html").replace(".shtml", "_2.shtml")
            self.pages[path] = Page(
                article_page(path=path, paragraphs=spec.paragraphs[:half], pages=2, **common)
            )
            self.pages[more] = Page(
                article_page(path=more, paragraphs=spec.paragraphs[half:], page=2, pages=2, **common)
            )
        else:
            self.pages[path] = Page(article_page(path=path, paragraphs=spec.paragraphs, **common))

    def _find(self, article_id: str) -> tuple[str, Entry, bool] | None:
        """(path, entry, withdrawn) of the article with this id."""
        for path, entry in self.entries.items():
            if str(entry.article_id) == str(article_id) and path in self.specs:
                return path, entry, False
        for path, entry in self.withdrawn.items():
            if str(entry.article_id) == str(article_id):
                return path, entry, True
        return None

    def edit_article(self, article_id: str, changes: dict[str, Any]) -> tuple[str, str] | None:
        """Change an article in place (``PUT /_replica/articles/{id}``); (path, what happened) or None.

        ``changes``: any of ``title``, ``paragraphs`` (a list) or ``body`` (paragraphs separated by newlines),
        ``source``, ``editor``, ``time`` (``HH:MM``); ``redirect_to`` (a path or URL: the article answers a
        302 there, as a site does for a withdrawn article). A withdrawn article comes back (``restored``).
        """
        unknown = set(changes) - {"title", "paragraphs", "body", "source", "editor", "time", "redirect_to"}
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
        with self._lock:
            found = self._find(article_id)
            if found is None:
                return None
            path, entry, was_withdrawn = found
            spec = self.specs[path]
            if "body" in changes:
                changes = {
                    **changes,
                    "paragraphs": [p for p in str(changes["body"]).split("\n") if p.strip()],
                }
            for name in ("title", "source", "editor", "time"):
                if name in changes:
                    setattr(spec, name, str(changes[name]))
            if "paragraphs" in changes:
                if not isinstance(changes["paragraphs"], list) or not changes["paragraphs"]:
                    raise ValueError("paragraphs must be a non-empty list")
                spec.paragraphs = [str(p) for p in changes["paragraphs"]]
            entry.title = spec.title
            if was_withdrawn:
                del self.withdrawn[path]
                self.entries[path] = entry
            if changes.get("redirect_to"):
                self.pages[path] = Page(b"moved", "text/plain", 302, str(changes["redirect_to"]))
                return path, "redirected"
            self._render(path)
            return path, "restored" if was_withdrawn else "edited"

    def withdraw_article(self, article_id: str) -> str | None:
        """Withdraw an article (``DELETE /_replica/articles/{id}``): unlisted, and its URL answers 404."""
        with self._lock:
            found = self._find(article_id)
            if found is None or found[2]:
                return None
            path, entry, _ = found
            del self.entries[path]
            self.withdrawn[path] = entry
            for page in [p for p in self.pages if p == path or p.startswith(path.rsplit(".", 1)[0] + "_")]:
                del self.pages[page]
            return path

    # --- answering -------------------------------------------------------------------------------------

    def channel_entries(self, channel: str) -> list[Entry]:
        with self._lock:
            found = [e for e in self.entries.values() if e.channel == channel and self._shown(e.path)]
        return sorted(found, key=lambda e: (e.date, e.article_id), reverse=True)

    def list_page(self, channel: str, page: int) -> tuple[bytes, str] | None:
        """(body, Content-Type) of a channel's list page: the 2019-2020 layout (GB2312, a pager of numbers
        only) for ``OLD_LAYOUT_CHANNELS``, the 2024 layout for the others."""
        entries = self.channel_entries(channel)
        pages = max(1, -(-len(entries) // self.page_size))
        if page < 1 or page > pages:
            return None
        chunk = entries[(page - 1) * self.page_size : page * self.page_size]
        links = [
            ListEntry(f"http://{e.link_host}{e.path}" if e.link_host else e.path, e.title, e.date)
            for e in chunk
        ]
        if channel in OLD_LAYOUT_CHANNELS:
            return list_page_2019(channel, links, page, pages), "text/html"
        return list_page(channel, links, page, pages), "text/html; charset=utf-8"

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes, float]:
        """(status, headers, body, delay in seconds) for a GET of ``path`` on the replica's own host."""
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, ROBOTS_TXT, 0.0
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] in CHANNELS and parts[1].startswith("index"):
            name = parts[1]
            number = 1 if name == "index.shtml" else _index_number(name)
            if number and self._outage(parts[0], number):
                return 500, {"Content-Type": "text/plain"}, b"internal error (replica list outage)", 0.0
            found = self.list_page(parts[0], number) if number else None
            if found is not None:
                return 200, {"Content-Type": found[1]}, found[0], self.latency
        with self._lock:
            page = self.pages.get(path) if self._shown(path) else None
            fault = self.fault_state.get(path)
            delay = 0.0
            if page is not None and fault is not None and fault.remaining > 0:
                fault.remaining -= 1
                if fault.kind == "flaky500":
                    return 500, {"Content-Type": "text/plain"}, b"internal error (replica fault)", 0.0
                if fault.kind == "retry-after":
                    headers = {"Content-Type": "text/plain", "Retry-After": str(int(fault.seconds))}
                    return 429, headers, b"too many requests (replica fault)", 0.0
                if fault.kind == "slow":
                    delay = fault.seconds
        if page is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>404</body></html>", 0.0
        headers = {"Content-Type": page.content_type}
        if page.location:
            headers["Location"] = page.location
        return page.status, headers, page.body, delay + self.latency

    def record(self, method: str, path: str, host: str, status: int, user_agent: str = "") -> None:
        with self._lock:
            self.log.append(LoggedRequest(time.time(), method, path, host, status, user_agent))

    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self.log)

    def article_paths(self) -> set[str]:
        with self._lock:
            return {p for p in self.pages if parse_article_url(p)}

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {
                "articles": sum(
                    1 for p in self.pages if (url := parse_article_url(p)) is not None and url.page == 1
                ),
                "channels": len({e.channel for e in self.entries.values()}),
                "faults": self.faults,
            }


def _index_number(name: str) -> int | None:
    stem = name.removesuffix(".shtml")
    if stem.startswith("index_") and stem[6:].isdigit():
        return int(stem[6:])
    return None
