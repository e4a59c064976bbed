"""Layer 1: the known selectors of each template generation (rules.TEMPLATES), first match owns the page.

Selectors are CSS, compiled once at import to XPath by parsel's cssselect translator. A selector whose class
or id names do not occur in the page's text cannot match and is not evaluated (pages of other generations pay
no more than one substring search per name), and a selector is evaluated at most once per page and container
(the extractor keeps what it gave: a template's detect selector is often its meta selector too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from parsel.csstranslator import css2xpath

from .. import rules
from ..dates import find_date
from ..fields import editor_from, first_text, source_from
from ..fields import within as contains
from ..text import element_text, walk

_NAMES = re.compile(r"[.#]([\w-]+)")


@dataclass(frozen=True)
class Selector:
    css: str
    xpath: etree.XPath  # evaluated on the page's root, or on a container for what lies inside it
    keys: tuple[str, ...]  # class and id names it needs: a page without all of them cannot match
    anchor_id: str | None = None  # the id its first compound requires: every match lies in that element


_LEADING_ID = re.compile(r"^[\w-]*(?:\.[\w-]+)*#([\w-]+)(?:\.[\w-]+)*(?:\s|$)")


def compile_selector(css: str) -> Selector:
    css = css.strip()
    leading = _LEADING_ID.match(css)
    return Selector(
        css, etree.XPath(css2xpath(css)), tuple(_NAMES.findall(css)), leading[1] if leading else None
    )


_BY_ID = etree.XPath("id($name)")


@dataclass(frozen=True)
class Compiled:
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


def _compile(t: rules.Template) -> Compiled:
    def many(selectors: tuple[str, ...]) -> tuple[Selector, ...]:
        return tuple(compile_selector(c) for c in selectors)

    return Compiled(
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


TEMPLATES = tuple(_compile(t) for t in rules.TEMPLATES)


def select(root, present, selector: Selector, within=None, ids_twice: frozenset[str] | None = None) -> list:
    """Elements matching ``selector`` in the page (inside ``within``, itself included), in document order;
    ``present(name)`` tells whether a class or id name occurs in the page's text; ``ids_twice``: the ids
    given to more than one element when the page was parsed with its ids indexed (else None)."""
    for key in selector.keys:
        if not present(key):
            return []
    if ids_twice is not None and selector.anchor_id is not None and selector.anchor_id not in ids_twice:
        # the one element holding that id, from libxml2's index: the selector's XPath from there gives
        # what it gives from the root (its first step, descendant-or-self, matches no other element)
        anchors = _BY_ID(root, name=selector.anchor_id)
        if not anchors or (within is not None and not contains(anchors[0], within)):
            return []
        return selector.xpath(anchors[0])
    return selector.xpath(root if within is None else within)


def run(x, disclaimer_drop: set) -> str | None:
    d = x.draft
    for compiled in TEMPLATES:
        if not x.matches(compiled.detect):
            continue
        for selector in compiled.title:
            title = first_text(x.select(selector))
            if title:
                d.set("title", title, "selector")
                break
        meta_text = " ".join(element_text(el) for s in compiled.meta for el in x.select(s))
        date_text = " ".join(element_text(el) for s in compiled.date for el in x.select(s))
        for candidate in (date_text, meta_text):
            found = find_date(candidate, reference=x.reference, url_date=x.url_date)
            if found:
                d.page_date = found
                d.layers["published_at"] = "selector"
                break
        for selector in compiled.source:
            source = source_from(x.select(selector))
            if source:
                d.set("source", source, "selector")
                break
        if not d.has("source") and meta_text:
            match = rules.SOURCE.search(meta_text) or rules.SOURCE_BEFORE_DATE.match(meta_text)
            if match:
                d.set("source", match["value"], "selector")
        for selector in compiled.editor:
            editor = editor_from(x.select(selector))
            if editor:
                d.set("editor", editor, "selector")
                break
        containers = x.select(compiled.body)
        if containers:
            container = containers[0]
            drop = {el for s in compiled.drop for el in x.select(s, container)} | disclaimer_drop
            captions = {el for s in compiled.captions for el in x.select(s, container)}
            x.take_body(walk(container, drop, captions), "selector", stop_lines=False)
        return compiled.template.name
    return None
