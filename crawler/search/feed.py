"""Atom feeds (RFC 4287) of a watch's latest matches, for feed readers.

A feed is a window, not a report: it always lists the watch's last ``limit`` matches in the order they were
stored (newest stored first), whenever it is generated, so a reader that polls less often than cron still
sees every item as long as fewer than ``limit`` new matches arrive between two polls. It keeps no marker:
``scnews watch run`` has its own (``watches.last_rowid``), and neither moves the other.

Everything in the output is stable for the same stored data: an entry's ``id`` is the article's
(``urn:scnews:article:<id>``), its ``updated`` the publication time, and the feed's ``updated`` the time the
newest entry was stored, so regenerating an unchanged feed gives the same bytes.

Text that XML 1.0 cannot carry (control characters such as U+0001, lone surrogates, U+FFFE/U+FFFF) is
removed at output time, so the feed is well-formed whatever a page or another tool stored.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from sqlite_utils import Database

from crawler.search.engine import Search
from crawler.search.filters import Filters

ATOM_NS = "http://www.w3.org/2005/Atom"
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# What XML 1.0 does not allow in a document (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """``value`` as text an XML document can hold: characters XML 1.0 forbids are dropped."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def latest_matches(db: Database, watch: dict[str, Any], limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """The watch's last ``limit`` matches, the most recently stored first (the index must be up to date)."""
    search = Search(watch["query"], filters=Filters.from_json(watch["filters"]), sort="stored", limit=limit)
    return list(search.run(db, refresh=False))


def watch_feed(watch: dict[str, Any], articles: list[dict[str, Any]], *, self_url: str | None = None) -> str:
    """The Atom document for ``watch`` (a row of ``list_watches``) listing ``articles``."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
        return el

    name = watch["name"]
    stored = [a["first_seen"] for a in articles if a.get("first_seen")]
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", f"urn:scnews:watch:{quote(name, safe='')}")
    sub(feed, "title", f"scnews: {name}")
    sub(feed, "subtitle", f"Articles matching {watch['query']}" + _filters_text(watch["filters"]))
    sub(feed, "updated", max(stored) if stored else watch.get("created_at") or "1970-01-01T00:00:00+00:00")
    if self_url:
        sub(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    author = sub(feed, "author")
    sub(author, "name", "scnews")
    sub(feed, "generator", "scnews")
    for article in articles:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:scnews:article:{quote(str(article.get('article_id')), safe='')}")
        sub(entry, "title", article.get("title") or "(no title)")
        when = article.get("published_at") or article.get("first_seen") or "1970-01-01T00:00:00+00:00"
        sub(entry, "updated", when)
        if article.get("published_at"):
            sub(entry, "published", article["published_at"])
        if article.get("url"):
            sub(entry, "link", href=article["url"], rel="alternate", type="text/html")
        for person in article.get("authors") or []:
            sub(sub(entry, "author"), "name", person)
        if article.get("channel"):
            sub(entry, "category", term=article["channel"], label=article.get("channel_name") or "")
        meta = " · ".join(x for x in (article.get("channel_name"), article.get("source")) if x)
        sub(entry, "summary", (meta + " — " if meta else "") + (article.get("snippet") or ""))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _filters_text(filters: dict[str, Any]) -> str:
    parts = []
    for key, value in filters.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f"--{key} {item}")
    return " (" + " ".join(parts) + ")" if parts else ""
