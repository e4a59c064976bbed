"""Helpers: drive the real pipelines through a real Scrapy crawler (settings, stats, pipeline manager)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from scrapy.exceptions import DropItem
from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.record import Article

DATA = Path(__file__).parent / "data"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "articles"


def text(name: str) -> str:
    return (DATA / f"{name}.txt").read_text(encoding="utf-8").strip()


def fixture_article(case: str) -> Article:
    return Article.from_dict(json.loads((FIXTURES / case / "expected.json").read_text(encoding="utf-8")))


def article(article_id: str, body: str, **fields) -> Article:
    values = {
        "url": f"https://www.sc.chinanews.com.cn/cjbd/2024-04-11/{article_id}.html",
        "article_id": article_id,
        "channel": "cjbd",
        "channel_name": "财经报道",
        "title": f"标题{article_id}",
        "published_at": "2024-04-11T10:57:00+08:00",
        "source": "四川日报",
        "editor": "曹惠君",
        "body": body,
        **fields,
    }
    return Article(**values)


class Crawl:
    """One crawl's worth of pipelines over a database file; ``run`` pushes items like the engine does."""

    def __init__(self, db_path: Path, **settings):
        self.crawler = get_crawler(
            settings_dict={
                "ITEM_PIPELINES": project_settings.ITEM_PIPELINES,
                "SCNEWS_DB": str(db_path),
                **settings,
            }
        )
        self.manager = ItemPipelineManager.from_crawler(self.crawler)
        self.dropped: list[str] = []
        self.passed: list[object] = []

    async def _run(self, items) -> None:
        await self.manager.open_spider_async()
        try:
            for item in items:
                try:
                    self.passed.append(await self.manager.process_item_async(item))
                except DropItem as exc:
                    self.dropped.append(str(exc))
        finally:
            await self.manager.close_spider_async()

    def run(self, items) -> Crawl:
        asyncio.run(self._run(items))
        return self

    def stat(self, name: str) -> int:
        return self.crawler.stats.get_value(f"scnews/{name}", 0)
