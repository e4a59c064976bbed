"""Highlighted snippets, cut from the original text around the first match of the query's terms."""

from __future__ import annotations

import re

from crawler.search.query import Node, highlight_spans

_SPACES = re.compile(r"\s+")
# A snippet is cut from the first match; only this much of a text is looked at (a long article is about
# 10,000 characters), so a 30 MB body costs no more than a long article. A match further on is not shown.
MAX_TEXT_CHARS = 100_000


def snippet(
    text: str | None,
    node: Node | None,
    *,
    width: int = 80,
    mark: tuple[str, str] = ("«", "»"),
) -> str:
    """Up to ``width`` characters of ``text`` around the first match, every match wrapped in ``mark``."""
    text = _SPACES.sub(" ", (text or "")[:MAX_TEXT_CHARS]).strip()
    if not text:
        return ""
    # normalise() keeps offsets, so spans found in the normalised text cut the original one.
    spans = highlight_spans(node, text) if node is not None else []
    if not spans:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, spans[0][0] - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    out = ["…" if start > 0 else ""]
    pos = start
    for m_start, m_end in spans:
        if m_start < pos or m_end > end:
            continue
        out.append(text[pos:m_start])
        out.append(mark[0] + text[m_start:m_end] + mark[1])
        pos = m_end
    out.append(text[pos:end])
    out.append("…" if end < len(text) else "")
    return "".join(out)
