"""robots.txt holds for every request, including those queued while it downloads (docs/upstream-defects.md).

The site answers ``Disallow: /`` after a delay; a crawl of all 22 channels queues 22 list pages meanwhile.
Scrapy 2.19's RobotsTxtMiddleware let all but one of the waiting requests through unchecked.
"""

from __future__ import annotations

import pytest
from hostile_helpers import failures, run_crawl
from hostile_site import HostileServer, page, send, slow

from crawler.channels import CHANNELS
from crawler.replica.pages import ListEntry, list_page

SITE = "https://www.sc.chinanews.com.cn"


@pytest.fixture(scope="module")
def forbidden_site(tmp_path_factory):
    listing = page(list_page("cjbd", [ListEntry("/cjbd/2024-04-10/910001.html", "稿件", "2024-04-10")], 1, 1))
    routes = {"/robots.txt": slow(0.6, page(b"User-agent: *\nDisallow: /\n", "text/plain"))}
    routes.update({f"/{code}/index.shtml": listing for code in CHANNELS})
    with HostileServer(routes) as site:
        db = tmp_path_factory.mktemp("robots") / "news.db"
        result = run_crawl(db, site.url, "-s", "DOWNLOAD_TIMEOUT=5")
        yield site, db, result


def test_no_page_is_fetched(forbidden_site):
    site, db, result = forbidden_site
    assert site.paths() == ["/robots.txt"]


def test_every_refused_page_is_recorded(forbidden_site):
    site, db, result = forbidden_site
    assert result.returncode == 1  # not one list page could be read
    expected = {f"{SITE}/{code}/index.shtml": ("fetch", "forbidden by robots.txt") for code in CHANNELS}
    assert failures(db) == expected


def _robots_503(h):
    send(h, 503, b"busy", "text/plain")


@pytest.fixture(
    scope="module",
    params=[
        (
            "slower than the timeout",
            slow(2.5, page(b"User-agent: *\nDisallow: /\n", "text/plain")),
            "timeout",
        ),
        ("503", _robots_503, "HTTP 503"),
    ],
    ids=lambda param: param[0],
)
def unreachable_robots(request, tmp_path_factory):
    _name, robots, reason = request.param
    listing = page(list_page("cjbd", [ListEntry("/cjbd/2024-04-10/910001.html", "稿件", "2024-04-10")], 1, 1))
    routes = {"/robots.txt": robots, "/cjbd/index.shtml": listing, "/bwbd/index.shtml": listing}
    with HostileServer(routes) as site:
        db = tmp_path_factory.mktemp("robots") / "news.db"
        result = run_crawl(db, site.url, "--channels", "cjbd,bwbd")
        yield site, db, result, reason


def test_an_unreachable_robots_txt_forbids_the_run(unreachable_robots):
    """RFC 9309: robots.txt answered 5xx, or not at all, means complete disallow (for this run)."""
    site, db, result, reason = unreachable_robots
    assert {p for p in site.paths()} == {"/robots.txt"}
    assert result.returncode == 1
    expected = {
        f"{SITE}/{code}/index.shtml": ("fetch", f"robots.txt unreachable ({reason})")
        for code in ("cjbd", "bwbd")
    }
    assert failures(db) == expected
