"""A small CSS engine for the template selectors of rules.py, fast on lxml trees.

libxml2 evaluates a class test (``contains(concat(' ', normalize-space(@class), ' '), ' x ')``) on every
element for every selector; the parser runs a dozen of them per page. Here the page is indexed once by class
and id (one XPath gathering the class and id attributes), and a selector starts from the few elements its
key names.

Why not cssselect compiled to ``etree.XPath`` objects (the standard route)? Measured on the 25 article
fixtures, one core, CPU time (``time.process_time``), lxml 6.1 / libxml2 2.14, the two variants timed in
alternating rounds in one process (November 2026):
  - one compiled cssselect XPath (``div.left_zw``): ~8.5 us per page; all 36 template selectors as XPath:
    ~308 us per page, against ~56 us for this index (built: ~16 us) plus the same 36 selections;
  - end to end, ``parse_article`` with ``_Extractor._select`` answered by the compiled XPath objects (same
    results on every fixture, same free substring pre-check of the class/id names): 353-386 us per article
    against 342-372 us with this engine, i.e. 3-4% slower, in three interleaved runs.
So the engine stays while the parser is being brought towards its speed target; it is ~130 lines, covers only
what rules.TEMPLATES uses, and test_select.py checks it.

Supported: ``tag``, ``.class``, ``#id`` and their compounds (``div.a.b``, ``div#x``), joined by descendant
(space) or child (``>``) combinators. Every selector in rules.TEMPLATES stays within this subset (a test
checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_COMPOUND = re.compile(r"^(?P<tag>[a-zA-Z][a-zA-Z0-9]*|\*)?(?P<rest>(?:[.#][\w-]+)*)$")
_PART = re.compile(r"([.#])([\w-]+)")
_CLASS_AND_ID = etree.XPath("descendant-or-self::*/@class | descendant-or-self::*/@id")


@dataclass(frozen=True)
class Compound:
    tag: str | None
    classes: tuple[str, ...]
    ident: str | None

    def matches(self, el) -> bool:
        if self.tag and el.tag != self.tag:
            return False
        if self.ident and el.get("id") != self.ident:
            return False
        if self.classes:
            have = (el.get("class") or "").split()
            return all(c in have for c in self.classes)
        return True


@dataclass(frozen=True)
class Selector:
    text: str
    steps: tuple[tuple[str, Compound], ...]  # (combinator, compound); the first combinator is " "
    keys: tuple[str, ...]  # class and id names it needs: a page without them in its text cannot match
    class_keys: frozenset[str]
    id_keys: frozenset[str]


def compile_selector(text: str) -> Selector:
    tokens = text.replace(">", " > ").split()
    steps: list[tuple[str, Compound]] = []
    combinator = " "
    for token in tokens:
        if token == ">":
            combinator = ">"
            continue
        match = _COMPOUND.match(token)
        if not match or token in ("", "*"):
            raise ValueError(f"unsupported selector: {text!r}")
        classes = tuple(name for kind, name in _PART.findall(match["rest"]) if kind == ".")
        ids = [name for kind, name in _PART.findall(match["rest"]) if kind == "#"]
        tag = match["tag"] if match["tag"] not in (None, "*") else None
        steps.append((combinator, Compound(tag.lower() if tag else None, classes, ids[0] if ids else None)))
        combinator = " "
    if not steps or steps[0][0] != " ":
        raise ValueError(f"unsupported selector: {text!r}")
    keys = tuple(k for _, c in steps for k in (*c.classes, *((c.ident,) if c.ident else ())))
    class_keys = frozenset(k for _, c in steps for k in c.classes)
    id_keys = frozenset(c.ident for _, c in steps if c.ident)
    return Selector(text, tuple(steps), keys, class_keys, id_keys)


class PageIndex:
    """Elements of one page by class token and by id, built in one pass (only the names in ``wanted``)."""

    def __init__(self, root: etree._Element, wanted: frozenset[str]):
        self.root = root
        by_class: dict[str, list] = {}
        by_id: dict[str, list] = {}
        # The class and id attributes in document order, gathered in C: cheaper than reading both
        # attributes of every element from Python.
        for value in _CLASS_AND_ID(root):
            if value.attrname == "class":
                for token in value.split():
                    if token in wanted:
                        by_class.setdefault(token, []).append(value.getparent())
            elif value in wanted:
                by_id.setdefault(str(value), []).append(value.getparent())
        self.by_class = by_class
        self.by_id = by_id

    def may_match(self, selector: Selector) -> bool:
        """False when the page lacks a class or id the selector names."""
        return selector.class_keys <= self.by_class.keys() and selector.id_keys <= self.by_id.keys()

    def _start(self, compound: Compound) -> list:
        if compound.ident:
            found = self.by_id.get(compound.ident, [])
        elif compound.classes:
            found = self.by_class.get(compound.classes[0], [])
            if len(compound.classes) == 1:  # the index vouches for the class: check the tag only
                tag = compound.tag
                return [el for el in found if el.tag == tag] if tag else list(found)
        else:
            return list(self.root.iter(compound.tag)) if compound.tag else []
        return [el for el in found if compound.matches(el)]

    def select(self, selector: Selector, within=None) -> list:
        """Elements matching ``selector`` (inside ``within``, itself included), first match first."""
        _, first = selector.steps[0]
        current = self._start(first)
        if within is not None:
            current = [el for el in current if el is within or _inside(el, within)]
        for combinator, compound in selector.steps[1:]:
            found: list = []
            seen: set = set()
            for el in current:
                candidates = el.iterchildren(compound.tag) if combinator == ">" else el.iter(compound.tag)
                for candidate in candidates:
                    if candidate is el or candidate in seen or not isinstance(candidate.tag, str):
                        continue
                    if compound.matches(candidate):
                        seen.add(candidate)
                        found.append(candidate)
            current = found
        return current


def _inside(el, ancestor) -> bool:
    for parent in el.iterancestors():
        if parent is ancestor:
            return True
    return False
