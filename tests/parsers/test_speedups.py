"""The parser's shortcuts give exactly what the plain forms give."""

import random

import pytest
from lxml import etree

from crawler.parsers import rules
from crawler.parsers.fields import has_meta_in_text as _has_meta_in_text
from crawler.parsers.fields import text_owners as _text_owners
from crawler.parsers.text import lines_of, walk, walked_as_block

PIECES = [
    "2024年04月11日", "2024年 4 月 1 日", "2024-4-1", "2024/04/11", "10:57", " 10:57:00", "来源：", "来源",
    "来源 :", "编辑:", "责任编辑：", "  ", "\n", "\u3000", "x" * 45, "x" * 38, "文字", "２０２４年１月２日",
    " " * 50, "2024", "-", "年",
]  # fmt: skip


def test_meta_in_text_shortcut_equals_the_regex():
    rng = random.Random(7)
    positives = 0
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 7)))
        expected = rules.META_IN_TEXT.search(text) is not None
        positives += expected
        assert _has_meta_in_text(text) is expected, text
    assert positives > 1000  # both outcomes are exercised


@pytest.mark.parametrize(
    "text",
    [
        "2024年04月11日 10:57 来源：四川日报",
        "来源：四川日报 2024-04-11",
        "（2024年4月1日     编辑：张三）",
        "文字来源：甲",
    ],
)
def test_meta_in_text_shortcut_on_meta_lines(text):
    assert _has_meta_in_text(text) is (rules.META_IN_TEXT.search(text) is not None)


def test_walk_after_a_child_continues_as_the_whole_walk():
    html = (
        "<html><body><div id='p'>前文<p>甲</p><p class='h'>版权与免责声明</p>尾<b>巴</b>"
        "<p>一<a href='/x'>链</a></p><div class='share'>分享</div><p>二</p></div></body></html>"
    )
    parent = etree.fromstring(html, etree.HTMLParser()).find(".//div")
    block = parent.find("p[@class='h']")
    assert walked_as_block(block)
    whole = [(line.text, line.link_chars, line.block) for line in lines_of(walk(parent))]
    rest = lines_of(walk(block)) + lines_of(walk(parent, after=block))
    assert [(line.text, line.link_chars, line.block) for line in rest] == whole[2:]
    assert [t for t, _, _ in whole[2:]] == ["版权与免责声明", "尾巴", "一链", "二"]


def test_furniture_and_captions_are_not_walked_as_blocks():
    body = etree.fromstring(
        "<html><body><div class='share'>a</div><figcaption>b</figcaption><span>c</span>"
        "<div id='ad'>d</div><div class='pictext'>e</div><p>f</p></body></html>",
        etree.HTMLParser(),
    ).find("body")
    assert [walked_as_block(el) for el in body] == [False, False, False, False, False, True]


TEXT_WITH = etree.XPath("descendant::text()[contains(., $label)]")


@pytest.mark.parametrize(
    "html",
    [
        "<div>a<span>x<b>来源1</b>y</span>来源2<i>来源3</i></div>来源4<p>来源5</p>",
        "<p>来源<a>来源<b>b</b>来源</a>来源</p><script>来源</script>来源",
        "<div><p>无</p></div>",
        "来源<div><div><div>x</div>来源<br>来源</div>来源</div>",
    ],
)
def test_text_owners_equal_the_xpath_in_document_order(html):
    body = etree.fromstring(f"<html><body>{html}</body></html>", etree.HTMLParser()).find("body")
    expected = [
        n.getparent().getparent() if n.is_tail else n.getparent() for n in TEXT_WITH(body, label="来源")
    ]
    assert _text_owners(body, "来源") == expected


# -- template selectors start from libxml2's id index or from the holders of their first class -------------

SELECTOR_PAGES = [
    # one element per id
    "<div id='cont_1_1_2'><h1>甲</h1></div><div class='left_zw'><div id='function_code_page'>页</div>"
    "<span id='source_baidu'>乙</span></div><div id='newbody'>正文</div>",
    # an id given twice: the first empty, the second holding the value
    "<span id='source_baidu'></span><div class='left_zw'><span id='source_baidu'>乙</span></div>"
    "<p id='newbody'>非div</p><div id='newbody'>正文</div>",
    # an id on a tag the selector does not take, and an id with spaces around it
    "<p id='newbody'>甲</p><span id=' pubtime_baidu '>2024-04-11</span><div class='left_zw'>x</div>",
    # classes nested in themselves, one class name inside another, a class on another tag
    "<div class='left_name x'><div class='left_name'><span>甲</span><div class='left_name'>乙</div></div>"
    "</div><div class='left-time'><div class='left-t'><a class='source'>丙</a></div></div>"
    "<div class='left-timer'><div class='left-t'>丁</div></div><p class='left_zw'>非div</p>"
    "<div class=' left_zw  adEditor'><table class='adInContent'><tr><td>广告</td></tr></table>"
    "<div class='adEditor'><div class='left_name'><span>戊</span></div></div></div>",
    # the 2019 and 2013 generations, and class names that only contain the wanted ones
    "<div class='incont_t'><h2>题</h2><p>2024-04-11</p></div><div class='incont_txt'>文</div>"
    "<div class='news_nr'><div class='news_h1'>标</div><div class='new_h1x'>否</div></div>"
    "<div class='new_txtct'><span>来源：甲</span></div><div class='xcontent_title'><h1>否</h1></div>",
    # libxml2 indexes <a name> as an id too: before the element with the id, around it, and alone
    "<a name='source_baidu'>x</a><span id='source_baidu'>乙</span><a name='editor_baidu'>"
    "<span id='editor_baidu'>丙</span></a><a name='pubtime_baidu'>2024-04-11</a>",
    # no such ids or classes at all
    "<div class='other'><p>正文</p></div>",
]


@pytest.mark.parametrize("long", [False, True], ids=["short page", "long page"])
@pytest.mark.parametrize("html", SELECTOR_PAGES)
def test_template_selectors_give_what_their_xpath_gives(html, long):
    from crawler.parsers import article
    from crawler.parsers.layers.selectors import LONG_PAGE, TEMPLATES, Page

    text = f"<html><body>{html}</body></html>"
    root = article._parse(text)
    twice = article._ids_given_twice()
    assert twice is not None
    containers = [None, *root.iter("div", "p")]
    # a long page goes to the id index and the class holders without searching the names in the markup
    page = Page(root, text + " " * LONG_PAGE if long else text, twice)
    assert page.short is not long
    led = set()
    for compiled in TEMPLATES:
        for selector in compiled.selectors:
            led.add((selector.anchor_id is not None, selector.anchor_class is not None))
            for within in containers:
                plain = selector.xpath(root if within is None else within)
                assert page.select(selector, within) == plain, (selector.css, within)
    assert led == {(True, False), (False, True), (False, False)}  # id-led, class-led and others compared


# -- the page's own bytes go to libxml2 when they are its UTF-8 -------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_nul_in_the_bytes_is_taken_out_before_parsing(encoding):
    from crawler.parsers import parse_article

    para = "近日，四川宣布把人工智能列为今年的1号创新工程，以超常规最大力度精准支持人工智能产业发展。"
    html = (
        "<html><head><title>标题</title></head><body><div><h1>四川如何发展AIGC产业</h1>"
        "<p>2024年04月11日 10:57 来源：四川日报 编辑：曹惠君</p>"
        f"<p>{para}\x00</p><p>{para}</p></div></body></html>"
    )
    article = parse_article(
        html.encode(encoding), "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/1.html", encoding=encoding
    )
    assert article.body == f"{para}\n{para}"
    assert (article.title, article.source, article.editor) == ("四川如何发展AIGC产业", "四川日报", "曹惠君")
