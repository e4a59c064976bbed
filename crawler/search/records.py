"""Rows of ``articles`` as records: JSON list columns decoded, ``mirror`` as a boolean."""

from __future__ import annotations

import json
from typing import Any

JSON_COLUMNS = ("authors", "images", "warnings", "field_layers")
LIST_DEFAULTS: dict[str, Any] = {"authors": [], "images": [], "warnings": [], "field_layers": {}}


def decode(row: dict[str, Any]) -> dict[str, Any]:
    record = dict(row)
    for column in JSON_COLUMNS:
        if column not in record:
            continue
        value = record[column]
        if isinstance(value, str):
            try:
                record[column] = json.loads(value)
            except ValueError:
                record[column] = value  # not JSON: keep what was stored rather than lose it
        elif value is None:
            record[column] = LIST_DEFAULTS[column]
    if "mirror" in record and record["mirror"] is not None:
        record["mirror"] = bool(record["mirror"])
    return record
