"""Text from the database made safe for a terminal.

Stored text comes from pages anyone can write, and from any tool that writes the database. A terminal obeys
control characters: ESC and CSI (U+009B) start sequences that recolour, move the cursor, retitle the window
or worse, a carriage return overwrites the line, and bidirectional overrides reorder what is shown. The text
formats of the reading commands print such characters as visible escapes (``\\x1b``, ``\\u202e``); line
fields (titles, sources, URLs) also show a line break as one space. JSON and CSV need other escaping:
``crawler/export.py``.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\t\u2028\u2029]")
_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def block(text: object) -> str:
    """Several lines (a body, a disclaimer): line breaks and tabs kept, other controls shown escaped."""
    return _UNSAFE.sub(_visible, _BREAKS.sub("\n", "" if text is None else str(text)))


def line(text: object) -> str:
    """One line (a title, a source, a URL): a line break or tab is one space, other controls escaped."""
    return _UNSAFE.sub(_visible, _LINE_BREAKS.sub(" ", "" if text is None else str(text)))


def marked(text: str, mark: tuple[str, str]) -> str:
    """``line()`` of a snippet whose matches are wrapped in ``mark`` (possibly ANSI colours: kept)."""
    start, end = mark
    pieces = re.split(f"({re.escape(start)}|{re.escape(end)})", text)
    return "".join(p if p in (start, end) else line(p) for p in pieces)
