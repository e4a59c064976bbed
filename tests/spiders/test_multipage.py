"""A multi-page article (_2, _3 pages) becomes one record: bodies concatenated, images merged in order."""

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.record import Article
from crawler.replica.pages import article_page
from crawler.spiders.sc_chinanews import ScChinanewsSpider

BASE = "http://127.0.0.1:8123"
SITE = "https://www.sc.chinanews.com.cn"
PATH = "/cjbd/2024-04-10/300123.html"


def _page(n: int, image: str | None) -> bytes:
    path = PATH if n == 1 else PATH.replace(".html", f"_{n}.html")
    paragraphs = [f"第{n}页第一段：四川今年一季度经济运行稳中向好，多项指标增速高于全国平均水平。"]
    return article_page(
        path=path, title="多页稿件", date="2024-04-10", paragraphs=paragraphs, page=n, pages=3, image=image
    )


def _response(request: Request, body: bytes) -> HtmlResponse:
    return HtmlResponse(request.url, body=body, encoding="utf-8", request=request)


def test_three_pages_make_one_article(tmp_path):
    crawler = get_crawler(ScChinanewsSpider, {"SCNEWS_BASE_URL": BASE, "SCNEWS_DB": str(tmp_path / "n.db")})
    spider = ScChinanewsSpider.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()

    first = spider.request(f"{SITE}{PATH}", spider.parse_article)
    out = list(spider.parse_article(_response(first, _page(1, "/img/a.jpg")), **first.cb_kwargs))
    (second,) = out
    assert second.url == f"{BASE}/cjbd/2024-04-10/300123_2.html"
    out = list(spider.parse_more(_response(second, _page(2, "/img/b.jpg")), **second.cb_kwargs))
    (third,) = out
    assert third.url == f"{BASE}/cjbd/2024-04-10/300123_3.html"
    (article,) = list(spider.parse_more(_response(third, _page(3, "/img/a.jpg")), **third.cb_kwargs))

    assert isinstance(article, Article)
    assert article.url == f"{SITE}{PATH}" and article.title == "多页稿件"
    assert [line[:3] for line in article.body.splitlines()] == ["第1页", "第2页", "第3页"]
    assert [image.url for image in article.images] == [f"{SITE}/img/a.jpg", f"{SITE}/img/b.jpg"]
    assert crawler.stats.get_value("scnews/articles") == 1
    spider.closed("finished")


def test_a_header_charset_that_is_no_text_codec_loses_no_page(tmp_path):
    crawler = get_crawler(ScChinanewsSpider, {"SCNEWS_BASE_URL": BASE, "SCNEWS_DB": str(tmp_path / "n.db")})
    spider = ScChinanewsSpider.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    first = spider.request(f"{SITE}{PATH}", spider.parse_article)
    headers = {"Content-Type": "text/html; charset=base64"}
    response = HtmlResponse(first.url, body=_page(1, None), headers=headers, request=first)
    (second,) = list(spider.parse_article(response, **first.cb_kwargs))
    assert second.url == f"{BASE}/cjbd/2024-04-10/300123_2.html"
    spider.closed("finished")
