"""Store: batched writes, one transaction per ``SCNEWS_BATCH_SIZE`` articles (default 500), flushed at close.

Counts go to the crawl stats as ``scnews/new``, ``scnews/changed``, ``scnews/unchanged``,
``scnews/duplicates`` and ``scnews/dropped`` (plus ``scnews/dropped/<stage>``) once their batch commits.
"""

from __future__ import annotations

from crawler.storage import PendingArticle, article_row
from pipelines.items import as_article
from pipelines.session import SessionPipeline


class StorePipeline(SessionPipeline):
    stage = "store"

    def close_spider(self) -> None:
        self.session.flush()
        super().close_spider()

    def handle(self, item):
        article = as_article(item)
        if article is None or not article.article_id:
            return item
        writer = self.session.writer
        assert writer is not None
        pending = self.session.decisions.pop(article.article_id, None) or PendingArticle(article_row(article))
        if writer.add(pending):
            self.session.flush()
        return article
