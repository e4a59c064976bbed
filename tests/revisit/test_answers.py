"""What a revisit's answer means: withdrawn, the same article elsewhere, or only a failed fetch."""

import pytest

from crawler.revisit import Withdrawn, classify_status, not_an_article

URL = "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html"


@pytest.mark.parametrize(
    ("status", "location", "expected"),
    [
        (200, None, None),
        (404, None, Withdrawn("HTTP 404", 404)),
        (410, None, Withdrawn("HTTP 410", 410)),
        (302, "https://www.sc.chinanews.com.cn/cjbd/index.shtml", Withdrawn(
            "redirect to https://www.sc.chinanews.com.cn/cjbd/index.shtml", 302)),
        (301, "https://www.sc.chinanews.com.cn/", Withdrawn(
            "redirect to https://www.sc.chinanews.com.cn/", 301)),
        (301, None, Withdrawn("HTTP 301 without a Location", 301)),
        # the same article under another form (http, the .com host, .shtml): follow it
        (301, "http://www.sc.chinanews.com/cjbd/2024-04-11/207510.shtml",
         "http://www.sc.chinanews.com/cjbd/2024-04-11/207510.shtml"),
        # another article is not this one
        (302, "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207511.html", Withdrawn(
            "redirect to https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207511.html", 302)),
    ],
)  # fmt: skip
def test_status_and_location(status, location, expected):
    assert classify_status(status, URL, location) == expected


def test_a_refused_page_is_withdrawn_but_a_broken_answer_only_failed():
    assert not_an_article("error page") == Withdrawn("no longer an article: error page", 200)
    assert not_an_article("channel list page (many links, little text, no article meta)") is not None
    assert not_an_article("empty document") is None
    assert not_an_article("truncated document (no closing </body> or </html>)") is None
    assert not_an_article("not an HTML document") is None
