"""Whitespace and paragraph normalisation, and the walk that turns an element into lines of text.

Line rules (the contract): each line stripped of ASCII, full-width (U+3000) and no-break spaces at both ends,
inner whitespace runs collapsed to one ASCII space, empty lines dropped; block elements and <br> end a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from . import rules

# Characters XML 1.0 cannot carry: C0 controls but tab, LF and CR; U+FFFE and U+FFFF; lone surrogates. A page
# holding them would make an Atom feed or any XML output invalid (and lxml refuses a NUL in a str).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot carry (see XML_INVALID)."""
    return XML_INVALID.sub("", text) if XML_INVALID.search(text) else text


def clean(text: str | None) -> str:
    """One line: ends stripped, inner whitespace runs (incl. U+3000 and U+00A0) collapsed to one space."""
    return " ".join(text.split()) if text else ""


def element_text(el: etree._Element) -> str:
    """The text of ``el`` as one cleaned line: its lines joined by a space (scripts and styles left out)."""
    if len(el) == 0:  # no children: the common case of a title or a meta span
        return " ".join(el.text.split()) if el.text and el.tag not in rules.SKIP_TAGS else ""
    return " ".join(item.text for kind, item in walk(el) if kind == "line")


@dataclass(slots=True)
class Line:
    text: str
    link_chars: int  # how many of its characters are link text
    block: etree._Element  # the block element the line ended in

    @property
    def link_ratio(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


_SKIP = rules.SKIP_TAGS
_BLOCK = rules.BLOCK_TAGS
_KIND: dict[str, int] = {}  # class or id -> 0 text, 1 furniture, 2 caption (class names repeat: cache)
_TEXT, _FURNITURE, _CAPTION = 0, 1, 2


def _kind(name: str, caption_ok: bool) -> int:
    kind = _KIND.get(name)
    if kind is None:
        if rules.DROP_CLASS.search(name):
            kind = _FURNITURE
        elif rules.CAPTION_CLASS.search(name):
            kind = _CAPTION
        else:
            kind = _TEXT
        if len(_KIND) > 50_000:
            _KIND.clear()
        _KIND[name] = kind
    return kind if caption_ok or kind != _CAPTION else _TEXT


_NOTHING: frozenset = frozenset()


def walk(root: etree._Element, drop=_NOTHING, captions=_NOTHING, *, after=None) -> list[tuple]:
    """Lines, pictures and captions of ``root``, in document order, in one pass.

    Returns ("line", Line), ("img", element) and ("caption", text) tuples. Elements in ``drop``, or whose
    class or id matches rules.DROP_CLASS, are left out; elements in ``captions``, <figcaption> and elements
    whose class matches rules.CAPTION_CLASS give a caption (and the pictures inside them).
    With ``after`` (a child of ``root`` walked as a block, see ``walked_as_block``): only what follows it,
    its tail and later siblings, as the same events ``walk(root)`` gives after that child's own.
    This is the parser's hot loop: keep it lean (locals, no per-element function calls but the recursion).
    """
    events: list[tuple] = []
    append = events.append
    parts: list[str] = []
    link = 0
    blocks = [root]
    kinds = _KIND

    def flush():  # only called with parts waiting
        nonlocal link
        text = " ".join("".join(parts).split())
        parts.clear()
        if text:
            append(("line", Line(text, link if link < len(text) else len(text), blocks[-1])))
        link = 0

    def visit(el, in_link, children=None):
        nonlocal link
        text = el.text
        if children is not None:  # the walk starts after a child: its tail, then the later siblings
            text = children.tail
            children = children.itersiblings()
        if text and (parts or not text.isspace()):  # leading whitespace of a line is never kept
            parts.append(text)
            if in_link:
                link += len(text.strip())
        for child in el if children is None else children:
            ctag = child.tag
            if ctag.__class__ is str and ctag not in _SKIP:
                if ctag == "br":
                    if parts:
                        flush()
                elif ctag == "img":
                    append(("img", child))
                else:
                    cls = child.get("class")
                    if cls:
                        kind = kinds.get(cls)
                        if kind is None:
                            kind = _kind(cls, True)
                    else:
                        kind = _TEXT
                    if kind == _TEXT:
                        ident = child.get("id")
                        if ident:  # an id says furniture or nothing (a caption is said by class only)
                            id_kind = kinds.get(ident)
                            if id_kind is None:
                                id_kind = _kind(ident, True)
                            if id_kind == _FURNITURE:
                                kind = _FURNITURE
                    if kind == _FURNITURE or (drop and child in drop):
                        pass
                    elif kind == _CAPTION or ctag == "figcaption" or (captions and child in captions):
                        if parts:
                            flush()
                        for img in child.iter("img"):
                            append(("img", img))
                        caption = element_text(child)
                        if caption:
                            append(("caption", caption))
                    elif ctag in _BLOCK:
                        if parts:
                            flush()
                        if len(child):
                            blocks.append(child)
                            visit(child, in_link)
                            if parts:
                                flush()
                            blocks.pop()
                        else:  # a block leaf (<p> with text only): one line, without a call
                            text = child.text
                            if text and not text.isspace():  # (parts is empty here: flushed above)
                                text = " ".join(text.split())
                                append(("line", Line(text, len(text) if in_link else 0, child)))
                    elif len(child):
                        visit(child, in_link or ctag == "a")
                    else:  # an inline leaf (<a>, <span>, <b> with text only): its text, without a call
                        text = child.text
                        if text and (parts or not text.isspace()):
                            parts.append(text)
                            if in_link or ctag == "a":
                                link += len(text.strip())
            tail = child.tail
            if tail and (parts or not tail.isspace()):
                parts.append(tail)
                if in_link:
                    link += len(tail.strip())

    try:
        visit(root, root.tag == "a", after)
    finally:
        # visit calls itself through its closure cell, a reference cycle that only the garbage collector
        # would free (with the events, the lines and the page's whole tree it holds on to, and the
        # collections its allocations trigger): broken here, everything is freed when the walk returns
        visit = None  # type: ignore[assignment]  # (only unbinds the name; nothing calls it after)
    if parts:
        flush()
    return events


def walked_as_block(el: etree._Element) -> bool:
    """Whether ``walk`` of the parent (no ``drop``, no ``captions``) descends into ``el`` as a block of its
    own: its lines are then exactly those of ``walk(el)`` (when the parent is no <a>)."""
    tag = el.tag
    if tag.__class__ is not str or tag not in _BLOCK or tag in _SKIP or tag == "figcaption":
        return False
    cls = el.get("class")
    if cls and _kind(cls, True) != _TEXT:
        return False
    ident = el.get("id")
    return not (ident and _kind(ident, False) != _TEXT)


def lines_of(events: list[tuple]) -> list[Line]:
    return [item for kind, item in events if kind == "line"]
