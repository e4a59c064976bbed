from lxml import etree

from crawler.parsers.text import clean, element_text, lines_of, walk


def fragment(html: str):
    return etree.fromstring(f"<html><body>{html}</body></html>", etree.HTMLParser()).find("body")


def texts(body, **kwargs) -> list[str]:
    return [line.text for line in lines_of(walk(body, **kwargs))]


def test_clean_strips_and_collapses_all_spaces():
    assert clean("\u3000\u3000近日，\xa0四川  宣布\t\n成立 \u3000") == "近日， 四川 宣布 成立"
    assert clean(None) == "" and clean(" \u3000\xa0") == ""


def test_blocks_and_br_end_lines_and_empty_lines_drop():
    body = fragment("<div>　　第一段<br>　　第二段<br><br></div><p>第<b>三</b>段</p><p>\u3000</p>")
    assert texts(body) == ["第一段", "第二段", "第三段"]


def test_scripts_styles_and_dropped_elements_are_not_text():
    body = fragment("<p>正文<script>var a=1;</script><style>p{}</style></p><div class='x'>甲</div>")
    assert texts(body, drop=set(body.xpath(".//div[@class='x']"))) == ["正文"]


def test_furniture_classes_are_not_text():
    body = fragment(
        "<p>正文</p><div class='bdsharebuttonbox'>分享</div><div id='ad_1'>广告</div>"
        "<ul class='related-news'><li>别的</li></ul><div class='header'>头部</div>"
    )
    assert texts(body) == ["正文", "头部"]


def test_link_text_is_counted():
    (line,) = lines_of(walk(fragment("<p><a href='/a'>相关新闻</a>两字</p>")))
    assert (line.text, line.link_chars) == ("相关新闻两字", 4)


def test_images_and_captions_are_events_in_order():
    body = fragment(
        "<p>甲</p><div class='pic'><img src='a.jpg'><p>图注</p></div><figcaption>乙注</figcaption>"
    )
    events = walk(body, captions=set(body.xpath(".//div[@class='pic']")))
    kinds = [(kind, item.tag if kind == "img" else getattr(item, "text", item)) for kind, item in events]
    assert kinds == [("line", "甲"), ("img", "img"), ("caption", "图注"), ("caption", "乙注")]


def test_element_text_is_one_line():
    assert (
        element_text(fragment("<div>来源：<a>四川日报</a><br>编辑：曹惠君</div>"))
        == "来源：四川日报 编辑：曹惠君"
    )
