"""The article parser: known selectors, then text patterns, then a generic body finder.

``parse_article`` decodes the bytes, undoes a mirror copy, parses the document once with lxml, and fills each
field from the first layer that yields it, recording the layer in ``field_layers`` (see rules.py for every
selector and pattern). Pages that are not articles raise ``NotAnArticle``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from crawler.channels import channel_name
from crawler.record import Article, Image
from crawler.urls import canonical_url, parse_article_url

from . import rules
from .dates import PageDate, china_naive, find_date, iso_china, parse_fetched_at, url_day
from .encoding import decode_html
from .errors import NotAnArticle
from .mirror import undo_mirror
from .select import PageIndex, Selector, compile_selector
from .text import Line, clean, element_text, lines_of, walk, walked_as_block

# ---------------------------------------------------------------------------------------------------------
# Selectors compiled once
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    template: rules.Template
    detect: Selector
    title: tuple[Selector, ...]
    meta: tuple[Selector, ...]
    body: Selector
    source: tuple[Selector, ...]
    date: tuple[Selector, ...]
    editor: tuple[Selector, ...]
    drop: tuple[Selector, ...]
    captions: tuple[Selector, ...]


def _compile(t: rules.Template) -> _Compiled:
    def many(selectors: tuple[str, ...]) -> tuple[Selector, ...]:
        return tuple(compile_selector(c) for c in selectors)

    return _Compiled(
        template=t,
        detect=compile_selector(t.detect),
        title=many(t.title),
        meta=many(t.meta),
        body=compile_selector(t.body),
        source=many(t.source),
        date=many(t.date),
        editor=many(t.editor),
        drop=many(t.drop),
        captions=many(t.captions),
    )


_TEMPLATES = tuple(_compile(t) for t in rules.TEMPLATES)
# Every class and id name a template selector uses: the only ones worth indexing.
_KEYS = frozenset(
    key
    for c in _TEMPLATES
    for s in (c.detect, c.body, *c.title, *c.meta, *c.source, *c.date, *c.editor, *c.drop, *c.captions)
    for key in s.keys
)
_H1 = etree.XPath("//body//h1")
_TITLE = etree.XPath("//head/title | //title")
_CANONICAL = etree.XPath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
_OG_TITLE = etree.XPath("//meta[@property='og:title']/@content")
_LINKS = etree.XPath("//body//a")
_LINK_TEXT = etree.XPath("//body//a//text()")
_PAGE_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
# collect_ids=False: nothing looks elements up by id through libxml2 (ids go through select.PageIndex)
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, collect_ids=False)

LAYER_FIELDS = ("title", "published_at", "source", "editor", "body", "disclaimer", "authors")


# ---------------------------------------------------------------------------------------------------------
# The record being built
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    values: dict = field(default_factory=dict)
    layers: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    page_date: PageDate | None = None
    images: list = field(default_factory=list)

    def set(self, name: str, value, layer: str) -> None:
        if value and name not in self.values:
            self.values[name] = value
            self.layers[name] = layer

    def has(self, name: str) -> bool:
        return name in self.values

    def warn(self, warning: str) -> None:
        if warning not in self.warnings:
            self.warnings.append(warning)


def parse_article(
    body: bytes | str,
    url: str | None = None,
    *,
    fetched_at: datetime | str | None = None,
    encoding: str | None = None,
) -> Article:
    """The article in ``body`` (a page of any generation and encoding, or a mirror copy of one).

    ``url`` is where the page was fetched from (default: its canonical link or og:url); ``fetched_at`` the
    reference for relative dates; ``encoding`` the charset of the HTTP header, if any.
    Raises NotAnArticle for a channel list, an error page, an empty or a truncated document.
    """
    fetched = parse_fetched_at(fetched_at)
    reference = china_naive(fetched) if fetched else None
    text, _codec = decode_html(body, encoding)
    if not text or text.isspace():
        raise NotAnArticle("empty document")
    text, mirror, mojibake = undo_mirror(text)
    root = _parse(text)
    closed = _closed(text)
    return _Extractor(root, url, reference, closed, text).run(fetched, mirror, mojibake)


def _closed(text: str) -> bool:
    """Whether the document has its closing </body> or </html> (searched from the end)."""
    return any(text.rfind(tag) >= 0 for tag in ("</html", "</body", "</HTML", "</BODY", "</Html", "</Body"))


def _parse(text: str) -> etree._Element:
    if text[:64].lstrip()[:5].lower() == "<?xml":
        text = _XML_DECL.sub("", text, count=1)
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None or _child(root, "body") is None:
        raise NotAnArticle("not an HTML document")
    return root


class _Extractor:
    def __init__(self, root, url: str | None, reference: datetime | None, closed: bool, text: str):
        self.root = root
        self.reference = reference
        self.closed = closed
        self.text = text
        self.text_tail = (text[-256:].rstrip() or text.rstrip())[-1:]  # not a copy of the whole page
        self.draft = _Draft()
        self.disclaimer_head = None
        self._labels: dict[str, list] = {}
        self._index: PageIndex | None = None
        self.page_url = (url or "").strip() or self._declared_url()
        self.url_parts = _url_parts(self.page_url)
        self.url_date = url_day(self.url_parts.date) if self.url_parts else None
        head = _child(root, "head")
        base = _child(head, "base") if head is not None else None
        href = base.get("href") if base is not None else None
        self.base_url = (_join(self.page_url or "", href.strip()) if href else None) or self.page_url
        self.body_root = _child(root, "body")

    # -- orchestration ----------------------------------------------------------------------------------

    def run(self, fetched: datetime | None, mirror: bool, mojibake: bool) -> Article:
        d = self.draft
        disclaimer_lines, disclaimer_drop = self._disclaimer()
        if disclaimer_lines:
            d.set("disclaimer", "\n".join(disclaimer_lines), "pattern")
        template = self._selectors(disclaimer_drop)
        if template is None:
            template = self._patterns(disclaimer_drop)
        self._fill_missing(disclaimer_drop)
        self._refuse_non_articles(template)
        self._dates()
        self._authors()
        return self._record(template, fetched, mirror, mojibake)

    # -- layer 1: known selectors -----------------------------------------------------------------------

    def _selectors(self, disclaimer_drop: set) -> str | None:
        d = self.draft
        for compiled in _TEMPLATES:
            if not self._matches(compiled.detect):
                continue
            for selector in compiled.title:
                title = _first_text(self._select(selector))
                if title:
                    d.set("title", title, "selector")
                    break
            meta_text = " ".join(element_text(el) for s in compiled.meta for el in self._select(s))
            date_text = " ".join(element_text(el) for s in compiled.date for el in self._select(s))
            for candidate in (date_text, meta_text):
                found = find_date(candidate, reference=self.reference, url_date=self.url_date)
                if found:
                    d.page_date = found
                    d.layers["published_at"] = "selector"
                    break
            for selector in compiled.source:
                source = _source_from(self._select(selector))
                if source:
                    d.set("source", source, "selector")
                    break
            if not d.has("source") and meta_text:
                match = rules.SOURCE.search(meta_text)
                if match:
                    d.set("source", match["value"], "selector")
            for selector in compiled.editor:
                editor = _editor_from(self._select(selector))
                if editor:
                    d.set("editor", editor, "selector")
                    break
            containers = self._select(compiled.body)
            if containers:
                container = containers[0]
                drop = {el for s in compiled.drop for el in self._select(s, container)} | disclaimer_drop
                captions = {el for s in compiled.captions for el in self._select(s, container)}
                self._take_body(walk(container, drop, captions), "selector", stop_lines=False)
            return compiled.template.name
        return None

    # -- layer 2: text patterns (the 2024 layout) -----------------------------------------------------

    def _patterns(self, disclaimer_drop: set) -> str:
        d = self.draft
        region = self._article_region()
        events = walk(region, disclaimer_drop)
        meta_at = _meta_index(events)
        if meta_at is None and region is not self.body_root:
            events = walk(self.body_root, disclaimer_drop)
            meta_at = _meta_index(events)
        if meta_at is None:
            template = "sc-2024" if d.has("disclaimer") else "generic"
            self._generic(events, disclaimer_drop)
            return template
        meta = events[meta_at][1].text
        found = find_date(meta, reference=self.reference, url_date=self.url_date)
        if found:
            d.page_date = found
            d.layers["published_at"] = "pattern"
        match = rules.SOURCE.search(meta)
        if match:
            d.set("source", match["value"], "pattern")
        editor = _editor_in(meta)
        if editor:
            d.set("editor", editor, "pattern")
        title = _title_before(events, meta_at)
        if title:
            d.set("title", title, "pattern")
        self._take_body(events[meta_at + 1 :], "pattern", stop_lines=True)
        if not d.has("body"):
            self._generic(events, disclaimer_drop)
        return "sc-2024"

    def _article_region(self):
        """The element holding the meta line and the article (the whole <body> when unsure).

        Walking only this element keeps menus and footers out of the hot loop: the nearest ancestor of the
        disclaimer heading whose text holds a meta line, else the first ancestor of the meta line holding
        clearly more text than the meta line itself.
        """
        if self.disclaimer_head is not None:
            for el in self.disclaimer_head.iterancestors():
                if el is self.body_root or _has_meta_in_text(_plain_text(el)):
                    return el
            return self.body_root
        meta = None
        for label in ("来源", "编辑"):
            for el in self._labelled(label):
                if _is_meta_line(element_text(el)):
                    meta = el
                    break
            if meta is not None:
                break
        if meta is None:
            return self.body_root
        own = len(_plain_text(meta))
        for el in meta.iterancestors():
            if el is self.body_root or len(_plain_text(el)) >= own + 2 * rules.MIN_ARTICLE_CHARS:
                return el
        return self.body_root

    # -- layer 3: generic -------------------------------------------------------------------------------

    def _generic(self, events: list, drop: set) -> None:
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
        before = len(self.draft.values)
        self._take_body(walk(best, drop), "generic", stop_lines=True)
        if len(self.draft.values) > before:
            self.draft.warn("generic-body")
        if not self.draft.page_date:
            self._date_near(lines, best)

    def _date_near(self, lines: list[Line], best) -> None:
        """Generic date: the last date-like line before the body cluster starts."""
        start = next((i for i, line in enumerate(lines) if _within(line.block, best)), len(lines))
        for line in reversed(lines[max(0, start - 8) : start]):
            if len(line.text) <= rules.META_LINE_MAX_CHARS:
                found = find_date(line.text, reference=self.reference, url_date=self.url_date)
                if found:
                    self.draft.page_date = found
                    self.draft.layers["published_at"] = "generic"
                    return

    # -- fields still missing: patterns over the whole page, then generic title ------------------------

    def _fill_missing(self, disclaimer_drop: set) -> None:
        d = self.draft
        if d.page_date is None:  # a meta line outside the template's meta elements
            for el in self._labelled("来源"):
                if el in disclaimer_drop or _inside_any(el, disclaimer_drop):
                    continue
                text = element_text(el)
                if _is_meta_line(text):
                    found = find_date(text, reference=self.reference, url_date=self.url_date)
                    if found:
                        d.page_date = found
                        d.layers["published_at"] = "pattern"
                        break
        if not d.has("source"):
            for el in self._labelled("来源"):
                if el in disclaimer_drop or _inside_any(el, disclaimer_drop):
                    continue
                match = rules.SOURCE.search(element_text(el))
                if match:
                    d.set("source", match["value"], "pattern")
                    break
        if not d.has("editor"):
            for el in self._labelled("编辑"):
                if el in disclaimer_drop or _inside_any(el, disclaimer_drop):
                    continue
                editor = _editor_in(element_text(el))
                if editor:
                    d.set("editor", editor, "pattern")
                    break
        if not d.has("title"):
            title = self._generic_title()
            if title:
                d.set("title", title, "generic")
                d.warn("generic-title")

    def _generic_title(self) -> str | None:
        for el in _H1(self.root):
            text = element_text(el)
            if text:
                return text
        og = _OG_TITLE(self.root)
        if og and clean(og[0]):
            return clean(og[0])
        for el in _TITLE(self.root):
            text = element_text(el)
            if text:
                return rules.TITLE_SEPARATORS.split(text, maxsplit=1)[0].strip() or text
        return None

    # -- body lines: exclusions, captions, editor line, disclaimer --------------------------------------

    def _take_body(self, events: list, layer: str, *, stop_lines: bool) -> None:
        d = self.draft
        title = d.values.get("title")
        lines: list[str] = []
        images: list[Image] = []
        editor = source = None
        last_image: Image | None = None  # an image not yet followed by text: the next caption is its
        disclaimer: list[str] | None = None
        for kind, item in events:
            if disclaimer is not None:
                if kind == "line":
                    if _is_furniture(item):
                        break
                    disclaimer.append(item.text)
                continue
            if kind == "img":
                image = self._image(item)
                if image:
                    images.append(image)
                    last_image = image
                continue
            if kind == "caption":
                if last_image is not None and last_image.caption is None:
                    last_image.caption = item
                continue
            line: Line = item
            t = line.text
            if rules.DISCLAIMER_HEADING in t:
                if d.has("disclaimer"):
                    break
                disclaimer = [t]
                continue
            if stop_lines and rules.STOP_LINE.match(t):
                break
            if last_image is not None and last_image.caption is None and _is_caption_line(t):
                last_image.caption = t
                last_image = None
                continue
            last_image = None
            if rules.EDITOR_LINE.match(t):
                editor = editor or _editor_in(t)
                continue
            match = rules.SOURCE_LINE.match(t)
            if match:
                source = source or match["value"]
                continue
            if _is_furniture(line) or (title and t == title and not lines):
                continue
            if _is_meta_line(t):
                continue
            lines.append(t)
        if not lines:
            return
        d.set("body", "\n".join(lines), layer)
        d.images = images
        if editor:
            d.set("editor", editor, "pattern")
        if source:
            d.set("source", source, "pattern")
        if disclaimer:
            d.set("disclaimer", "\n".join(disclaimer), "pattern")

    def _image(self, el) -> Image | None:
        src = (el.get("src") or el.get("data-src") or el.get("data-original") or "").strip()
        if not src or src.startswith("data:"):
            return None
        if rules.IMAGE_SKIP.search(src) or rules.IMAGE_SKIP.search(el.get("class") or ""):
            return None
        for attr in ("width", "height"):
            size = (el.get(attr) or "").strip().removesuffix("px")
            if size.isdigit() and int(size) < rules.IMAGE_MIN_SIZE:
                return None
        absolute = _join(self.base_url or "", src)
        return Image(url=absolute, caption=None) if absolute else None

    # -- disclaimer -------------------------------------------------------------------------------------

    def _disclaimer(self) -> tuple[list[str], set]:
        """(lines of the 版权与免责声明 block, the elements it occupies)."""
        heads = self._labelled(rules.DISCLAIMER_HEADING)
        if not heads:
            return [], set()
        block = self.disclaimer_head = heads[0]
        while block.tag not in rules.BLOCK_TAGS and block.getparent() is not None:
            block = block.getparent()
        own = lines_of(walk(block))
        heading_len = len(own[0].text) if own else 0
        if sum(len(line.text) for line in own) > heading_len + 20 or block.getparent() is None:
            return [line.text for line in own], {block}
        # a heading of its own: the items follow it inside the same parent
        parent = block.getparent()
        if parent.tag != "a" and walked_as_block(block):
            # walk(parent) would give: lines before the block (none holds the heading: the heading's text
            # node is the page's first), the block's own lines, then the rest; only the last is walked anew
            following = own + lines_of(walk(parent, after=block))
        else:
            following = lines_of(walk(parent))
        lines: list[str] = []
        taken = {block}
        for line in following:
            if not lines:
                if rules.DISCLAIMER_HEADING in line.text:
                    lines.append(line.text)
                continue
            if _is_furniture(line) or rules.EDITOR_LINE.match(line.text):
                break
            lines.append(line.text)
            child = line.block
            while child is not None and child.getparent() is not parent:
                child = child.getparent()
            if child is not None:
                taken.add(child)
        return lines, taken

    # -- dates, authors ---------------------------------------------------------------------------------

    def _dates(self) -> None:
        d = self.draft
        url_date = self.url_date
        if d.page_date:
            d.values["published_at"] = d.page_date.iso()
            if d.page_date.year_from_url:
                d.warn("year-from-url")
            if d.page_date.stale_relative:
                d.warn("stale-relative-date")
            if url_date and d.page_date.value.date() != url_date:
                d.warn("date-mismatch-url")
        elif url_date:
            d.values["published_at"] = iso_china(datetime(url_date.year, url_date.month, url_date.day))
            d.layers["published_at"] = "url"
            d.warn("date-from-url")
        else:
            d.layers.pop("published_at", None)

    def _authors(self) -> None:
        body = self.draft.values.get("body")
        if not body:
            return
        lines = body.split("\n")
        match = rules.DATELINE.match(lines[0])
        names = _names(match["names"]) if match else []
        if not names:
            last = lines[-1]
            if rules.END_MARK.search(last):
                stripped = rules.END_MARK.sub("", last).rstrip()
                last = stripped if stripped else (lines[-2] if len(lines) > 1 else "")
            match = rules.BYLINE.search(last)
            names = _names(match["names"]) if match else []
        if names:
            self.draft.set("authors", names, "pattern")

    # -- refusals ---------------------------------------------------------------------------------------

    def _refuse_non_articles(self, template: str) -> None:
        d = self.draft
        body = d.values.get("body", "")
        has_meta = d.page_date is not None and d.layers.get("published_at") in ("selector", "pattern")
        if not self.closed and (self.text_tail != ">" or len(body) < rules.TRUNCATED_MIN_CHARS):
            raise NotAnArticle("truncated document (no closing </body> or </html>)")
        if not has_meta:
            title = " ".join(element_text(el) for el in _TITLE(self.root))
            heading = d.values.get("title", "")
            if len(body) < 2 * rules.MIN_ARTICLE_CHARS and (
                rules.ERROR_TEXT.search(title) or rules.ERROR_TEXT.search(heading)
            ):
                raise NotAnArticle("error page")
            if len(body) < 3 * rules.MIN_ARTICLE_CHARS and len(_LINKS(self.root)) >= rules.LIST_LINK_COUNT:
                link_chars = _chars(_LINK_TEXT(self.root))
                page_chars = _chars(_PAGE_TEXT(self.root)) or 1
                if link_chars / page_chars >= rules.LIST_LINK_TEXT_RATIO:
                    raise NotAnArticle("channel list page (many links, little text, no article meta)")
            if len(body) < rules.MIN_ARTICLE_CHARS:
                raise NotAnArticle("too little text and no article meta")
        if not d.has("title"):
            raise NotAnArticle("no title")

    # -- the record -------------------------------------------------------------------------------------

    def _record(self, template: str, fetched: datetime | None, mirror: bool, mojibake: bool) -> Article:
        d = self.draft
        parts = self.url_parts
        if not self.page_url:
            d.warn("no-url")
        if not d.has("source"):
            d.warn("no-source")
        if not d.has("editor"):
            d.warn("no-editor")
        if mojibake:
            d.warn("mirror-mojibake")
        layers = {name: d.layers[name] for name in LAYER_FIELDS if name in d.layers and d.values.get(name)}
        return Article(
            url=parts.canonical if parts else _canonical(self.page_url),
            article_id=parts.article_id if parts else None,
            channel=parts.channel if parts else None,
            channel_name=channel_name(parts.channel) if parts else None,
            title=d.values.get("title", ""),
            published_at=d.values.get("published_at"),
            source=d.values.get("source"),
            editor=d.values.get("editor"),
            authors=d.values.get("authors", []),
            body=d.values.get("body", ""),
            disclaimer=d.values.get("disclaimer"),
            images=d.images,
            template=template,
            mirror=mirror,
            warnings=d.warnings,
            field_layers=layers,
            fetched_at=fetched.isoformat() if fetched else None,
        )

    def _select(self, selector: Selector, within=None) -> list:
        """Elements matching a template selector. Before the page is indexed, a selector whose class or id
        names are absent from the page's text returns at once (so pages of other generations pay no more
        than a substring search); once indexed, the index answers that question."""
        index = self._index
        if index is None:
            for key in selector.keys:
                if key not in self.text:
                    return []
            index = self._index = PageIndex(self.root, _KEYS)
        elif not index.may_match(selector):
            return []
        return index.select(selector, within)

    def _matches(self, selector: Selector) -> bool:
        return bool(self._select(selector))

    def _labelled(self, label: str) -> list:
        """Elements (outside scripts and styles) whose own text holds ``label``, in document order."""
        cached = self._labels.get(label)
        if cached is not None:
            return cached
        owners: list = []
        self._labels[label] = owners
        if label not in self.text:
            return owners
        for owner in _text_owners(self.body_root, label):
            if owner.tag not in rules.SKIP_TAGS and (not owners or owners[-1] is not owner):
                owners.append(owner)
        return owners

    def _declared_url(self) -> str:
        for href in _CANONICAL(self.root):
            if href and href.strip():
                return href.strip()
        return ""


# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


def _text_owners(root, label: str) -> list:
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
            while waiting and not _within(el, waiting[-1]):
                owners.append(waiting.pop().getparent())
            owners.append(el)
        tail = el.tail
        if tail and label in tail and el is not root:
            while waiting and not _within(el, waiting[-1]):
                owners.append(waiting.pop().getparent())
            waiting.append(el)
    while waiting:
        owners.append(waiting.pop().getparent())
    return owners


def _child(el, tag: str):
    """The first child ``tag`` of ``el`` (what ``el.find(tag)`` gives, without ElementPath's overhead)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _url_parts(url: str):
    try:
        return parse_article_url(url) if url else None
    except ValueError:  # a malformed URL ("http://[bad/...") is no article URL
        return None


def _join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def _canonical(url: str) -> str:
    try:
        return canonical_url(url) if url else ""
    except ValueError:
        return url.strip()


def _chars(texts) -> int:
    """Characters of some text nodes, whitespace left out."""
    return len("".join("".join(texts).split()))


def _plain_text(el) -> str:
    """All text under ``el`` in one C call (scripts included: only for searching and sizing)."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


_LABEL_COLON = re.compile(r"[\s\u3000\xa0]*[:：]")
_FOUR_DIGITS = re.compile(r"\d{4}")  # every date of rules.META_DATE starts so
_DATE_CHARS = frozenset("年月日-/:：\u3000\xa0")  # with digits and whitespace: all a META_DATE holds


def _has_meta_in_text(text: str) -> bool:
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


def _meta_index(events: list) -> int | None:
    for i, (kind, item) in enumerate(events):
        if kind == "line" and _is_meta_line(item.text):
            return i
    return None


def _first_text(elements) -> str:
    for el in elements:
        text = element_text(el)
        if text:
            return text
    return ""


def _source_from(elements) -> str | None:
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


def _editor_in(text: str) -> str | None:
    for pattern in rules.EDITOR:
        match = pattern.search(text)
        if match:
            value = clean(match["value"])
            if value:
                return value
    return None


def _editor_from(elements) -> str | None:
    for el in elements:
        text = element_text(el)
        if not text:
            continue
        editor = _editor_in(text)
        if editor:
            return editor
        if el.get("id") and len(text) <= 20:  # a hidden span holding the bare name
            return text
    return None


def _is_meta_line(text: str) -> bool:
    if len(text) > rules.META_LINE_MAX_CHARS:
        return False
    if rules.META_LINE.match(text):
        return True
    return ("来源" in text) and bool(rules.META_ANYWHERE.search(text))


def _is_furniture(line: Line) -> bool:
    t = line.text
    return bool(
        line.link_chars > rules.LINK_LINE_RATIO * len(t)
        or rules.FURNITURE_LINE.match(t)
        or (t.endswith("正文") and rules.BREADCRUMB_LINE.search(t))
    )


def _is_caption_line(text: str) -> bool:
    return len(text) <= rules.CAPTION_MAX_CHARS and bool(rules.CAPTION_LINE.search(text))


def _title_before(events: list, index: int) -> str | None:
    """The title in the 2024 layout: the last plain line before the meta line."""
    seen = 0
    for kind, item in reversed(events[:index]):
        if kind != "line":
            continue
        seen += 1
        if seen > 4:
            break
        if _is_furniture(item) or len(item.text) > 120:
            continue
        return item.text
    return None


def _names(group: str) -> list[str]:
    names = []
    for token in rules.AUTHOR_SPLIT.split(group):
        if not token or token in rules.AUTHOR_ROLES or token.endswith(rules.AUTHOR_ROLE_SUFFIX):
            continue
        if rules.AUTHOR_NAME.match(token):
            names.append(token)
    return names


def _within(el, ancestor) -> bool:
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False


def _inside_any(el, elements: set) -> bool:
    if not elements:
        return False
    parent = el.getparent()
    while parent is not None:
        if parent in elements:
            return True
        parent = parent.getparent()
    return False
