"""Deduplicate: one article per site-wide id, versions on change, near-copies linked to their original.

- Exact: the id comes from the URL, so the same article under another host, scheme, query, ``.shtml`` or a
  ``_2`` page is the same row. A re-crawl whose title, body, source and editor hash to the stored
  ``content_hash`` is unchanged (only ``last_seen`` moves); a different hash makes a new version.
- Near: MinHash LSH over character shingles (crawler/neardup.py) finds an earlier article with Jaccard
  >= 0.5; the new row gets ``duplicate_of`` (the earliest of the group) and ``similarity``. When the new
  article is the earlier one (an old page crawled late), the later copies are relinked to it.

The decision travels to the store pipeline through the crawl's session; the store re-checks the id inside
its write transaction, so a concurrent crawl of the same article cannot make two rows.
"""

from __future__ import annotations

from crawler.neardup import signature
from crawler.storage import PendingArticle, article_row
from pipelines.items import as_article
from pipelines.session import SessionPipeline


class DedupePipeline(SessionPipeline):
    stage = "dedupe"

    def handle(self, item):
        article = as_article(item)
        if article is None or not article.article_id:
            return item
        writer, index = self.session.writer, self.session.index
        assert writer is not None and index is not None
        row = article_row(article)
        pending = PendingArticle(row)
        if writer.stored_hash(article.article_id) != row["content_hash"]:
            sig = signature(article.body)
            link = index.find(article.article_id, article.published_at, sig)
            index.add_pending(article.article_id, article.published_at, sig, link)
            if sig.comparable:
                pending.minhash = sig.values.astype("<u4").tobytes()
            pending.duplicate_of, pending.similarity = link.duplicate_of, link.similarity
            pending.relinks = link.relinks or []
        self.session.decisions[article.article_id] = pending
        return article
