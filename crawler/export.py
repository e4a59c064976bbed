"""Writing records as JSON, NDJSON, CSV or an Excel workbook, streaming (one record in memory at a time).

CSV cells hold lists and objects (authors, images, warnings, field_layers) JSON-encoded, so a spreadsheet
keeps them in one cell and a script can decode them.

For Excel: ``excel=True`` makes a CSV Excel opens right by double-click (a UTF-8 byte order mark, else Excel
reads the bytes in the system's code page and shows 鎴愰兘 for 成都; CRLF line ends) and guards against
formula injection: a text cell starting with ``= + - @`` (or a tab or carriage return) gets a leading
apostrophe, so Excel shows it as text instead of running it (OWASP's advice for CSV). ``write_xlsx`` writes
a workbook with openpyxl (write-only mode, streamed): every text cell is typed as text, so nothing in it is
ever a formula and no apostrophe is needed; characters a workbook cannot hold (control characters) are
dropped, and a cell longer than Excel's 32,767 characters is cut with a note saying how much was cut.

JSON (``json_text``) is UTF-8 with every control character escaped, and also U+2028, U+2029 and U+0085,
which JSON allows raw but which split lines in JavaScript and in line readers such as Python's
``str.splitlines()``: one NDJSON record stays one line whatever the article holds. The csv module quotes any
cell holding a comma, a quote or a line break.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO, TextIO

from crawler.record import RECORD_FIELDS

FORMATS = ("json", "ndjson", "csv", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32_767
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


def _excel_cell(value: Any) -> Any:
    value = _cell(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_records(
    records: Iterable[dict[str, Any]],
    fmt: str,
    out: TextIO,
    *,
    columns: Sequence[str] | None = None,
    excel: bool = False,
) -> int:
    """Write ``records`` to ``out`` in ``fmt`` (``excel``: the CSV flavour Excel reads); returns the count."""
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
        end = "\r\n" if excel else "\n"
        cell = _excel_cell if excel else _cell
        if excel:
            out.write("\ufeff")
        writer: csv.DictWriter[str] | None = None
        quoted: csv.DictWriter[str] | None = None
        for record in records:
            record = _public(record)
            if writer is None or quoted is None:
                names = list(columns) if columns else list(record)
                names += [k for k in record if k not in names]
                writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore", lineterminator=end)
                # the csv module quotes a cell for the characters of its line terminator only: a row with a
                # carriage return in a cell is written fully quoted, or readers would split it there
                quoted = csv.DictWriter(
                    out, fieldnames=names, extrasaction="ignore", lineterminator=end, quoting=csv.QUOTE_ALL
                )
                writer.writeheader()
            cells = {k: cell(v) for k, v in record.items()}
            has_cr = any(isinstance(v, str) and "\r" in v for v in cells.values())
            (quoted if has_cr else writer).writerow(cells)
            count += 1
        if writer is None and columns:
            csv.writer(out, lineterminator=end).writerow(columns)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return count


def _xlsx_value(value: Any) -> tuple[Any, int]:
    """The value a workbook cell holds, and how many characters had to be cut from it."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None, 0  # an empty cell, not an empty string
    value = _cell(value)
    if not isinstance(value, str):
        return value, 0
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) <= XLSX_MAX_CELL:
        return value, 0
    cut = len(value) - (XLSX_MAX_CELL - 60)
    return value[: XLSX_MAX_CELL - 60] + f" …[{cut} characters cut: Excel holds 32,767 per cell]", cut


def write_xlsx(
    records: Iterable[dict[str, Any]], out: BinaryIO | str, *, columns: Sequence[str]
) -> tuple[int, int]:
    """Write ``records`` as one sheet ``articles``; returns (records written, cells cut to Excel's limit)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("articles")
    sheet.append(list(columns))
    count = cut_cells = 0
    for record in records:
        row = []
        for name in columns:
            value, cut = _xlsx_value(record.get(name))
            cut_cells += cut > 0
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
            row.append(cell)
        sheet.append(row)
        count += 1
    workbook.save(out)
    return count, cut_cells
