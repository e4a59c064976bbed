"""Site URLs: which hosts belong to the site, and the one canonical form of an article URL.

An article lives at ``/{channel}/{YYYY-MM-DD}/{id}.html`` (or ``.shtml``) on either host, http or https;
page 2 and on of a multi-page article add ``_2``, ``_3`` before the extension. The id is one site-wide
counter, so it identifies an article across hosts and channels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

CANONICAL_HOST = "www.sc.chinanews.com.cn"
SITE_HOSTS = frozenset(
    {
        "www.sc.chinanews.com.cn",
        "sc.chinanews.com.cn",
        "www.sc.chinanews.com",
        "sc.chinanews.com",
    }
)

ARTICLE_PATH = re.compile(
    r"^/(?P<channel>(?:[A-Za-z]+/)*[A-Za-z]+)/(?P<date>\d{4}-\d{2}-\d{2})/"
    r"(?P<id>\d+)(?:_(?P<page>\d+))?\.(?P<ext>s?html)$"
)


@dataclass(frozen=True)
class ArticleUrl:
    canonical: str
    article_id: str
    channel: str
    date: str  # YYYY-MM-DD, as the URL gives it
    page: int  # 1 for the first page, 2 for "_2", ...
    ext: str  # "html" or "shtml"


def is_site_host(host: str | None) -> bool:
    return (host or "").lower().rstrip(".") in SITE_HOSTS


def parse_article_url(url: str | None) -> ArticleUrl | None:
    """The parts of an article URL, or None when ``url`` is not one (any host is accepted here)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    match = ARTICLE_PATH.match(parts.path)
    if not match:
        return None
    channel = match["channel"]
    canonical = f"https://{CANONICAL_HOST}/{channel}/{match['date']}/{match['id']}.{match['ext']}"
    return ArticleUrl(
        canonical=canonical,
        article_id=match["id"],
        channel=channel,
        date=match["date"],
        page=int(match["page"] or 1),
        ext=match["ext"],
    )


def canonical_url(url: str) -> str:
    """The canonical form of a site URL: https, the canonical host, no query or fragment, page 1.

    URLs that are not article URLs keep their path, with host and scheme normalised when they are on the site.
    """
    parsed = parse_article_url(url)
    if parsed:
        return parsed.canonical
    parts = urlsplit(url.strip())
    if is_site_host(parts.hostname):
        return f"https://{CANONICAL_HOST}{parts.path or '/'}"
    return url.strip()
