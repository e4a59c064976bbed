from pathlib import Path

import pytest

from crawler.parsers import NotAnArticle, parse_article

URL = "http://www.sc.chinanews.com/cjbd/2024-04-11/207510.html?from=list"
PARA = "　　近日，四川宣布把人工智能列为今年的1号创新工程，以超常规最大力度精准支持人工智能产业发展。"
DISCLAIMER = (
    "<div class='sm'><p>中国新闻网·四川新闻版权与免责声明：</p>"
    "<p>① 凡本网注明的作品，版权均属于中新社。</p></div>"
)


def page(inner: str, head: str = "<title>标题-中新社四川分社</title>") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{inner}</body></html>"


def layout_2024(
    body: str = f"<p>{PARA}</p><p>{PARA}</p>", meta: str = "2024年04月11日 10:57 来源：四川日报 编辑：曹惠君"
):
    return page(
        "<div class='nav'><a href='/'>首页</a> &gt; <a href='/cjbd/'>财经报道</a></div>"
        f"<div class='a'><div class='t'>四川如何发展AIGC产业</div><div class='m'>{meta}</div>"
        f"<div class='b'>{body}</div>{DISCLAIMER}</div><div class='foot'>Copyright 中新社</div>"
    )


def test_2024_text_layout_by_patterns():
    a = parse_article(layout_2024().encode(), URL, fetched_at="2024-04-11T12:00:00+08:00")
    assert a.url == "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html"
    assert (a.article_id, a.channel, a.channel_name) == ("207510", "cjbd", "财经报道")
    assert (a.title, a.published_at, a.source, a.editor) == (
        "四川如何发展AIGC产业",
        "2024-04-11T10:57:00+08:00",
        "四川日报",
        "曹惠君",
    )
    assert a.body == "\n".join([PARA.strip("　")] * 2)
    assert a.disclaimer == "中国新闻网·四川新闻版权与免责声明：\n① 凡本网注明的作品，版权均属于中新社。"
    assert (a.template, a.mirror, a.warnings) == ("sc-2024", False, [])
    assert a.field_layers == {
        "title": "pattern",
        "published_at": "pattern",
        "source": "pattern",
        "editor": "pattern",
        "body": "pattern",
        "disclaimer": "pattern",
    }
    assert a.fetched_at == "2024-04-11T12:00:00+08:00"


def test_unknown_markup_falls_back_to_generic_layer():
    html = page(
        "<div id='menu'>" + "".join(f"<a href='/x{i}'>频道{i}</a>" for i in range(10)) + "</div>"
        f"<h1>一个没有模板的页面</h1><section><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></section>"
        "<ul><li><a href='/y'>别的新闻标题在这里很长很长</a></li></ul>"
    )
    a = parse_article(html, URL)
    assert (a.template, a.title) == ("generic", "一个没有模板的页面")
    assert a.body.count("\n") == 2 and "别的新闻" not in a.body
    assert a.published_at == "2024-04-11T00:00:00+08:00"
    assert sorted(a.warnings) == ["date-from-url", "generic-body", "generic-title", "no-editor", "no-source"]
    assert a.field_layers["body"] == "generic" and a.field_layers["published_at"] == "url"


def test_url_from_canonical_link_or_none():
    head = "<link rel='canonical' href='https://www.sc.chinanews.com.cn/shms/2024-04-11/207511.html'>"
    assert parse_article(page(layout_2024().split("<body>")[1], head)).article_id == "207511"
    a = parse_article(layout_2024())
    assert (a.url, a.article_id, a.channel) == ("", None, None) and "no-url" in a.warnings


def test_date_warnings():
    a = parse_article(layout_2024(meta="2024年04月10日 23:50 来源：四川日报 编辑：曹惠君"), URL)
    assert a.published_at == "2024-04-10T23:50:00+08:00" and a.warnings == ["date-mismatch-url"]
    a = parse_article(layout_2024(meta="04-11 10:57 来源：四川日报 编辑：曹惠君"), URL)
    assert a.published_at == "2024-04-11T10:57:00+08:00" and a.warnings == ["year-from-url"]


def test_relative_date_uses_fetched_at():
    html = layout_2024(meta="3小时前 来源：四川日报 编辑：曹惠君").replace(
        "3小时前", "2024年04月11日 3小时前"
    )
    html = page(
        f"<h1>标题</h1><div class='info'><span>3小时前</span> 来源：四川日报</div><div>{PARA}<br>{PARA}</div>"
    )
    a = parse_article(html, URL, fetched_at="2024-04-11T12:00:00+08:00")
    assert a.published_at == "2024-04-11T09:00:00+08:00"


def test_authors_from_dateline_and_byline():
    two = f"<p>　　中新网四川新闻5月23日 电 (杨勇  邓文鑫)记者23日获悉。</p><p>{PARA}</p><p>(完)</p>"
    assert parse_article(layout_2024(two), URL).authors == ["杨勇", "邓文鑫"]
    byline = f"<p>{PARA}</p><p>{PARA}(川观智库研究员 黄爱林)</p><p>(完)</p>"
    a = parse_article(layout_2024(byline), URL)
    assert a.authors == ["黄爱林"] and a.body.endswith("(川观智库研究员 黄爱林)\n(完)")
    assert parse_article(layout_2024(), URL).authors == []


def test_editor_line_in_body_is_taken_out():
    html = layout_2024(
        f"<p>{PARA}</p><p>{PARA}</p><p>（责任编辑：李四）</p>", meta="2024年04月11日 10:57 来源：四川日报"
    )
    a = parse_article(html, URL)
    assert a.editor == "李四" and "李四" not in a.body


def test_images_resolved_captioned_and_furniture_skipped():
    body = (
        f"<p>{PARA}</p><p style='text-align:center'><img src='/uploadfile/2024/0411/a.jpg'></p>"
        "<p style='text-align:center'>图为成都智算中心。 中新网记者 张浪 摄</p>"
        "<p><img src='/images/share_icon.png'></p><p><img src='b.jpg'></p>"
        f"<p>{PARA}</p>"
    )
    a = parse_article(layout_2024(body), URL)
    assert [(i.url, i.caption) for i in a.images] == [
        ("http://www.sc.chinanews.com/uploadfile/2024/0411/a.jpg", "图为成都智算中心。 中新网记者 张浪 摄"),
        ("http://www.sc.chinanews.com/cjbd/2024-04-11/b.jpg", None),
    ]
    assert "图为" not in a.body


def test_mirror_copy_is_normalised():
    html = layout_2024(
        "<p>　　四川發(fā)展人工智能產(chǎn)業(yè)，創(chuàng )新工程全力推進，四川日?qǐng)?bào)報道。</p>"
        * 3,
        meta="2024年04月11日 10:57 來(lái)源:四川日報 編輯:曹惠君",
    )
    a = parse_article(html.encode(), "http://mirror.example/cjbd/2024-04-11/207510.html")
    assert a.mirror and a.source == "四川日报" and a.editor == "曹惠君"
    assert a.body.startswith("四川发展人工智能产业，创新工程全力推进，四川日??报道。")
    assert "mirror-mojibake" in a.warnings
    assert a.url == "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html"


def test_short_video_page_with_title_and_date_is_an_article():
    html = page(
        "<h1>【视频】熊猫亮相成都</h1><div>2024年05月20日 16:43 来源：中国新闻网</div>"
        "<div class='v'><video src='a.mp4'></video><p>熊猫来了。</p></div>"
    )
    a = parse_article(html, "https://www.sc.chinanews.com.cn/spxw/2024-05-20/209468.shtml")
    assert (a.title, a.published_at, a.body) == (
        "【视频】熊猫亮相成都",
        "2024-05-20T16:43:00+08:00",
        "熊猫来了。",
    )


@pytest.mark.parametrize("body", [b"", b"   \n", "\u3000"])
def test_empty_documents_are_refused(body):
    with pytest.raises(NotAnArticle, match="empty"):
        parse_article(body)


def test_truncated_document_is_refused():
    html = layout_2024()
    with pytest.raises(NotAnArticle, match="truncated") as info:
        parse_article(html[: html.index(PARA[10:])], URL)
    assert "truncated" in info.value.reason


def test_error_page_is_refused():
    html = page(
        "<h1>404 页面不存在</h1><p>您访问的页面不存在或已被删除。</p><a href='/'>返回首页</a>",
        "<title>404 Not Found</title>",
    )
    with pytest.raises(NotAnArticle, match="error page"):
        parse_article(html, URL)


def test_channel_list_page_is_refused():
    items = "".join(
        f"<li><a href='/cjbd/2024-04-{d:02d}/2075{d:02d}.html'>四川财经新闻第{d}条</a>[2024-04-{d:02d}]</li>"
        for d in range(1, 29)
    )
    html = page(
        f"<div class='nav'>财经报道</div><ul class='paging'>{items}</ul><a href='index_2.shtml'>下一页</a>"
    )
    with pytest.raises(NotAnArticle, match="list"):
        parse_article(html, "https://www.sc.chinanews.com.cn/cjbd/index.shtml")


def test_meta_split_over_lines_stays_out_of_the_body():
    html = layout_2024(
        f"<p>{PARA}</p>", meta="2024年04月11日 10:57</div><p>来源：四川日报</p><p>编辑：曹惠君</p><div>"
    )
    a = parse_article(html, URL)
    assert (a.published_at, a.source, a.editor) == ("2024-04-11T10:57:00+08:00", "四川日报", "曹惠君")
    assert a.body == PARA.strip("　")


def test_a_source_inside_a_sentence_is_body_text():
    body = f"<p>{PARA}</p><p>（数据来源：四川省统计局）</p>"
    assert parse_article(layout_2024(body), URL).body.endswith("（数据来源：四川省统计局）")


def test_malformed_urls_do_not_break_the_parse():
    body = f"<p>{PARA}</p><p><img src='http://[bad/x.jpg'></p><p><img src='/ok.jpg'></p>"
    a = parse_article(layout_2024(body), URL)
    assert [i.url for i in a.images] == ["http://www.sc.chinanews.com/ok.jpg"]
    a = parse_article(layout_2024(), "http://[bad/cjbd/2024-04-11/1.html")
    assert (a.article_id, a.title) == (None, "四川如何发展AIGC产业")


def test_a_stale_relative_date_takes_the_urls_day_and_says_so():
    # Fixture 20 ("今天 10:57", URL dated 2024-09-10) fetched two years later, as from a cached copy.
    folder = Path(__file__).resolve().parents[2] / "fixtures" / "articles" / "20-relative-date"
    record = parse_article(
        (folder / "page.html").read_bytes(),
        "https://www.sc.chinanews.com.cn/scxw/2024-09-10/215601.shtml",
        fetched_at="2026-11-27T09:00:00+08:00",
    )
    assert record.published_at == "2024-09-10T10:57:00+08:00"
    assert record.warnings == ["stale-relative-date"]
