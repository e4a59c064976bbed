"""Helpers shared by the parser's layers: reading fields out of lines and elements, tree navigation."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.urls import canonical_url, is_chinanews_host, parse_article_url, site_of

from . import rules
from .text import Line, clean, element_text


def text_owners(root, label: str) -> list:
    """For every text node under ``root`` holding ``label``, in document order, the element that holds the
    node (its parent; for a tail, the parent of the element it follows): what
    ``descendant::text()[contains(., $label)]`` and ``getparent()`` give, in one Python pass over the
    elements, ~25% cheaper than that XPath (libxml2 copies every text node to test it).

    A tail comes after its element's subtree in document order, so a tail hit waits on a stack until the
    pass leaves that subtree."""
    owners: list = []
    waiting: list = []  # elements whose tail holds the label, innermost last
    for el in root.iter():
        text = el.text
        if text and label in text:
            while waiting and not within(el, waiting[-1]):
                owners.append(waiting.pop().getparent())
            owners.append(el)
        tail = el.tail
        if tail and label in tail and el is not root:
            while waiting and not within(el, waiting[-1]):
                owners.append(waiting.pop().getparent())
            waiting.append(el)
    while waiting:
        owners.append(waiting.pop().getparent())
    return owners


def child(el, tag: str):
    """The first child ``tag`` of ``el`` (what ``el.find(tag)`` gives, without ElementPath's overhead)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def url_parts(url: str):
    try:
        return parse_article_url(url) if url else None
    except ValueError:  # a malformed URL ("http://[bad/...") is no article URL
        return None


def site_of_url(url: str) -> str | None:
    """The Chinanews site of a URL that is no article URL; None for other hosts and no URL."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return site_of(host) if host and is_chinanews_host(host) else None


def join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def canonical(url: str) -> str:
    try:
        return canonical_url(url) if url else ""
    except ValueError:
        return url.strip()


def chars(texts) -> int:
    """Characters of some text nodes, whitespace left out."""
    return len("".join("".join(texts).split()))


def plain_text(el) -> str:
    """All text under ``el`` in one C call (scripts included: only for searching and sizing)."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


_LABEL_COLON = re.compile(r"[\s\u3000\xa0]*[:：]")
_FOUR_DIGITS = re.compile(r"\d{4}")  # every date of rules.META_DATE starts so
_DATE_CHARS = frozenset("年月日-/:：\u3000\xa0")  # with digits and whitespace: all a META_DATE holds


def has_meta_in_text(text: str) -> bool:
    """Exactly ``rules.META_IN_TEXT.search(text) is not None``, without running that regex over all the text
    (on a 300-character disclaimer it costs ~30 us: it tries a date at every character).

    Every match holds 来源 or 编辑 and a colon, with a date ending at most 40 characters (plus 责任) before
    the label or starting at most 40 after the colon: only those windows are searched. A date holds nothing
    but digits, whitespace and 年月日-/:, so the window before a label reaches left over such characters."""
    for label in ("来源", "编辑"):
        at = text.find(label)
        while at >= 0:
            colon = _LABEL_COLON.match(text, at + 2)
            if colon:
                end = colon.end()
                start = max(0, at - 42)
                while start > 0:
                    ch = text[start - 1]
                    if not (ch.isdecimal() or ch.isspace() or ch in _DATE_CHARS):
                        break
                    start -= 1
                if _FOUR_DIGITS.search(text, start, at) and rules.META_DATE_THEN_LABEL.search(
                    text, start, end
                ):
                    return True
                if (
                    label == "来源"
                    and _FOUR_DIGITS.search(text, end, end + 44)
                    and rules.META_LABEL_THEN_DATE.match(text, at)
                ):
                    return True
            at = text.find(label, at + 2)
    return False


_RELATIVE_STARTS = ("刚刚", "今天", "昨天", "前天")


def meta_index(events: list) -> int | None:
    starts = _RELATIVE_STARTS
    for i, (kind, item) in enumerate(events):
        if kind == "line":
            t = item.text
            # is_meta_line's first test, inline (this loop sees every line of a page)
            if (t[:1].isdigit() or "来源" in t or t.startswith(starts)) and is_meta_line(t):
                return i
    return None


def first_text(elements) -> str:
    for el in elements:
        text = element_text(el)
        if text:
            return text
    return ""


def source_from(elements) -> str | None:
    for el in elements:
        text = element_text(el)
        if not text:
            continue
        if "来源" in text:
            match = rules.SOURCE.search(text)
            if match:
                return match["value"]
            continue
        if el.tag == "a" or el.get("id"):
            return text
    return None


def editor_in(text: str) -> str | None:
    for pattern in rules.EDITOR:
        match = pattern.search(text)
        if match:
            value = clean(match["value"])
            if value and not rules.PLACEHOLDER.search(value) and not rules.LABEL_ONLY.match(value):
                return value
    return None


def editor_from(elements) -> str | None:
    for el in elements:
        text = element_text(el)
        if not text:
            continue
        editor = editor_in(text)
        if editor:
            return editor
        if el.get("id") and is_bare_value(text):  # a hidden span holding the bare name
            return text
    return None


def is_bare_value(text: str) -> bool:
    """A field value on its own: short, no label ("责任编辑：" with nothing after it is none), no unfilled
    template placeholder ("${中新记者姓名}")."""
    return (
        0 < len(text) <= 20
        and not rules.PLACEHOLDER.search(text)
        and not rules.LABEL_ONLY.search(text)
        and ":" not in text
        and "：" not in text
    )


def is_meta_line(text: str) -> bool:
    if len(text) > rules.META_LINE_MAX_CHARS:
        return False
    if not text[:1].isdigit() and "来源" not in text and not text.startswith(_RELATIVE_STARTS):
        return False  # every META_LINE match starts so (a date, a number of hours, 刚刚/今天/...)
    if rules.META_LINE.match(text):
        return True
    return ("来源" in text) and bool(rules.META_ANYWHERE.search(text))


def is_furniture(line: Line) -> bool:
    t = line.text
    return bool(
        line.link_chars > rules.LINK_LINE_RATIO * len(t)
        or rules.FURNITURE_LINE.match(t)
        or (t.endswith("正文") and rules.BREADCRUMB_LINE.search(t))
    )


def is_caption_line(text: str) -> bool:
    return len(text) <= rules.CAPTION_MAX_CHARS and bool(rules.CAPTION_LINE.search(text))


def title_before(events: list, index: int) -> str | None:
    """The title in the 2024 layout: the last plain line before the meta line."""
    seen = 0
    for kind, item in reversed(events[:index]):
        if kind != "line":
            continue
        seen += 1
        if seen > 4:
            break
        if is_furniture(item) or len(item.text) > 120:
            continue
        return item.text
    return None


def author_names(group: str) -> list[str]:
    names = []
    for token in rules.AUTHOR_SPLIT.split(group):
        for role in rules.AUTHOR_PREFIXES:  # "记者刘阳" (no space after the role)
            if token.startswith(role) and len(token) > len(role) + 1:
                token = token[len(role) :]
                break
        if not token or token in rules.AUTHOR_ROLES or token.endswith(rules.AUTHOR_ROLE_SUFFIX):
            continue
        if rules.AUTHOR_NAME.match(token):
            names.append(token)
    return names


def within(el, ancestor) -> bool:
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False


def inside_any(el, elements: set) -> bool:
    if not elements:
        return False
    parent = el.getparent()
    while parent is not None:
        if parent in elements:
            return True
        parent = parent.getparent()
    return False
