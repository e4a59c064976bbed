"""Article parsers: pure functions of (html, url, fetched_at), free of Scrapy.

``parse_article(body, url=None, *, fetched_at=None, encoding=None) -> Article`` raises ``NotAnArticle`` for a
page that is not an article (a channel list, an error page, an empty or truncated document).
"""

from .article import parse_article
from .errors import NotAnArticle

__all__ = ["NotAnArticle", "parse_article"]
