"""The classes of problems real Chinanews pages showed (issue: read real pages), one small page each."""

import pytest

from crawler.parsers import NotAnArticle, parse_article
from crawler.parsers.encoding import UnknownEncoding, decode, normalise_encoding
from crawler.urls import parse_article_url

TEXT = "四川日报记者报道，镕铸新篇。" * 3


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}<title>标题</title></head><body>{body}</body></html>"


def article(meta_line: str, paragraphs: list[str], title: str = "测试标题") -> str:
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return page(body=f"<h1>{title}</h1><div class='info'>{meta_line}</div><div class='txt'>{ps}</div>")


PARAS = ["第二段文字，" * 12, "第三段文字。" * 12]
URL = "https://www.chinanews.com.cn/gn/2015/06-05/7325068.shtml"

# -- charsets that lie --------------------------------------------------------------------------------------


def test_utf8_bytes_beat_a_gb2312_meta():
    body = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', TEXT).encode()
    decoded = decode(body)
    assert decoded.codec == "utf-8" and TEXT in decoded.text and decoded.mismatch


def test_utf8_bytes_beat_a_gb2312_header_or_option():
    decoded = decode(page(body=TEXT).encode(), "gb2312")
    assert decoded.codec == "utf-8" and TEXT in decoded.text and decoded.mismatch


def test_gbk_bytes_under_a_utf8_header_give_way_to_gb18030():
    decoded = decode(page('<meta charset="utf-8">', TEXT).encode("gbk"), "utf-8")
    assert decoded.codec == "gb18030" and TEXT in decoded.text and decoded.mismatch


def test_an_honest_declaration_is_no_mismatch():
    assert not decode(page('<meta charset="gbk">', TEXT).encode("gbk")).mismatch
    assert not decode(page(body=TEXT).encode(), "utf-8").mismatch


@pytest.mark.parametrize("label", ["base64", "zlib", "rot13", "hex", "idna", "punycode", "unicode_escape"])
def test_a_codec_label_that_is_no_charset_is_ignored(label):
    with pytest.raises(UnknownEncoding):
        normalise_encoding(label)
    body = page(f'<meta charset="{label}">', TEXT).encode()
    assert TEXT in decode(body, label).text
    assert TEXT in decode(body).text


def test_the_record_says_charset_mismatch():
    body = article("2015-06-05 10:31 来源：中国新闻网", [TEXT, *PARAS]).encode()
    record = parse_article(body, URL, encoding="gb2312")
    assert "charset-mismatch" in record.warnings and record.body.startswith(TEXT)


def test_garbled_text_gets_a_warning():
    record = parse_article(article("2015-06-05 10:31 来源：中国新闻网", [TEXT + "\ufffd\ufffd", *PARAS]), URL)
    assert "mojibake" in record.warnings


def test_a_page_garbled_before_it_was_saved_gets_a_warning():
    garbled = ("中新网成都5月22日电，记者从成都获悉。场馆将陆续开放。" * 4).encode().decode("gbk", "replace")
    record = parse_article(article("2015-06-05 10:31 来源：中国新闻网", [garbled, *PARAS]), URL)
    assert "mojibake" in record.warnings


def test_clean_text_gets_no_mojibake_warning():
    record = parse_article(article("2015-06-05 10:31 来源：中国新闻网", [TEXT, *PARAS]), URL)
    assert "mojibake" not in record.warnings and "charset-mismatch" not in record.warnings


# -- labelled fields --------------------------------------------------------------------------------------


def test_an_empty_editor_label_is_no_editor_and_author_label_is_an_author():
    record = parse_article(article("2015-06-05 10:31 来源：中国新闻网 作者：何春燕 责任编辑：", PARAS), URL)
    assert record.editor is None and record.authors == ["何春燕"]


def test_an_empty_editor_line_after_the_text_is_neither_body_nor_editor():
    page = article("2015-06-05 10:31 来源：中国新闻网", [*PARAS, "责任编辑：", "相关阅读"])
    record = parse_article(page, URL)
    assert record.editor is None and record.body.split("\n") == PARAS


def test_a_hidden_span_with_only_the_label_is_no_editor():
    body = page(
        body="<h1>标题</h1><div class='left-time'><div class='left-t'>2014-05-31 06:31 来源：中国新闻网"
        "</div></div><span id='editor_baidu'>责任编辑：</span><div class='left_zw'>"
        + "".join(f"<p>{p}</p>" for p in PARAS)
        + "</div>"
    )
    record = parse_article(body, URL)
    assert record.template == "cns-main-old" and record.editor is None


def test_a_placeholder_is_no_value():
    record = parse_article(
        article("2017-02-23 19:05 来源：中国新闻网 作者：${中新记者姓名} 编辑：刘湃", PARAS), URL
    )
    assert record.authors == [] and record.editor == "刘湃"


def test_a_source_before_the_time_without_a_label():
    body = page(
        body="<div class='a'>特朗普签署备忘录</div><div class='b'>新华社 2017-08-26 14:39:45</div>"
        + "<div class='c'>"
        + "".join(f"<p>{p}</p>" for p in PARAS)
        + "</div>"
    )
    record = parse_article(body, "https://wap.chinanews.com/wap/detail/chs/zw/8314564.shtml")
    assert record.source == "新华社" and record.published_at == "2017-08-26T14:39:45+08:00"


# -- datelines ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dateline", "names"),
    [
        ("中新社休斯敦5月30日电\u3000（记者\u3000王欢）", ["王欢"]),
        ("新华社华盛顿8月25日电(记者刘阳 孙丁)", ["刘阳", "孙丁"]),
        ("中新网北京6月5日电 (陈静 奚晓蕾)", ["陈静", "奚晓蕾"]),
        ("香港中通社3月1日电（记者 李四 实习生 张三）", ["李四", "张三"]),
        ("中新网2月23日电 据外媒报道", []),
    ],
)
def test_dateline_reporters_in_every_form(dateline, names):
    record = parse_article(
        article("2015-06-05 10:31 来源：中国新闻网", [dateline + "正文开始。" * 5, *PARAS]), URL
    )
    assert record.authors == names


def test_a_closing_credit_on_another_site_stays_in_the_body_and_is_no_author():
    record = parse_article(article("2012-07-10 22:13 来源：新华网", [*PARAS, "最后一段。(记者张淼淼)"]), URL)
    assert record.authors == [] and record.body.endswith("(记者张淼淼)")


# -- URL forms -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "article_id", "channel", "canonical", "site"),
    [
        ("http://www.chinanews.com/gj/2017/02-23/8158019.shtml", "8158019", "gj",
         "https://www.chinanews.com/gj/2017/02-23/8158019.shtml", "chinanews.com.cn"),
        ("https://www.chinanews.com.cn/jk/ysbb/news/2006/11-07/817085.shtml", "817085", "jk",
         "https://www.chinanews.com.cn/jk/ysbb/news/2006/11-07/817085.shtml", "chinanews.com.cn"),
        ("http://www.chinanews.com.cn/2001-10-31/26/134917.html", "134917", "26",
         "https://www.chinanews.com.cn/2001-10-31/26/134917.html", "chinanews.com.cn"),
        ("http://www.chinanews.com.cn/n/2003-01-17/26/264535.html", "264535", "26",
         "https://www.chinanews.com.cn/n/2003-01-17/26/264535.html", "chinanews.com.cn"),
        ("https://www.chinanews.com/m/gj/2015/06-05/7325068_2.shtml?f=qq", "7325068", "gj",
         "https://www.chinanews.com/m/gj/2015/06-05/7325068.shtml", "chinanews.com.cn"),
        ("https://wap.chinanews.com/wap/detail/chs/zw/8314564.shtml", "8314564", "zw",
         "https://wap.chinanews.com/wap/detail/chs/zw/8314564.shtml", "wap.chinanews.com.cn"),
        ("http://sh.chinanews.com/shms/2022-11-25/105889.shtml", "105889", "shms",
         "https://sh.chinanews.com/shms/2022-11-25/105889.shtml", "sh.chinanews.com.cn"),
        ("http://www.sc.chinanews.com/cjbd/2024-04-11/207510_2.html", "207510", "cjbd",
         "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html", "sc.chinanews.com.cn"),
        # a mirror copy keeps the Sichuan path on its own host: it names the Sichuan article
        ("http://www.cjzxw-news.cn/cjbd/2024-04-11/207510.html", "207510", "cjbd",
         "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html", "sc.chinanews.com.cn"),
    ],
)  # fmt: skip
def test_every_chinanews_url_form(url, article_id, channel, canonical, site):
    parsed = parse_article_url(url)
    assert parsed is not None
    assert (parsed.article_id, parsed.channel, parsed.canonical, parsed.site) == (
        article_id, channel, canonical, site,
    )  # fmt: skip


def test_main_site_forms_on_other_hosts_are_no_article_urls():
    assert parse_article_url("http://evil.example/gj/2017/02-23/8158019.shtml") is None


# -- output safety and pathological pages -----------------------------------------------------------------


def test_characters_xml_cannot_carry_leave_every_field():
    bad = "\x01\x0b\ufffe\uffff\ud800"
    body = article(
        f"2015-06-05 10:31 来源：中国{bad}新闻网", [f"第一{bad}段。" * 20, *PARAS], title=f"标{bad}题"
    )
    record = parse_article(body, URL + bad)
    text = record.to_json()
    for ch in bad:
        assert ch not in text, repr(ch)
    assert record.title == "标题" and record.source == "中国新闻网" and record.url == URL


def test_a_page_of_200000_links_is_refused_as_a_list():
    links = "".join(f'<a href="/gn/2015/06-05/{i}.shtml">新闻标题{i}</a>' for i in range(200_000))
    with pytest.raises(NotAnArticle, match="list"):
        parse_article(page(body=links), URL)
