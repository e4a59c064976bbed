import re

import pytest

from crawler.search.query import QueryError, matches, parse, to_fts

# Every FTS5 expression we build is made of quoted tokens, operators and parentheses only.
SAFE_FTS = re.compile(r'^(?:\s|\(|\)|AND|OR|NOT|"[^"]*"\*?)+$')


@pytest.mark.parametrize(
    "query, expected",
    [
        ("成都", '"成都"'),
        ("成", '"成"*'),
        ("大运会", '"大运 运会"'),
        ("人工智能", '"人工 工智 智能"'),
        ("AIGC 5G", '("aigc" AND "5g")'),
        ("成都 OR 重庆", '("成都" OR "重庆")'),
        ("熊猫 NOT 成都", '(("熊猫") NOT "成都")'),
        ('"成都，大运会"', '"成都 都 大运 运会"'),
        ("成都 (大运会 OR 世运会)", '("成都" AND ("大运 运会" OR "世运 运会"))'),
    ],
)
def test_rewrite(query, expected):
    assert to_fts(parse(query)) == expected


@pytest.mark.parametrize(
    "query",
    [
        "NEAR(a b)",
        "成都*",
        'x"y"',
        ";DROP TABLE articles",
        "a ^ b : c",
        "{title}: 成都",
        "成都 AND 重庆",
        "'; DELETE FROM articles; --",
    ],
)
def test_fts_syntax_in_input_never_reaches_fts(query):
    fts = to_fts(parse(query))
    assert SAFE_FTS.match(fts), fts
    assert "NEAR(" not in fts and "{" not in fts and ":" not in fts


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"成都', "unterminated quote"),
        ("(成都", "unbalanced parentheses"),
        ("成都)", "unexpected ')'"),
        ("成都 AND", "AND needs a search term"),
        ("OR 成都", "OR needs a search term"),
        ("NOT 成都", "cannot only exclude"),
        ("*", "nothing to search for"),
        ("' OR 1=1 --", "OR needs a search term"),
        ("()", "empty parentheses"),
        ('""', "empty phrase"),
    ],
)
def test_malformed_queries(query, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        parse(query)


def test_error_messages_are_one_line():
    with pytest.raises(QueryError) as info:
        parse('成都\n"大运会')
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "query, text, expected",
    [
        ("成都", "成都市", True),
        ("成都", "完成。都江堰", False),
        ("5G", "推进5G网络", True),
        ("5G", "带宽15G", False),
        ("aigc", "发展AIGC产业", True),
        ('"成都，大运会"', "在成都 大运会", True),
        ("熊猫 NOT 成都", "雅安熊猫", True),
        ("熊猫 NOT 成都", "成都熊猫", False),
    ],
)
def test_reference_matcher(query, text, expected):
    assert matches(parse(query), text) is expected


def test_nesting_is_bounded_deliberately():
    """330 nested parentheses used to raise RecursionError; the bound is 16 levels of parentheses and NOT."""
    assert to_fts(parse("(" * 16 + "成都" + ")" * 16)) == '"成都"'
    # eight NOTs cancel out: 熊猫 AND 成都 (16 levels, the most allowed)
    assert to_fts(parse("熊猫 " + "NOT (" * 8 + "成都" + ")" * 8)) == '("熊猫" AND "成都")'
    for deep in (
        "(" * 17 + "成都" + ")" * 17,
        "(" * 330 + "成都" + ")" * 330,
        "熊猫 " + "NOT (" * 9 + "成都" + ")" * 9,
        "熊猫 " + "NOT " * 200 + "成都",
        "(" * 499,
    ):
        with pytest.raises(QueryError, match=r"^query nested too deeply \(at most 16 levels"):
            parse(deep)
