"""The Article record: the project's public contract.

Its JSON form (``Article.to_dict()``) is what ``scnews parse`` prints, what the database stores and what
exports and searches return; every layer uses these field names.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Image:
    url: str
    caption: str | None = None


@dataclass
class Article:
    url: str
    article_id: str | None
    channel: str | None
    channel_name: str | None
    title: str
    published_at: str | None
    source: str | None = None
    editor: str | None = None
    authors: list[str] = field(default_factory=list)
    body: str = ""
    disclaimer: str | None = None
    images: list[Image] = field(default_factory=list)
    template: str = "generic"
    mirror: bool = False
    warnings: list[str] = field(default_factory=list)
    # Which parser layer produced each field: "selector", "pattern", "generic" or "url".
    field_layers: dict[str, str] = field(default_factory=dict)
    fetched_at: str | None = None
    # Which Chinanews site the page is from: "sc.chinanews.com.cn" (the only one crawled and stored), or
    # another one's ("chinanews.com.cn" for the main site, "wap.chinanews.com.cn", "sh.chinanews.com.cn").
    site: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["images"] = [
            img if isinstance(img, Image) else Image(**img) for img in values.get("images") or []
        ]
        return cls(**values)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
