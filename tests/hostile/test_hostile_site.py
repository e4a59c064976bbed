"""One crawl of a hostile copy of the site: every trap is a recorded failure, nothing leaves the site's hosts,
and memory stays bounded.

The site (127.0.0.1) lists, in channel ``cjbd``: a good article; an article and the list's page 2 that
redirect to another host (``localhost``, a second server that serves a real article there); a redirect loop
A -> B -> A; a redirect chain longer than ``REDIRECT_MAX_TIMES``; a redirect to ``ftp://``; a page that
stalls after its first byte; one that sends a byte every 0.2 s forever; 50 MB bodies declared and chunked;
gzip, deflate, brotli and zstd bombs (256 MiB of zeros each, a few hundred KB on the wire); a page robots.txt
forbids; and 10,000 more links: articles on the other host and ``mailto:``, ``javascript:``, ``ftp:``,
``file:`` and ``data:`` links.
"""

from __future__ import annotations

import pytest
from hostile_helpers import article_ids, failures, run_crawl
from hostile_site import HostileServer, big, bomb, drip, encoded, page, redirect, stall

from crawler.replica.pages import ListEntry, article_page, list_page, synthetic_paragraphs

DAY = "2024-04-10"
SITE = "https://www.sc.chinanews.com.cn"
BOMB_SIZE = 256 << 20  # 32 times DOWNLOAD_MAXSIZE (8 MiB)


def path(article_id: int, channel: str = "cjbd") -> str:
    return f"/{channel}/{DAY}/{article_id}.html"


def article(article_id: int, title: str) -> bytes:
    return article_page(
        path=path(article_id), title=title, date=DAY, paragraphs=synthetic_paragraphs(article_id)
    )


TRAPS = {
    910001: "好稿件",
    910002: "跳到别的网站的稿件",
    910003: "循环跳转甲",
    910005: "卡住的稿件",
    910006: "五十兆的稿件",
    910007: "分块传输五十兆的稿件",
    910008: "gzip炸弹",
    910009: "deflate炸弹",
    910010: "brotli炸弹",
    910011: "跳到ftp的稿件",
    910012: "跳转太多次的稿件",
    910013: "zstd炸弹",
    910014: "一点一点传的稿件",
}


def junk_links(other: str) -> str:
    """10,000 links the crawl must not follow: articles on another host and links that are not HTTP."""
    schemes = [
        "mailto:desk@example.org",
        "javascript:void(0)",
        "ftp://127.0.0.1/x.html",
        "file:///etc/passwd",
        "data:text/html,<p>x</p>",
        "tel:10086",
        "ws://127.0.0.1/",
        "about:blank",
    ]
    links = [f'<li>[{DAY}]<a href="{other}{path(930000 + n)}">别的网站{n}</a></li>' for n in range(5000)]
    links += [f'<li>[{DAY}]<a href="{schemes[n % len(schemes)]}">链接{n}</a></li>' for n in range(5000)]
    return "\n".join(links)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with HostileServer({}, name="localhost") as other, HostileServer({}) as site:
        other.routes.update(
            {
                "/robots.txt": page(b"User-agent: *\nAllow: /\n", "text/plain"),
                path(910002): page(article(910002, "别的网站的稿件，不是四川新闻")),
                "/cjbd/index_2.shtml": page(
                    list_page("cjbd", [ListEntry(path(920001), "别的网站", DAY)], 1, 1)
                ),
                path(920001): page(article(920001, "别的网站列表里的稿件")),
            }
        )
        entries = [ListEntry(path(n), title, DAY) for n, title in TRAPS.items()]
        entries.append(ListEntry(f"/private/{DAY}/910020.html", "robots.txt禁止的稿件", DAY))
        listing = list_page("cjbd", entries, 1, 2).replace(
            b"</ul>", junk_links(other.url).encode() + b"\n</ul>", 1
        )
        hops = {f"/hop/{n}": redirect(f"/hop/{n + 1}") for n in range(10)}
        site.routes.update(
            {
                "/robots.txt": page(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
                "/cjbd/index.shtml": page(listing),
                "/cjbd/index_2.shtml": redirect(f"{other.url}/cjbd/index_2.shtml"),
                path(910001): page(article(910001, TRAPS[910001])),
                path(910002): redirect(f"{other.url}{path(910002)}"),
                path(910003): redirect(path(910004), 301),
                path(910004): redirect(path(910003)),
                path(910005): stall,
                path(910006): big(50 * 1024 * 1024, chunked=False),
                path(910007): big(50 * 1024 * 1024, chunked=True),
                path(910008): encoded(bomb("gzip", BOMB_SIZE), "gzip"),
                path(910009): encoded(bomb("deflate", BOMB_SIZE), "deflate"),
                path(910010): encoded(bomb("br", BOMB_SIZE), "br"),
                path(910013): encoded(bomb("zstd", BOMB_SIZE), "zstd"),
                path(910014): drip,
                path(910011): redirect("ftp://127.0.0.1/cjbd/x.html"),
                path(910012): redirect("/hop/0"),
                f"/private/{DAY}/910020.html": page(article(910020, "不该抓到")),
                **hops,
            }
        )
        db = tmp_path_factory.mktemp("hostile") / "news.db"
        result = run_crawl(db, site.url, "--channels", "cjbd", "--since", "2024-04-01")
        yield site, other, db, result


def test_the_crawl_finishes_and_stores_only_the_good_article(hostile):
    site, other, db, result = hostile
    assert result.returncode == 0, result.stderr
    assert article_ids(db) == ["910001"]


def test_no_request_reaches_the_other_host(hostile):
    site, other, db, result = hostile
    assert other.log == []


def test_no_disallowed_page_is_fetched(hostile):
    site, other, db, result = hostile
    assert not [p for p in site.paths() if p.startswith("/private/")]


def test_every_trap_is_a_recorded_failure(hostile):
    site, other, db, result = hostile
    base = site.url
    expected = {
        f"{SITE}/cjbd/index_2.shtml": ("fetch", f"redirected off site to {other.netloc}"),
        f"{SITE}{path(910002)}": ("fetch", f"redirected off site to {other.netloc}"),
        f"{SITE}{path(910003)}": (
            "fetch",
            f"redirect loop: {base}{path(910003)} -> {base}{path(910004)} -> {base}{path(910003)}",
        ),
        f"{SITE}{path(910005)}": ("fetch", "timeout after 1 s"),
        f"{SITE}{path(910014)}": ("fetch", "timeout after 1 s"),
        f"{SITE}{path(910011)}": ("fetch", "HTTP 302"),
        f"{SITE}{path(910012)}": ("fetch", "too many redirects (REDIRECT_MAX_TIMES)"),
        f"{SITE}{path(910006)}": ("fetch", "body larger than the 8388608 B limit (DOWNLOAD_MAXSIZE)"),
        f"{SITE}{path(910007)}": ("fetch", "body larger than the 8388608 B limit (DOWNLOAD_MAXSIZE)"),
        f"{SITE}/private/{DAY}/910020.html": ("fetch", "forbidden by robots.txt"),
    }
    bomb = ("fetch", "body larger than the 8388608 B limit (DOWNLOAD_MAXSIZE) once decompressed")
    expected.update({f"{SITE}{path(n)}": bomb for n in (910008, 910009, 910010, 910013)})
    assert failures(db) == expected


def test_memory_stays_bounded(hostile):
    site, other, db, result = hostile
    # 50 MB bodies and four bombs of 256 MiB each: the crawl keeps at most DOWNLOAD_MAXSIZE of any of them.
    print(f"\nhostile crawl: peak RSS {result.max_rss_mb:.0f} MB")  # docs/reliability.md quotes it (-s)
    assert result.max_rss_mb < 250, result.max_rss_mb


def test_the_junk_links_are_counted_not_followed(hostile):
    site, other, db, result = hostile
    followed = [p for p in site.paths() if not p.startswith(("/cjbd/", "/hop/", "/robots.txt"))]
    assert followed == []
