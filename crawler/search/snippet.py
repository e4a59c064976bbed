"""Highlighted snippets, cut from the original text around the first match of the query's terms."""

from __future__ import annotations

import re

from crawler.search.cjk import normalise

_SPACES = re.compile(r"\s+")


def snippet(
    text: str | None,
    pattern: re.Pattern[str] | None,
    *,
    width: int = 80,
    mark: tuple[str, str] = ("«", "»"),
) -> str:
    """Up to ``width`` characters of ``text`` around the first match, every match wrapped in ``mark``."""
    text = _SPACES.sub(" ", text or "").strip()
    if not text:
        return ""
    # normalise() keeps offsets, so spans found in the normalised text cut the original one.
    matches = list(pattern.finditer(normalise(text))) if pattern else []
    if not matches:
        return text[:width] + ("…" if len(text) > width else "")
    first = matches[0]
    start = max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    out = ["…" if start > 0 else ""]
    pos = start
    for m in matches:
        if m.start() < pos or m.end() > end:
            continue
        out.append(text[pos : m.start()])
        out.append(mark[0] + text[m.start() : m.end()] + mark[1])
        pos = m.end()
    out.append(text[pos:end])
    out.append("…" if end < len(text) else "")
    return "".join(out)
