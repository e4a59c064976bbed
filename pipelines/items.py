"""The pipelines work on ``crawler.record.Article``; a dict with the same fields is converted."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from crawler.record import RECORD_FIELDS, Article


def as_article(item: Any) -> Article | None:
    """The item as an Article, or None for an item that is not an article (passed through untouched)."""
    if isinstance(item, Article):
        return item
    if ItemAdapter.is_item(item):
        data = ItemAdapter(item).asdict()
        if "url" in data and "title" in data:
            values = {name: data.get(name) for name in RECORD_FIELDS if name in data}
            values.setdefault("article_id", None)
            values.setdefault("channel", None)
            values.setdefault("channel_name", None)
            values.setdefault("published_at", None)
            for name in ("authors", "images", "warnings"):
                values[name] = values.get(name) or []
            values["field_layers"] = values.get("field_layers") or {}
            return Article.from_dict(values)
    return None


def item_url(item: Any) -> str | None:
    """The item's URL, read without converting it (for recording an item that could not be processed)."""
    if isinstance(item, Article):
        return item.url
    if ItemAdapter.is_item(item):
        value = ItemAdapter(item).get("url")
        return value if isinstance(value, str) else None
    return None
