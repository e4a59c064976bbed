"""The ``changes`` log as an Atom 1.0 feed (RFC 4287): one entry per edit, withdrawal and reappearance.

Small and standalone (``xml.etree``); characters XML 1.0 cannot carry (control characters a page may hold)
are dropped from every text, so the feed always parses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from crawler.changes import describe

ATOM_NS = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """``value`` as text XML 1.0 can hold."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def sub(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    """An Atom child element of ``parent``; text and attribute values stripped to what XML can hold."""
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def change_entry(feed: ET.Element, change: dict[str, Any], *, updated: str) -> ET.Element:
    """The entry of one edit, withdrawal or reappearance (``updated``: when the change has no time)."""
    entry = sub(feed, "entry")
    sub(entry, "id", f"urn:scnews:change:{change['id']}")
    sub(entry, "title", f"[{change['kind']}] {change.get('title') or '(no title)'}")
    sub(entry, "updated", change.get("detected_at") or updated)
    if change.get("published_at"):
        sub(entry, "published", change["published_at"])
    if change.get("url"):
        sub(entry, "link", href=change["url"], rel="alternate", type="text/html")
    sub(entry, "category", term=change["kind"])
    text = describe(change) + (f"\n{change['diff']}" if change.get("diff") else "")
    sub(entry, "content", text, type="text")
    return entry


def changes_feed(
    changes: list[dict[str, Any]], *, feed_id: str = "urn:scnews:changes", title: str = "scnews: changes"
) -> str:
    ET.register_namespace("", ATOM_NS)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "updated", max((c.get("detected_at") or "" for c in changes), default="") or now)
    sub(sub(feed, "author"), "name", "scnews")
    sub(feed, "generator", "scnews")
    for change in changes:
        change_entry(feed, change, updated=now)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
