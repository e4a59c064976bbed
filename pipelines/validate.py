"""Validate: refuse a record that is not a usable article, and write why to ``failures``.

A record needs a URL, an article id (the site-wide number from the URL: without it the article cannot be
deduplicated or updated, so a page fetched from a URL without one is refused), a title, a publish time
(ISO 8601 with offset) and a body of real length: at least ``SCNEWS_MIN_BODY_CHARS`` (default 40)
non-space characters. Short-form pages need only ``SCNEWS_MIN_SHORT_BODY_CHARS`` (default 5): video pages
(template ``cns-video`` or channel ``spxw``), picture news (channel ``tpxw``) and pages whose body carries
images, since a video or a photo with a one-line description is a complete item there. The shortest real
text briefs on the site run to about a hundred characters; 40 leaves room for a two-sentence notice while
refusing a page whose body extraction failed (a breadcrumb, a share widget, an empty container).
"""

from __future__ import annotations

from datetime import datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.record import Article
from pipelines.items import as_article
from pipelines.session import SessionPipeline

SHORT_FORM_TEMPLATES = frozenset({"cns-video"})
SHORT_FORM_CHANNELS = frozenset({"spxw", "tpxw"})


def body_chars(text: str | None) -> int:
    """Characters that are not whitespace (U+3000 and nbsp count as whitespace)."""
    return sum(map(len, (text or "").split()))


def is_short_form(article: Article) -> bool:
    return (
        article.template in SHORT_FORM_TEMPLATES
        or (article.channel or "") in SHORT_FORM_CHANNELS
        or bool(article.images)
    )


def problem(article: Article, min_body: int = 40, min_short_body: int = 5) -> str | None:
    """Why the record is refused, or None when it is a usable article."""
    if not (article.url or "").strip():
        return "no url"
    if not (article.article_id or "").strip():
        return "no article id (not an article URL)"
    if not (article.title or "").strip():
        return "no title"
    if not article.published_at:
        return "no publish time"
    try:
        published = datetime.fromisoformat(article.published_at)
    except (TypeError, ValueError):
        return f"bad publish time {article.published_at!r}"
    if published.tzinfo is None:
        return f"publish time without offset {article.published_at!r}"
    needed = min_short_body if is_short_form(article) else min_body
    found = body_chars(article.body)
    if found < needed:
        return f"body too short ({found} characters, {needed} needed)"
    return None


class ValidatePipeline(SessionPipeline):
    stage = "validate"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.min_body = crawler.settings.getint("SCNEWS_MIN_BODY_CHARS", 40)
        self.min_short_body = crawler.settings.getint("SCNEWS_MIN_SHORT_BODY_CHARS", 5)

    def handle(self, item):
        article = as_article(item)
        if article is None:
            return item
        reason = problem(article, self.min_body, self.min_short_body)
        if reason:
            self.session.record_failure(article.url or "(no url)", "validate", reason)
            raise DropItem(f"{reason}: {article.url or '(no url)'}")
        return article
