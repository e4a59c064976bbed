"""Readable diffs of an edited article (expected texts written by hand)."""

import json

from crawler.changes import changed_fields, inline_diff, paragraph_diff, readable_diff


def test_inline_diff_marks_what_went_and_what_came():
    assert inline_diff("累计接待游客2.7万余名", "累计接待游客2.8万余名") == "累计接待游客2.[-7-]{+8+}万余名"
    assert inline_diff("成都", "成都市") == "成都{+市+}"


def test_only_the_paragraphs_that_differ_are_shown():
    old = "第一段不变。\n第二段写着2.7万余名游客。\n第三段将被删去，内容完全不同。\n第四段不变。"
    new = "第一段不变。\n第二段写着2.8万余名游客。\n第四段不变。\n新增的第五段。"
    assert paragraph_diff(old, new) == [
        "@@ ¶2",
        "~ 第二段写着2.[-7-]{+8+}万余名游客。",
        "- 第三段将被删去，内容完全不同。",  # one run of changes: the edited paragraph and the dropped one
        "@@ ¶4",
        "+ 新增的第五段。",
    ]


def test_a_rewritten_paragraph_is_minus_and_plus_lines():
    assert paragraph_diff("今天天气晴朗。", "记者从省气象台获悉，本周全省以阴雨为主。") == [
        "@@ ¶1",
        "- 今天天气晴朗。",
        "+ 记者从省气象台获悉，本周全省以阴雨为主。",
    ]


def test_a_readable_diff_field_by_field():
    old = {
        "title": "四川如何发展AIGC产业？",
        "body": "第一段。\n第二段。",
        "source": "四川日报",
        "editor": "曹惠君",
        "authors": json.dumps(["黄爱林"], ensure_ascii=False),
        "images": json.dumps([{"url": "https://x/1.jpg", "caption": "旧图注"}], ensure_ascii=False),
    }
    new = {
        **old,
        "title": "四川如何因地制宜发展AIGC产业？",
        "editor": "王磊",
        "authors": json.dumps(["黄爱林", "杨勇"], ensure_ascii=False),
        "images": json.dumps(
            [{"url": "https://x/1.jpg", "caption": "新图注"}, {"url": "https://x/2.jpg", "caption": None}]
        ),
    }
    assert changed_fields(old, new) == ["title", "editor", "authors", "images"]
    assert readable_diff(old, new).splitlines() == [
        "title: 四川如何发展AIGC产业？ → 四川如何因地制宜发展AIGC产业？",
        "  ~ 四川如何{+因地制宜+}发展AIGC产业？",
        "editor: 曹惠君 → 王磊",
        "authors: 黄爱林 → 黄爱林、杨勇",
        "images:",
        "  + https://x/2.jpg",
        "  ~ https://x/1.jpg: 旧图注 → 新图注",
    ]


def test_same_content_in_json_text_or_lists_is_no_change():
    row = {"title": "t", "body": "b", "source": None, "editor": None, "authors": '["甲"]', "images": "[]"}
    record = {**row, "authors": ["甲"], "images": []}
    assert changed_fields(row, record) == []
    assert readable_diff(row, record) == ""


def test_changes_one_character_apart_read_as_one():
    # two characters apart they stay two changes (the last case)
    assert inline_diff("全长约28.6公里", "全长约29.1公里") == "全长约2[-8.6-]{+9.1+}公里"
    assert inline_diff("甲乙丙丁", "甲戊丙己") == "甲[-乙丙丁-]{+戊丙己+}"
    assert inline_diff("甲乙丙丁戊", "甲己丙丁庚") == "甲[-乙-]{+己+}丙丁[-戊-]{+庚+}"
