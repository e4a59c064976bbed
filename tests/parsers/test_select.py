import pytest
from lxml import etree

from crawler.parsers import rules
from crawler.parsers.select import PageIndex, compile_selector

HTML = """<html><body>
<div class="incont_t news"><h2>标题</h2><p>2019-05-20 来源：四川日报</p><div><h2>深层</h2></div></div>
<div id="newbody" class="x"><p>正文</p><table class="adInContent"><tr><td>广告</td></tr></table></div>
<div class="left-time"><span><div class="left-t">时间</div></span></div>
</body></html>"""


@pytest.fixture(scope="module")
def index():
    names = {"incont_t", "news", "newbody", "adInContent", "left-time", "left-t", "nothing", "x"}
    return PageIndex(etree.fromstring(HTML, etree.HTMLParser()), frozenset(names))


def texts(index, css, within=None):
    return ["".join(el.itertext()) for el in index.select(compile_selector(css), within)]


def test_compound_child_and_descendant(index):
    assert texts(index, "div.incont_t > h2") == ["标题"]
    assert texts(index, "div.incont_t h2") == ["标题", "深层"]
    assert texts(index, "div.left-time div.left-t") == ["时间"]
    assert texts(index, "div#newbody") == ["正文广告"]
    assert texts(index, ".news.incont_t > p") == ["2019-05-20 来源：四川日报"]


def test_no_match(index):
    assert texts(index, "span.incont_t") == [] and texts(index, "#nothing") == []


def test_within_limits_to_a_subtree(index):
    body = index.select(compile_selector("div#newbody"))[0]
    assert len(index.select(compile_selector("table.adInContent"), body)) == 1
    assert index.select(compile_selector("div.left-t"), body) == []


def test_keys_are_the_class_and_id_names():
    assert compile_selector("div.a.b > span#c").keys == ("a", "b", "c")


def test_every_template_selector_is_supported():
    for template in rules.TEMPLATES:
        for css in (
            template.detect,
            template.body,
            *template.title,
            *template.meta,
            *template.source,
            *template.date,
            *template.editor,
            *template.drop,
            *template.captions,
        ):
            assert compile_selector(css).steps


@pytest.mark.parametrize("css", ["a[href]", "div:first-child", "a + b", "> p"])
def test_unsupported_selectors_are_refused(css):
    with pytest.raises(ValueError):
        compile_selector(css)
