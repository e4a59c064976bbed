"""Layer 3: the generic finder: the densest cluster of paragraphs, the date just above it, a title from
<h1>, og:title or <title>."""

from __future__ import annotations

from lxml import etree

from .. import rules
from ..dates import find_date
from ..fields import within
from ..text import Line, clean, element_text, lines_of, walk

_H1 = etree.XPath("//body//h1")
_TITLE = etree.XPath("//head/title | //title")
_OG_TITLE = etree.XPath("//meta[@property='og:title']/@content")


def body(x, events: list, drop: set) -> None:
    """The densest cluster of paragraphs: the element whose paragraphs hold the most plain text."""
    scores: dict = {}
    lines = lines_of(events)
    for line in lines:
        if len(line.text) < rules.GOOD_LINE_MIN_CHARS or line.link_ratio > 0.3:
            continue
        block = line.block
        key = block.getparent() if block.tag == "p" and block.getparent() is not None else block
        scores[key] = scores.get(key, 0) + len(line.text)
    if not scores:
        return
    best = max(scores, key=scores.__getitem__)
    before = len(x.draft.values)
    x.take_body(walk(best, drop), "generic", stop_lines=True)
    if len(x.draft.values) > before:
        x.draft.warn("generic-body")
    if not x.draft.page_date:
        date_near(x, lines, best)


def date_near(x, lines: list[Line], best) -> None:
    """Generic date: the last date-like line before the body cluster starts."""
    start = next((i for i, line in enumerate(lines) if within(line.block, best)), len(lines))
    for line in reversed(lines[max(0, start - 8) : start]):
        if len(line.text) <= rules.META_LINE_MAX_CHARS:
            found = find_date(line.text, reference=x.reference, url_date=x.url_date)
            if found:
                x.draft.page_date = found
                x.draft.layers["published_at"] = "generic"
                source = rules.SOURCE_BEFORE_DATE.match(line.text)
                if source:  # "新华社 2017-08-26 14:39:45"
                    x.draft.set("source", source["value"], "pattern")
                return


def title(x) -> str | None:
    for el in _H1(x.root):
        text = element_text(el)
        if text:
            return text
    og = _OG_TITLE(x.root)
    if og and clean(og[0]):
        return clean(og[0])
    for el in _TITLE(x.root):
        text = clean(el.text)  # (element_text leaves <title> out: it is a skipped tag inside a body)
        if text:
            return rules.TITLE_SEPARATORS.split(text, maxsplit=1)[0].strip() or text
    return None
