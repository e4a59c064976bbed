"""Normalise: one canonical URL per article and tidy whitespace, so equal content hashes mean equal text."""

from __future__ import annotations

from crawler.record import Article
from crawler.urls import canonical_url, parse_article_url
from pipelines.items import as_article
from pipelines.session import SessionPipeline


def tidy(text: str | None) -> str | None:
    """Whitespace runs (incl. U+3000 and nbsp) collapsed to one space, ends trimmed; None when empty."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def tidy_lines(text: str | None) -> str:
    """The same per line; empty lines dropped."""
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def normalise(article: Article) -> Article:
    parts = parse_article_url(article.url)
    if parts is not None:
        article.url = parts.canonical
        article.article_id = article.article_id or parts.article_id
        article.channel = article.channel or parts.channel
    else:
        article.url = canonical_url(article.url)
    article.title = tidy(article.title) or ""
    for name in ("source", "editor", "channel_name"):
        setattr(article, name, tidy(getattr(article, name)))
    article.body = tidy_lines(article.body)
    if article.disclaimer is not None:
        article.disclaimer = tidy_lines(article.disclaimer) or None
    authors = (tidy(a) for a in article.authors)
    article.authors = list(dict.fromkeys(a for a in authors if a))
    article.warnings = sorted(set(article.warnings))
    for image in article.images:
        image.caption = tidy(image.caption)
    return article


class NormalizePipeline(SessionPipeline):
    stage = "normalize"

    def handle(self, item):
        article = as_article(item)
        return item if article is None else normalise(article)
