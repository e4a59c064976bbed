"""The list-page parser: a channel index page in, its article links and pager links out.

A pure function of (html, url): no Scrapy import, no network, no clock. It does not bet on class names
(the 2019-2020 lists were ``ul.paging > li > a``, later layouts are unknown): every link whose target is an
article URL (``crawler.urls.parse_article_url``) is an item, its date is read from the text around the link
("[2024-04-11]", "2024-04-11 10:57", "04-11", "2024年04月11日") and falls back to the date in the URL.
Pager links are found by their text ("下一页", "next", page numbers, "尾页"), never built from a URL pattern.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.urls import parse_article_url

from .encoding import decode
from .text import xml_safe

NEXT_TEXTS = frozenset({"下一页", "下页", "后一页", "next", "next page", "next »", "›", "»", ">", ">>"})
OTHER_PAGER_TEXTS = frozenset(
    {"首页", "尾页", "末页", "上一页", "上页", "前一页", "prev", "previous", "last", "first"}
)

_FULL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2})?)?"
)
_SHORT_DATE = re.compile(
    r"(?<![\d\-/.])(?P<m>\d{1,2})\s*(?:-|月)\s*(?P<d>\d{1,2})\s*日?(?![\d\-/.])"
    r"(?:\s*(?P<H>\d{1,2}):(?P<M>\d{2}))?"
)
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_PAGE_IN_URL = re.compile(r"_(\d+)\.s?html?$")


@dataclass
class ListItem:
    url: str  # absolute, as linked (host kept; the spider decides what to follow)
    title: str
    date: str | None  # "YYYY-MM-DD"
    time: str | None = None  # "HH:MM" when the list gives one
    date_from_url: bool = False  # True when the list text gave no usable date


@dataclass
class Listing:
    url: str | None
    items: list[ListItem] = field(default_factory=list)
    next_url: str | None = None
    pages: list[str] = field(default_factory=list)  # every pager link found, in page order, current excluded

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= 31 and 1990 <= y <= 2100


def _find_date(text: str, url_date: str | None) -> tuple[str | None, str | None]:
    """(date, time) from a list item's own text; a year-less "04-11" takes the year of the URL date."""
    for match in _FULL_DATE.finditer(text):
        y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
        if _valid(y, m, d):
            hhmm = f"{int(match['H']):02d}:{match['M']}" if match["H"] else None
            return f"{y:04d}-{m:02d}-{d:02d}", hhmm
    if url_date:
        for match in _SHORT_DATE.finditer(text):
            y, m, d = int(url_date[:4]), int(match["m"]), int(match["d"])
            if not _valid(y, m, d):
                continue
            # A list seen in January may show a December item of the previous year.
            if m > int(url_date[5:7]) + 1:
                y -= 1
            hhmm = f"{int(match['H']):02d}:{match['M']}" if match["H"] else None
            return f"{y:04d}-{m:02d}-{d:02d}", hhmm
    return None, None


CONTEXT_MAX_CHARS = 400  # a list entry's text is short: a larger parent is the list itself, no context


def _bounded_text(el) -> str | None:
    """The text under ``el`` (what ``.//text()`` joins), or None once it passes CONTEXT_MAX_CHARS: reading
    the whole list for each of its links made a page of n links cost n^2 (4,000 links: 228 s)."""
    parts: list[str] = []
    size = 0
    for text in el.itertext():
        parts.append(text)
        size += len(text)
        if size > CONTEXT_MAX_CHARS:
            return None
    return "".join(parts)


def _context_text(anchor: Selector, texts: dict) -> str:
    """The text of the item around a link (its list entry), without the link's own text. ``texts`` caches
    each parent's bounded text for the page (links of one list share their parents)."""
    own = _bounded_text(anchor.root) or ""
    parent = anchor.root
    for _level in range(2):
        parent = parent.getparent()
        if parent is None:
            break
        if parent in texts:
            text = texts[parent]
        else:
            text = texts[parent] = _bounded_text(parent)
        if text is None:
            break
        if own:
            text = text.replace(own, " ", 1)
        if _FULL_DATE.search(text) or _SHORT_DATE.search(text) or parent.tag in ("li", "tr", "dd", "dl", "p"):
            return text
    return ""


def _page_number(url: str | None) -> int:
    if not url:
        return 1
    try:
        path = urlsplit(url).path
    except ValueError:  # "http://[bad/..."
        return 1
    match = _PAGE_IN_URL.search(path)
    return int(match.group(1)) if match else 1


def parse_listing(body: bytes | str, url: str | None = None, *, encoding: str | None = None) -> Listing:
    """Parse a channel list page.

    ``url`` resolves relative links; ``encoding`` (the HTTP charset) overrides the page's own ``<meta>``.
    """
    if isinstance(body, bytes):
        text = decode(body, encoding).text  # every declared charset checked against the bytes
    else:
        text = body
    sel = Selector(text=xml_safe(text) or "<html></html>")
    base = url or ""
    base_href = (sel.xpath("//base/@href").get() or "").strip()
    if base_href:  # a <base> no URL can be made of ("http://[bad/") is ignored, as browsers do
        base = _join(base, base_href) or base
    listing = Listing(url=url)
    seen_ids: dict[str, ListItem] = {}
    pager: list[tuple[str, str]] = []
    current = _page_number(url)
    texts: dict = {}  # parent element -> its bounded text (see _context_text)

    for anchor in sel.xpath("//a[@href]"):
        href = (anchor.xpath("@href").get() or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        absolute = _join(base, href)
        if absolute is None:
            continue
        link_text = _clean("".join(anchor.xpath(".//text()").getall()))
        parsed = parse_article_url(absolute)
        if parsed is not None and parsed.form != "sichuan":
            parsed = None  # a main-site or wap article: never a list item of this site
        if parsed is not None:
            title = _clean(anchor.xpath("@title").get()) or link_text
            if parsed.article_id in seen_ids:
                item = seen_ids[parsed.article_id]
                if not item.title and title:
                    item.title = title
                continue
            date, hhmm = _find_date(_clean(_context_text(anchor, texts)), parsed.date)
            item = ListItem(
                url=absolute,
                title=title,
                date=date or parsed.date,
                time=hhmm,
                date_from_url=date is None,
            )
            seen_ids[parsed.article_id] = item
            listing.items.append(item)
            continue
        lowered = link_text.lower()
        if lowered in NEXT_TEXTS or lowered in OTHER_PAGER_TEXTS or link_text.isdigit():
            pager.append((link_text, absolute))

    current_url = _join(base, url) if url else None
    if current_url:
        # Pager links stay beside the current list page; a "首页" in the site's menu is the home page.
        folder = urlsplit(current_url).path.rsplit("/", 1)[0] + "/"
        pager = [
            (t, a) for t, a in pager if urlsplit(a).path.startswith(folder) and urlsplit(a).path != folder
        ]
    for _text, absolute in pager:
        if absolute == current_url or absolute in listing.pages:
            continue
        listing.pages.append(absolute)
    for link_text, absolute in pager:
        if link_text.lower() in NEXT_TEXTS and absolute != current_url:
            listing.next_url = absolute
            break
    else:
        for link_text, absolute in pager:
            if link_text.isdigit() and int(link_text) == current + 1 and absolute != current_url:
                listing.next_url = absolute
                break
    return listing


def _join(base: str, href: str) -> str | None:
    """``urljoin``, or None for a link no URL can be made of ("http://[bad")."""
    try:
        absolute = urljoin(base, href)
        urlsplit(absolute)
    except ValueError:
        return None
    return absolute
