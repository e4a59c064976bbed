"""Site URLs: which hosts belong to the site, and the one canonical form of an article URL.

A Sichuan article lives at ``/{channel}/{YYYY-MM-DD}/{id}.html`` (or ``.shtml``) on either host, http or
https; page 2 and on of a multi-page article add ``_2``, ``_3`` before the extension. The id is one
site-wide counter, so it identifies an article across hosts and channels.

Pages of other Chinanews sites are read too (``scnews parse``; the crawl stays on the Sichuan hosts), in every
URL form the family has used: the provincial subsites' ``/{channel}/{YYYY-MM-DD}/{id}.shtml``, the main site's
``/{channel}[/sub...]/{YYYY}/{MM-DD}/{id}.shtml`` (also under ``/m/``), the early ``[/n|/news/2004year]
/{YYYY-MM-DD}/{column}/{id}.html`` and the wap ``/wap/detail/chs/{channel}/{id}.shtml``. Such a page keeps its
own host (https) in its canonical URL, and ``site`` names the site ("chinanews.com.cn" for the main site,
"wap.chinanews.com.cn", "sh.chinanews.com.cn"; "sc.chinanews.com.cn" for Sichuan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

CANONICAL_HOST = "www.sc.chinanews.com.cn"
SICHUAN_SITE = "sc.chinanews.com.cn"
SITE_HOSTS = frozenset(
    {
        "www.sc.chinanews.com.cn",
        "sc.chinanews.com.cn",
        "www.sc.chinanews.com",
        "sc.chinanews.com",
    }
)
CHINANEWS_DOMAINS = ("chinanews.com", "chinanews.com.cn")

_TAIL = r"(?P<id>\d+)(?:_(?P<page>\d+))?\.(?P<ext>s?html?)$"
# The Sichuan (and provincial subsite) form; on any host, since mirror copies keep the path.
ARTICLE_PATH = re.compile(r"^/(?P<channel>(?:[A-Za-z]+/)*[A-Za-z]+)/(?P<date>\d{4}-\d{2}-\d{2})/" + _TAIL)
# Further forms, recognised on Chinanews hosts only.
OTHER_PATHS = (  # (form, pattern)
    # main site 2004+: /gj/2017/02-23/8158019.shtml, /jk/ysbb/news/2006/11-07/817085.shtml, /m/gj/2015/...
    (
        "main",
        re.compile(
            r"^/(?:m/)?(?P<channel>[A-Za-z]+)(?:/[A-Za-z0-9]+)*?/(?P<year>\d{4})/(?P<md>\d{2}-\d{2})/" + _TAIL
        ),
    ),
    # early main site: /2001-10-31/26/134917.html, /n/2003-01-17/26/264535.html,
    # /news/2004year/2004-05-18/26/437753.shtml (the number before the id is the column)
    ("early", re.compile(r"^(?:/[A-Za-z0-9]+)*?/(?P<date>\d{4}-\d{2}-\d{2})/(?P<channel>\d+)/" + _TAIL)),
    # wap: /wap/detail/chs/zw/8314564.shtml (no date in the URL)
    ("wap", re.compile(r"^/wap/detail/(?:[A-Za-z]+/)?(?P<channel>[A-Za-z]+)/" + _TAIL)),
)


@dataclass(frozen=True)
class ArticleUrl:
    canonical: str
    article_id: str
    channel: str
    date: str | None  # YYYY-MM-DD, as the URL gives it (None: the wap form has no date)
    page: int  # 1 for the first page, 2 for "_2", ...
    ext: str  # "html" or "shtml"
    site: str = SICHUAN_SITE  # which Chinanews site: "sc.chinanews.com.cn", "chinanews.com.cn", ...
    form: str = "sichuan"  # which URL form matched: "sichuan", "main", "early" or "wap"

    @property
    def is_sichuan(self) -> bool:
        return self.site == SICHUAN_SITE


def is_site_host(host: str | None) -> bool:
    return (host or "").lower().rstrip(".") in SITE_HOSTS


def is_chinanews_host(host: str | None) -> bool:
    host = (host or "").lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in CHINANEWS_DOMAINS)


def site_of(host: str | None) -> str:
    """The site a host belongs to: the host without "www.", on the .com.cn domain for Chinanews hosts
    ("www.chinanews.com" -> "chinanews.com.cn", "wap.chinanews.com" -> "wap.chinanews.com.cn")."""
    host = (host or "").lower().rstrip(".")
    if host in SITE_HOSTS:
        return SICHUAN_SITE
    host = host.removeprefix("www.")
    if host == "chinanews.com" or host.endswith(".chinanews.com"):
        host += ".cn"
    return host


def parse_article_url(url: str | None) -> ArticleUrl | None:
    """The parts of an article URL, or None when ``url`` is not one.

    The Sichuan form is accepted on any host (a mirror copy's URL names the Sichuan article); the other
    Chinanews forms only on Chinanews hosts, and a Chinanews host other than Sichuan's keeps its host.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    other_site = is_chinanews_host(host) and not is_site_host(host)
    match = ARTICLE_PATH.match(parts.path)
    date = match["date"] if match else None
    form = "sichuan"
    if match is None and other_site:
        for name, pattern in OTHER_PATHS:
            match = pattern.match(parts.path)
            if match:
                form = name
                groups = match.groupdict()
                date = groups.get("date") or (
                    f"{groups['year']}-{groups['md']}" if groups.get("year") else None
                )
                break
    if match is None:
        return None
    page_suffix = f"_{match['page']}" if match["page"] else ""
    ext = match["ext"]
    if other_site:
        path = parts.path
        if page_suffix:
            path = path[: path.rindex(page_suffix + "." + ext)] + "." + ext
        canonical, site = f"https://{host}{path}", site_of(host)
    else:
        canonical = f"https://{CANONICAL_HOST}/{match['channel']}/{date}/{match['id']}.{ext}"
        site = SICHUAN_SITE
    return ArticleUrl(
        canonical=canonical,
        article_id=match["id"],
        channel=match["channel"].split("/")[0] if other_site else match["channel"],
        date=date,
        page=int(match["page"] or 1),
        ext=ext,
        site=site,
        form=form,
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
