from pipeline_helpers import article, text

from crawler.urls import parse_article_url

VARIANTS = [
    "http://sc.chinanews.com.cn/cjbd/2024-04-11/207510.html",
    "https://www.sc.chinanews.com/cjbd/2024-04-11/207510.html?from=timeline#top",
    "http://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.shtml",
    "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510_2.html",
]


def test_url_variants_are_one_article(crawl, query):
    body = text("aigc_original")
    # As the parser gives them: the id and channel come from the URL, the URL is not yet canonical.
    items = [article(parse_article_url(url).article_id, body, url=url) for url in VARIANTS]
    run = crawl(items)

    rows = query("SELECT article_id, url, channel FROM articles")
    assert rows == [
        {
            "article_id": "207510",
            "url": "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html",
            "channel": "cjbd",
        }
    ]
    assert (run.stat("new"), run.stat("unchanged"), run.stat("changed")) == (1, 3, 0)
    assert query("SELECT COUNT(*) AS n FROM article_versions") == [{"n": 0}]
    assert query("SELECT COUNT(*) AS n FROM article_minhash") == [{"n": 1}]


def test_an_unchanged_recrawl_only_moves_last_seen(crawl, query):
    body = text("aigc_original")
    crawl([article("207510", body)])
    before = query("SELECT * FROM articles")
    run = crawl([article("207510", "  " + body.replace("\n", " \n\u3000"))])  # whitespace only differs

    after = query("SELECT * FROM articles")
    assert run.stat("unchanged") == 1 and run.stat("new") == 0
    assert {k: v for k, v in after[0].items() if k != "last_seen"} == {
        k: v for k, v in before[0].items() if k != "last_seen"
    }
    assert after[0]["last_seen"] >= before[0]["last_seen"]
    assert query("SELECT COUNT(*) AS n FROM article_versions") == [{"n": 0}]
