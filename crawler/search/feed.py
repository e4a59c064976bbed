"""Atom feeds (RFC 4287) of a watch's latest matches, for feed readers.

A feed is a window, not a report: it always lists the watch's last ``limit`` matches in the order they were
stored (newest stored first), whenever it is generated, so a reader that polls less often than cron still
sees every item as long as fewer than ``limit`` new matches arrive between two polls. It keeps no marker:
``scnews watch run`` has its own (``watches.last_rowid``), and neither moves the other.

Everything in the output is stable for the same stored data: an entry's ``id`` is the article's
(``urn:scnews:article:<id>``), its ``updated`` the publication time, and the feed's ``updated`` the time the
newest entry was stored, so regenerating an unchanged feed gives the same bytes.

The feed also lists the last ``limit`` edits, withdrawals and reappearances (``changes``) of the articles the
watch matches, each an entry with the change's own id (``urn:scnews:change:<id>``, as in ``scnews changes
--format atom``), so a reader learns that an article it showed was corrected or taken down.

Text that XML 1.0 cannot carry (control characters such as U+0001, lone surrogates, U+FFFE/U+FFFF) is
removed at output time (``xml_text``), so the feed is well-formed whatever a page or another tool stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from sqlite_utils import Database

from crawler.changes import changes_for_watch, max_change_id
from crawler.changes_atom import ATOM_NS, change_entry, sub
from crawler.search.engine import Search
from crawler.search.filters import Filters

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def latest_matches(db: Database, watch: dict[str, Any], limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """The watch's last ``limit`` matches, the most recently stored first (the index must be up to date)."""
    search = Search(watch["query"], filters=Filters.from_json(watch["filters"]), sort="stored", limit=limit)
    return list(search.run(db, refresh=False))


def latest_changes(db: Database, watch: dict[str, Any], limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """The last ``limit`` changes (edits, withdrawals, reappearances) of articles the watch matches."""
    upto = max_change_id(db)
    if not upto:
        return []
    return changes_for_watch(db, watch["query"], Filters.from_json(watch["filters"]), 0, upto)[:limit]


def watch_feed(
    watch: dict[str, Any],
    articles: list[dict[str, Any]],
    changes: Sequence[dict[str, Any]] = (),
    *,
    self_url: str | None = None,
) -> str:
    """The Atom document for ``watch`` (a row of ``list_watches``): ``articles``, then ``changes``."""
    ET.register_namespace("", ATOM_NS)
    name = watch["name"]
    stored = [a["first_seen"] for a in articles if a.get("first_seen")]
    stored += [c["detected_at"] for c in changes if c.get("detected_at")]
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
    for change in changes:
        change_entry(feed, change, updated="1970-01-01T00:00:00+00:00")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _filters_text(filters: dict[str, Any]) -> str:
    parts = []
    for key, value in filters.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f"--{key} {item}")
    return " (" + " ".join(parts) + ")" if parts else ""
