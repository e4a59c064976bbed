"""The spider's URL mapping: requests go to SCNEWS_BASE_URL, recorded URLs stay the site's."""

import pytest
from scrapy.utils.test import get_crawler

from crawler.spiders.sc_chinanews import ScChinanewsSpider

SITE = "https://www.sc.chinanews.com.cn"


def _spider(base=None, **kwargs):
    settings = {"SCNEWS_BASE_URL": base} if base else {}
    crawler = get_crawler(ScChinanewsSpider, settings)
    return ScChinanewsSpider.from_crawler(crawler, **kwargs)


def test_replica_base_maps_both_ways():
    spider = _spider("http://127.0.0.1:8123")
    assert spider.fetch_target(f"{SITE}/cjbd/index.shtml") == ("http://127.0.0.1:8123/cjbd/index.shtml", {})
    url, meta = spider.fetch_target("http://www.sc.chinanews.com/lyxw/2019-08-12/121876.shtml")
    assert url == "http://127.0.0.1:8123/lyxw/2019-08-12/121876.shtml"
    assert meta == {"scnews_host": "www.sc.chinanews.com"}
    assert spider.site_url("http://127.0.0.1:8123/cjbd/2024-04-11/207510.html") == (
        f"{SITE}/cjbd/2024-04-11/207510.html"
    )
    assert spider.on_site("http://127.0.0.1:8123/x") and spider.on_site("http://sc.chinanews.com/x")
    assert not spider.on_site("https://www.chinanews.com.cn/gn/2024/04-11/1.shtml")


def test_live_base_rewrites_other_host_forms_without_a_host_header():
    spider = _spider()
    assert spider.fetch_target("http://www.sc.chinanews.com/lyxw/2019-08-12/121876.shtml") == (
        f"{SITE}/lyxw/2019-08-12/121876.shtml",
        {},
    )
    assert spider.site_url(f"{SITE}/cjbd/index.shtml") == f"{SITE}/cjbd/index.shtml"


def test_request_records_the_canonical_article_url():
    spider = _spider("http://127.0.0.1:8123")
    url = "http://sc.chinanews.com/cjbd/2024-04-11/207510_2.html?x=1"
    request = spider.request(url, spider.parse_article)
    assert request.cb_kwargs == {"site_url": f"{SITE}/cjbd/2024-04-11/207510.html"}
    assert request.errback == spider.on_error


def test_window_and_arguments_are_validated_at_start(capsys):
    spider = _spider(channels="cjbd", since="2024-04-01", until="2024-04-05")
    assert spider.channels == ["cjbd"]
    assert spider.in_window("2024-04-01") and spider.in_window("2024-04-05")
    assert not spider.in_window("2024-03-31") and not spider.in_window("2024-04-06")
    for bad, message in (
        ({"since": "last week"}, "--since: not a valid date"),
        ({"since": "2024-04-05", "until": "2024-04-01"}, "--until is before --since"),
    ):
        with pytest.raises(SystemExit) as stop:
            _spider(**bad)
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith(f"sc_chinanews: {message}") and err.count("\n") == 1, err
