"""Layer 1: the known selectors of each template generation (rules.TEMPLATES), first match owns the page.

Selectors are CSS, compiled once at import to XPath by parsel's cssselect translator, and only that XPath
decides what matches. What this module saves is evaluations over the whole page (libxml2 tests every
element against a selector's attribute predicates: 50-150 us a selector on a real page): a selector whose
class or id names do not occur in the page cannot match and is not evaluated; one led by an id is evaluated
from the element of libxml2's id index, one led by a class from the elements holding that class (``Page``);
and each is evaluated at most once per page and container (a template's detect selector is often its meta
selector too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from parsel.csstranslator import HTMLTranslator, css2xpath

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
    anchor_class: str | None = None  # else the first class its first compound requires
    self_xpath: etree.XPath | None = None  # one compound only: whether an element itself matches


_FIRST_COMPOUND = re.compile(r"^[\w-]*(?:[.#][\w-]+)+$")
_ID = re.compile(r"#([\w-]+)")
_CLASS = re.compile(r"\.([\w-]+)")
_TRANSLATOR = HTMLTranslator()


def compile_selector(css: str) -> Selector:
    css = css.strip()
    first = css.split(None, 1)[0]
    compound = first if _FIRST_COMPOUND.match(first) else ""
    anchor_id = _ID.search(compound)
    anchor_class = None if anchor_id else _CLASS.search(compound)
    single = compound == css
    return Selector(
        css,
        etree.XPath(css2xpath(css)),
        tuple(_NAMES.findall(css)),
        anchor_id[1] if anchor_id else None,
        anchor_class[1] if anchor_class else None,
        etree.XPath(_TRANSLATOR.css_to_xpath(css, prefix="self::")) if single else None,
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

    @property
    def selectors(self) -> tuple[Selector, ...]:
        return (
            self.detect, *self.title, *self.meta, self.body, *self.source, *self.date, *self.editor,
            *self.drop, *self.captions,
        )  # fmt: skip


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


# From this many characters of markup, a selector led by an id or a class goes to the id index or reads the
# page's class attributes at once, without searching its names in the markup first: the searches cost per
# character, the index nothing and the reading per element, and a long page can hold a short tree (one
# nested deeper than libxml2 reads, 256 levels). On a shorter page the searches are the cheapest test.
LONG_PAGE = 16_384
_CLASSES = etree.XPath("//@class")  # every class attribute (each value knows its element: getparent())


class Page:
    """The selectors' view of one page: the name checks, libxml2's id index, the elements holding the
    classes a template's selectors start from, and what each selector gave (evaluated once per container).

    A selector's first compound (``div.left_zw``, ``#cont_1_1_2``) must match an element that holds its
    first class or its id, and every match of the selector lies inside such an element. So a selector led by
    an id starts from the element of libxml2's id index (unless the page gives that id twice: libxml2
    indexes <a name> too, and reports each id given again), and one led
    by a class from the elements whose class attribute holds that name (all class attributes are read once
    per page, by one XPath, ~3x cheaper than one selector's XPath over the page: libxml2 pays per element
    for an attribute test); from there the selector's own XPath (descendant-or-self, or self:: for a single
    compound) gives what it gives from the root, in document order."""

    def __init__(self, root, text: str, ids_twice: frozenset[str] | None):
        self.root = root
        self.text = text
        self.ids_twice = ids_twice  # None: the ids were not indexed, or the index cannot be trusted
        self.short = len(text) < LONG_PAGE
        self._present: dict[str, bool] = {}
        self._selected: dict[tuple, list] = {}
        self._with_class: dict[str, list] = {}
        self._classes: list | None = None

    def present(self, name: str) -> bool:
        """Whether ``name`` occurs in the page's text (searched once per page)."""
        found = self._present.get(name)
        if found is None:
            found = self._present[name] = name in self.text
        return found

    def _holders(self, name: str) -> list:
        """The elements whose class attribute holds ``name`` (as a substring), in document order; the class
        attributes are read once per page, by one XPath."""
        found = self._with_class.get(name)
        if found is None:
            if self._classes is None:
                self._classes = _CLASSES(self.root)
            found = self._with_class[name] = [value.getparent() for value in self._classes if name in value]
        return found

    def select(self, selector: Selector, within=None) -> list:
        """Elements matching ``selector`` (inside ``within``, itself included), in document order."""
        key = (selector.css, within)
        found = self._selected.get(key)
        if found is None:
            found = self._selected[key] = self._select(selector, within)
        return found

    def _select(self, selector: Selector, within) -> list:
        anchored = selector.anchor_id is not None or selector.anchor_class is not None
        if not anchored or self.short:  # on a short page the names are searched first: the cheapest test
            for name in selector.keys:
                if not self.present(name):
                    return []
        anchor_id = selector.anchor_id
        if anchor_id is not None and self.ids_twice is not None and anchor_id not in self.ids_twice:
            anchors = _BY_ID(self.root, name=anchor_id)
            if not anchors or (within is not None and not contains(anchors[0], within)):
                return []
            return selector.xpath(anchors[0])
        if selector.anchor_class is None:
            return selector.xpath(self.root if within is None else within)
        holders = self._holders(selector.anchor_class)
        if within is not None:
            holders = [el for el in holders if contains(el, within)]
        if selector.self_xpath is not None:
            return [el for el in holders if selector.self_xpath(el)]
        found: list = []
        last = None
        for el in holders:  # in document order: one nested in the last evaluated is already covered
            if last is not None and contains(el, last):
                continue
            found.extend(selector.xpath(el))
            last = el
        return found


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
