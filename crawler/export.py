"""Writing records as JSON, NDJSON or CSV, streaming (one record in memory at a time).

CSV cells hold lists and objects (authors, images, warnings, field_layers) JSON-encoded, so a spreadsheet
keeps them in one cell and a script can decode them; the csv module quotes any cell holding a comma, a quote
or a line break. JSON (``json_text``) is UTF-8 with every control character escaped, and also U+2028, U+2029
and U+0085, which JSON allows raw but which split lines in JavaScript and in line readers such as Python's
``str.splitlines()``: one NDJSON record stays one line whatever the article holds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from crawler.record import RECORD_FIELDS

FORMATS = ("json", "ndjson", "csv")
# Columns of an export: the Article record, then what the store adds.
EXPORT_COLUMNS: tuple[str, ...] = RECORD_FIELDS + (
    "first_seen",
    "last_seen",
    "content_hash",
    "duplicate_of",
    "similarity",
)


_LINE_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON text for output (UTF-8 kept readable, line separators escaped)."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_LINE_SEPARATORS)


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_records(
    records: Iterable[dict[str, Any]], fmt: str, out: TextIO, *, columns: Sequence[str] | None = None
) -> int:
    """Write ``records`` to ``out`` in ``fmt``; returns how many were written."""
    count = 0
    if fmt == "ndjson":
        for record in records:
            out.write(json_text(_public(record)) + "\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for record in records:
            out.write(("," if count else "") + "\n  " + json_text(_public(record)))
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt == "csv":
        writer: csv.DictWriter[str] | None = None
        quoted: csv.DictWriter[str] | None = None
        for record in records:
            record = _public(record)
            if writer is None or quoted is None:
                names = list(columns) if columns else list(record)
                names += [k for k in record if k not in names]
                writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore", lineterminator="\n")
                # the csv module quotes a cell for the characters of its line terminator only: a row with a
                # carriage return in a cell is written fully quoted, or readers would split it there
                quoted = csv.DictWriter(
                    out, fieldnames=names, extrasaction="ignore", lineterminator="\n", quoting=csv.QUOTE_ALL
                )
                writer.writeheader()
            cells = {k: _cell(v) for k, v in record.items()}
            has_cr = any(isinstance(v, str) and "\r" in v for v in cells.values())
            (quoted if has_cr else writer).writerow(cells)
            count += 1
        if writer is None and columns:
            csv.writer(out, lineterminator="\n").writerow(columns)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return count
