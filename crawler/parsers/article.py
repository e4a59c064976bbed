"""The article parser: known selectors, then text patterns, then a generic body finder.

``parse_article`` decodes the bytes (every declared charset checked against them), undoes a mirror copy,
parses the document once with lxml, and fills each field from the first layer that yields it, recording the
layer in ``field_layers``: ``layers/selectors.py`` (known templates), ``layers/patterns.py`` (text patterns),
``layers/generic.py`` (densest paragraphs); rules.py holds every selector and pattern. This module keeps what
all layers share: the body lines and their exclusions, the disclaimer, dates, authors, refusals and the
record. Pages that are not articles raise ``NotAnArticle``.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from crawler.channels import channel_name
from crawler.record import Article, Image

from . import rules
from .dates import PageDate, china_naive, find_date, iso_china, parse_fetched_at, url_day
from .encoding import decode
from .errors import NotAnArticle
from .fields import (
    author_names,
    canonical,
    chars,
    child,
    editor_in,
    inside_any,
    is_caption_line,
    is_furniture,
    is_meta_line,
    join,
    plain_text,
    site_of_url,
    text_owners,
    url_parts,
)
from .layers import generic, patterns, selectors
from .mirror import undo_mirror
from .text import XML_INVALID, Line, element_text, lines_of, walk, walked_as_block, xml_safe

_TITLE = etree.XPath("//head/title | //title")
_CANONICAL = etree.XPath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
_OG_TITLE = etree.XPath("//meta[@property='og:title']/@content")
_PAGE_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
# collect_ids=True: libxml2 indexes the ids, so a template selector led by an id starts from its element
# (layers/selectors.py) instead of testing every element's @id.
# The page is handed to libxml2 as UTF-8 bytes with the encoding forced (no <meta> charset is read again):
# libxml2 reads UTF-8 natively, while a str reaches it as UTF-16 or UCS-4 to convert (~15% slower).
_PARSER = etree.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, collect_ids=True, encoding="utf-8"
)

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

    The cyclic garbage collector is paused while the page is parsed: a parse leaves no reference cycles
    (tests/parsers/test_no_cycles.py), but a large page makes hundreds of thousands of lines and tuples, and
    the collections they trigger rescan everything alive in the process each time (100,000 table cells in
    a process holding a crawl's worth of objects: 0.43 s with the collector, 0.26 s without).
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _parse_article(body, url, fetched_at, encoding)
    finally:
        if paused:
            gc.enable()


def _parse_article(body: bytes | str, url: str | None, fetched_at, encoding: str | None) -> Article:
    fetched = parse_fetched_at(fetched_at)
    reference = china_naive(fetched) if fetched else None
    decoded = decode(body, encoding)
    text = decoded.text
    # (strict UTF-8 holds a NUL character where its bytes hold a NUL byte: searched there, ~30x faster)
    nul = b"\x00" in body if decoded.exact and isinstance(body, bytes) else "\x00" in text
    if nul or not isinstance(body, bytes):  # lxml refuses a NUL; a str may hold lone surrogates
        text = xml_safe(text)  # (other such characters are taken out of the record's fields at the end)
    if not text or text.isspace():
        raise NotAnArticle("empty document")
    # the bytes as fetched when they are exactly the text's UTF-8 (no re-encoding of the page)
    data = body if isinstance(body, bytes) and decoded.exact and text is decoded.text else None
    text, mirror, mojibake = undo_mirror(text)
    root = _parse(text, None if mirror else data)
    closed = _closed(text)
    extractor = _Extractor(root, url, reference, closed, text, _ids_given_twice())
    if decoded.mismatch:
        extractor.draft.warn("charset-mismatch")
    return extractor.run(fetched, mirror, mojibake)


def _closed(text: str) -> bool:
    """Whether the document has its closing </body> or </html> (searched from the end)."""
    return any(text.rfind(tag) >= 0 for tag in ("</html", "</body", "</HTML", "</BODY", "</Html", "</Body"))


def _parse(text: str, data: bytes | None = None) -> etree._Element:
    """The tree of ``text``; ``data``, when given, is ``text`` encoded as UTF-8 (the page's own bytes)."""
    if text[:64].lstrip()[:5].lower() == "<?xml":
        text = _XML_DECL.sub("", text, count=1)
        data = None
    try:
        root = etree.fromstring(text.encode("utf-8") if data is None else data, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None or child(root, "body") is None:
        raise NotAnArticle("not an HTML document")
    return root


def _ids_given_twice() -> frozenset[str] | None:
    """The ids the page just parsed gives to more than one element (libxml2's index holds only the first of
    each); None when libxml2's report on them cannot be read."""
    twice = set()
    for entry in _PARSER.error_log.filter_types(_ID_REDEFINED):
        match = _ID_REDEFINED_MESSAGE.match(entry.message)
        if match is None:
            return None
        twice.add(match[1])
    return frozenset(twice)


_ID_REDEFINED_MESSAGE = re.compile(r"ID (.*) already defined\s*$")
_ID_REDEFINED = (etree.ErrorTypes.DTD_ID_REDEFINED,)


def _xml_safe_record(article: Article) -> Article:
    """Every text field without the characters XML cannot carry (the page was cleaned before parsing; the
    caller's URL was not)."""
    fields = ("url", "title", "source", "editor", "body", "disclaimer")
    captions = [image.caption or "" for image in article.images]
    probe = "\n".join([*(getattr(article, name) or "" for name in fields), *article.authors, *captions])
    if not XML_INVALID.search(probe) and not any(XML_INVALID.search(i.url) for i in article.images):
        return article  # the common case: one search over the record's text
    for name in fields:
        value = getattr(article, name)
        if value:
            setattr(article, name, xml_safe(value))
    article.authors = [xml_safe(a) for a in article.authors]
    for image in article.images:
        image.url = xml_safe(image.url)
        image.caption = xml_safe(image.caption) if image.caption else image.caption
    return article


class _Extractor:
    def __init__(self, root, url: str | None, reference: datetime | None, closed: bool, text: str, ids_twice):
        self.root = root
        self.page = selectors.Page(root, text, ids_twice)
        self.reference = reference
        self.closed = closed
        self.text = text
        self.text_tail = (text[-256:].rstrip() or text.rstrip())[-1:]  # not a copy of the whole page
        self.draft = _Draft()
        self.disclaimer_head = None
        self._labels: dict[str, list] = {}
        self._body_text: str | None = None
        self.page_url = (url or "").strip() or self._declared_url()
        self.url_parts = url_parts(self.page_url)
        self.url_date = url_day(self.url_parts.date) if self.url_parts and self.url_parts.date else None
        head = child(root, "head")
        base = child(head, "base") if head is not None else None
        href = base.get("href") if base is not None else None
        self.base_url = (join(self.page_url or "", href.strip()) if href else None) or self.page_url
        self.body_root = child(root, "body")

    # -- orchestration ----------------------------------------------------------------------------------

    def run(self, fetched: datetime | None, mirror: bool, mojibake: bool) -> Article:
        d = self.draft
        disclaimer_lines, disclaimer_drop = self._disclaimer()
        if disclaimer_lines:
            d.set("disclaimer", "\n".join(disclaimer_lines), "pattern")
        template = selectors.run(self, disclaimer_drop)
        if template is None:
            template = patterns.run(self, disclaimer_drop)
        self._fill_missing(disclaimer_drop)
        self._refuse_non_articles(template)
        self._dates()
        self._authors()
        return self._record(template, fetched, mirror, mojibake)

    # -- layer 1: known selectors -----------------------------------------------------------------------

    def _fill_missing(self, disclaimer_drop: set) -> None:
        d = self.draft
        if d.page_date is None:  # a meta line outside the template's meta elements
            for el in self.labelled("来源"):
                if el in disclaimer_drop or inside_any(el, disclaimer_drop):
                    continue
                text = element_text(el)
                if is_meta_line(text):
                    found = find_date(text, reference=self.reference, url_date=self.url_date)
                    if found:
                        d.page_date = found
                        d.layers["published_at"] = "pattern"
                        break
        if not d.has("source"):
            for el in self.labelled("来源"):
                if el in disclaimer_drop or inside_any(el, disclaimer_drop):
                    continue
                match = rules.SOURCE.search(element_text(el))
                if match:
                    d.set("source", match["value"], "pattern")
                    break
        if not d.has("editor"):
            for el in self.labelled("编辑"):
                if el in disclaimer_drop or inside_any(el, disclaimer_drop):
                    continue
                editor = editor_in(element_text(el))
                if editor:
                    d.set("editor", editor, "pattern")
                    break
        if not d.has("title"):
            title = generic.title(self)
            if title:
                d.set("title", title, "generic")
                d.warn("generic-title")

    def take_body(self, events: list, layer: str, *, stop_lines: bool) -> None:
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
                    if is_furniture(item):
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
            if last_image is not None and last_image.caption is None and is_caption_line(t):
                last_image.caption = t
                last_image = None
                continue
            last_image = None
            if rules.EDITOR_LINE.match(t):
                editor = editor or editor_in(t)
                if stop_lines and lines:  # outside a known text container the editor line ends the text
                    break
                continue
            match = rules.SOURCE_LINE.match(t)
            if match:
                source = source or match["value"]
                continue
            if is_furniture(line) or (title and t == title and not lines):
                continue
            if is_meta_line(t):
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
        absolute = join(self.base_url or "", src)
        return Image(url=absolute, caption=None) if absolute else None

    # -- disclaimer -------------------------------------------------------------------------------------

    def _disclaimer(self) -> tuple[list[str], set]:
        """(lines of the 版权与免责声明 block, the elements it occupies)."""
        heads = self.labelled(rules.DISCLAIMER_HEADING)
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
            if is_furniture(line) or rules.EDITOR_LINE.match(line.text):
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
        """Reporters: the dateline's group (first or second line: a headline may repeat above it), else a
        labelled 作者 (not a placeholder, not the editor again), else, on Sichuan pages, the closing byline
        ("(川观智库研究员 黄爱林)"); on other sites a closing credit ("(记者张淼淼)") stays body only."""
        body = self.draft.values.get("body")
        if not body:
            return
        lines = body.split("\n")
        names: list[str] = []
        for line in lines[:2]:
            match = rules.DATELINE.match(line)
            if match:
                names = author_names(match["names"])
                break
        if not names:
            names = self._labelled_authors()
        if not names and (self.url_parts is None or self.url_parts.is_sichuan):
            last = lines[-1]
            if rules.END_MARK.search(last):
                stripped = rules.END_MARK.sub("", last).rstrip()
                last = stripped if stripped else (lines[-2] if len(lines) > 1 else "")
            match = rules.BYLINE.search(last)
            names = author_names(match["names"]) if match else []
        if names:
            self.draft.set("authors", names, "pattern")

    def _labelled_authors(self) -> list[str]:
        editor = self.draft.values.get("editor")
        for el in self.labelled("作者"):
            match = rules.AUTHOR_LABEL.search(element_text(el))
            if match:
                names = [n for n in author_names(match["value"]) if n != editor]
                if names:
                    return names
        return []

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
            links = list(self.body_root.iter("a")) if len(body) < 3 * rules.MIN_ARTICLE_CHARS else []
            if len(links) >= rules.LIST_LINK_COUNT:
                # link text per <a>, in C (an XPath like //body//a//text() merges one node-set per link:
                # quadratic, 24 s on 100,000 links); the HTML parser never nests an <a> in another
                link_chars = chars(plain_text(a) for a in links)
                page_chars = chars(_PAGE_TEXT(self.root)) or 1
                if link_chars / page_chars >= rules.LIST_LINK_TEXT_RATIO:
                    raise NotAnArticle("channel list page (many links, little text, no article meta)")
            if len(body) < rules.MIN_ARTICLE_CHARS:
                raise NotAnArticle("too little text and no article meta")
        if not body:  # a headline shell: date, source and editor around nothing but links or a player
            raise NotAnArticle("no article text (only links, a player or nothing)")
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
        elif rules.MOJIBAKE.search("\n".join(d.values.get(f) or "" for f in ("title", "body", "source"))):
            d.warn("mojibake")
        layers = {name: d.layers[name] for name in LAYER_FIELDS if name in d.layers and d.values.get(name)}
        return _xml_safe_record(
            Article(
                url=parts.canonical if parts else canonical(self.page_url),
                article_id=parts.article_id if parts else None,
                channel=parts.channel if parts else None,
                channel_name=channel_name(parts.channel) if parts and parts.is_sichuan else None,
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
                site=parts.site if parts else site_of_url(self.page_url),
            )
        )

    def select(self, selector: selectors.Selector, within=None) -> list:
        """Elements matching a template selector (inside ``within``, itself included)."""
        return self.page.select(selector, within)

    def matches(self, selector: selectors.Selector) -> bool:
        return bool(self.select(selector))

    def labelled(self, label: str) -> list:
        """Elements (outside scripts and styles) whose own text holds ``label``, in document order."""
        cached = self._labels.get(label)
        if cached is not None:
            return cached
        owners: list = []
        self._labels[label] = owners
        if self._body_text is None:  # the text of <body> in one C call: far shorter than the page's markup
            self._body_text = plain_text(self.body_root)
        if label not in self._body_text:  # (a text node holding the label is part of this text)
            return owners
        for owner in text_owners(self.body_root, label):
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
