"""Layer 2: markup-independent text patterns (the 2024 meta line, 来源, 编辑, the title above it)."""

from __future__ import annotations

from .. import rules
from ..dates import find_date
from ..fields import editor_in, has_meta_in_text, is_meta_line, meta_index, plain_text, title_before
from ..text import element_text, walk
from . import generic


def run(x, disclaimer_drop: set) -> str:
    d = x.draft
    region = article_region(x)
    events = walk(region, disclaimer_drop)
    meta_at = meta_index(events)
    if meta_at is None and region is not x.body_root:
        events = walk(x.body_root, disclaimer_drop)
        meta_at = meta_index(events)
    if meta_at is None:
        template = "sc-2024" if d.has("disclaimer") else "generic"
        generic.body(x, events, disclaimer_drop)
        return template
    meta = events[meta_at][1].text
    found = find_date(meta, reference=x.reference, url_date=x.url_date)
    if found:
        d.page_date = found
        d.layers["published_at"] = "pattern"
    match = rules.SOURCE.search(meta)
    if match:
        d.set("source", match["value"], "pattern")
    editor = editor_in(meta)
    if editor:
        d.set("editor", editor, "pattern")
    title = title_before(events, meta_at)
    if title:
        d.set("title", title, "pattern")
    x.take_body(events[meta_at + 1 :], "pattern", stop_lines=True)
    if not d.has("body"):
        generic.body(x, events, disclaimer_drop)
    return "sc-2024"


def article_region(x):
    """The element holding the meta line and the article (the whole <body> when unsure).

    Walking only this element keeps menus and footers out of the hot loop: the nearest ancestor of the
    disclaimer heading whose text holds a meta line, else the first ancestor of the meta line holding
    clearly more text than the meta line itx.
    """
    if x.disclaimer_head is not None:
        for el in x.disclaimer_head.iterancestors():
            if el is x.body_root or has_meta_in_text(plain_text(el)):
                return el
        return x.body_root
    meta = None
    for label in ("来源", "编辑"):
        for el in x.labelled(label):
            if is_meta_line(element_text(el)):
                meta = el
                break
        if meta is not None:
            break
    if meta is None:
        return x.body_root
    own = len(plain_text(meta))
    for el in meta.iterancestors():
        if el is x.body_root or len(plain_text(el)) >= own + 2 * rules.MIN_ARTICLE_CHARS:
            return el
    return x.body_root
