"""What crawlers hand to the writer through the ``items`` list: one JSON object per event.

``{"type": "article", "article": {...the record...}}``, ``{"type": "failure", "url", "stage", "reason",
"http_status"}``, ``{"type": "clear", "url"}`` (a retried failure succeeded), and the run's boundaries:
``{"type": "run-start", "run", "started_at", "params", "seeder"}``, ``{"type": "crawler-done", "run",
"crawler", "counts"}`` and ``{"type": "run-end", "run"}`` (the last two written by ``node.py``'s scripts).
"""

from __future__ import annotations

import json
from typing import Any

from crawler.record import Article


def encode(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False, default=str).encode("utf-8")


def article_event(article: Article) -> bytes:
    return encode({"type": "article", "article": article.to_dict()})


def decode(data: bytes) -> dict[str, Any]:
    """The event; ``{"type": "bad", "reason": ...}`` for bytes that are not one (recorded by the writer)."""
    try:
        event = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {"type": "bad", "reason": f"not JSON: {exc}"}
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return {"type": "bad", "reason": "not an event object"}
    return event
