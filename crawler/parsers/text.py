"""Whitespace and paragraph normalisation, and the walk that turns an element into lines of text.

Line rules (the contract): each line stripped of ASCII, full-width (U+3000) and no-break spaces at both ends,
inner whitespace runs collapsed to one ASCII space, empty lines dropped; block elements and <br> end a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from . import rules


def clean(text: str | None) -> str:
    """One line: ends stripped, inner whitespace runs (incl. U+3000 and U+00A0) collapsed to one space."""
    return " ".join(text.split()) if text else ""


def element_text(el: etree._Element) -> str:
    """The text of ``el`` as one cleaned line: its lines joined by a space (scripts and styles left out)."""
    return " ".join(line.text for line in Walk().run(el).lines)


@dataclass(slots=True)
class Line:
    text: str
    link_chars: int  # how many of its characters are link text
    block: etree._Element  # the block element the line ended in

    @property
    def link_ratio(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass(slots=True)
class Walk:
    """Lines, pictures and captions of one element, in document order.

    ``events`` holds ("line", Line), ("img", element) and ("caption", text) tuples.
    """

    drop: frozenset | set = frozenset()
    captions: frozenset | set = frozenset()
    events: list = field(default_factory=list)
    _parts: list = field(default_factory=list)
    _link_chars: int = 0
    _blocks: list = field(default_factory=list)

    def run(self, root: etree._Element) -> Walk:
        self._blocks.append(root)
        self._element(root, False)
        self._flush()
        return self

    @property
    def lines(self) -> list[Line]:
        return [item for kind, item in self.events if kind == "line"]

    def _add(self, text: str, in_link: bool) -> None:
        self._parts.append(text)
        if in_link:
            self._link_chars += len(text.strip())

    def _flush(self) -> None:
        if self._parts:
            text = clean("".join(self._parts))
            if text:
                self.events.append(("line", Line(text, min(self._link_chars, len(text)), self._blocks[-1])))
            self._parts.clear()
        self._link_chars = 0

    def _element(self, el: etree._Element, in_link: bool) -> None:
        tag = el.tag
        if tag == "br":
            self._flush()
            return
        if tag == "img":
            self.events.append(("img", el))
            return
        if el in self.captions:
            self._flush()
            for img in el.iter("img"):
                self.events.append(("img", img))
            text = element_text(el)
            if text:
                self.events.append(("caption", text))
            return
        block = tag in rules.BLOCK_TAGS
        if block:
            self._flush()
            self._blocks.append(el)
        link = in_link or tag == "a"
        if el.text:
            self._add(el.text, link)
        for child in el:
            ctag = child.tag
            if isinstance(ctag, str) and ctag not in rules.SKIP_TAGS and child not in self.drop:
                self._element(child, link)
            if child.tail:
                self._add(child.tail, link)
        if block:
            self._flush()
            self._blocks.pop()
