"""``scnews search``: pages (--offset, --page), -o FILE, why nothing is listed, lower-case operators."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import scnews, write_corpus  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")
# 成都 is in 1001, 1005, 1006, 1008 (not 1002: 完成。都江堰); newest first by publication:
CHENGDU_NEWEST = ["1008", "1005", "1006", "1001"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("paging") / "scnews.db"
    write_corpus(path)
    return path


def ids(db, *args):
    return [r["article_id"] for r in json.loads(scnews(db, "search", *args, "--format", "json").stdout)]


def test_offset_and_page_walk_the_same_results(db_path):
    assert ids(db_path, "成都", "--limit", "10") == CHENGDU_NEWEST
    assert ids(db_path, "成都", "--limit", "2") == CHENGDU_NEWEST[:2]
    assert ids(db_path, "成都", "--limit", "2", "--offset", "2") == CHENGDU_NEWEST[2:4]
    assert ids(db_path, "成都", "--limit", "3", "--page", "2") == CHENGDU_NEWEST[3:]
    assert ids(db_path, "成都", "--limit", "2", "--page", "1") == CHENGDU_NEWEST[:2]


def test_offset_with_relevance_ranking(db_path):
    ranked = ids(db_path, "成都", "--sort", "relevance", "--limit", "10")
    assert sorted(ranked) == sorted(CHENGDU_NEWEST)
    assert ids(db_path, "成都", "--sort", "relevance", "--limit", "3", "--offset", "1") == ranked[1:4]


def test_table_footer_says_where_the_page_is(db_path):
    out = scnews(db_path, "search", "成都", "--limit", "2", "--offset", "1").stdout
    assert out.endswith("\n2-3 of 4 matching articles shown\nnext page: --offset 3\n")
    out = scnews(db_path, "search", "成都", "--limit", "3", "--page", "2").stdout
    assert out.endswith("\n4-4 of 4 matching articles shown\n")
    assert "next page" not in out and "#1001" in out and "#1008" not in out
    out = scnews(db_path, "search", "成都").stdout
    assert out.endswith("\n4 of 4 matching articles shown\n")


def test_output_file(db_path, tmp_path):
    out = tmp_path / "r.ndjson"
    result = scnews(db_path, "search", "熊猫", "--format", "ndjson", "-o", str(out))
    assert result.stdout == "" and result.stderr.strip() == f"1 article written to {out}"
    assert [json.loads(line)["article_id"] for line in out.read_text("utf-8").splitlines()] == ["1006"]
    table = tmp_path / "r.txt"
    scnews(db_path, "search", "熊猫", "--output", str(table))
    text = table.read_text("utf-8")
    assert "吉祥物蓉宝是一只«熊猫»" in text and "\x1b[" not in text  # plain marks in a file


@pytest.mark.parametrize(
    "args, message",
    [
        (["火星"], "no articles match '火星'"),
        (["火星", "--author", "王逸飞"], "no articles match '火星' (with or without the filters)"),
        (["成都", "--author", "无名氏"], "the filters excluded all 4 articles matching '成都'"),
        (["大运会", "--channel", "cjbd"], "the filters excluded all 2 articles matching '大运会'"),
        (["成都", "--offset", "4"], "no results from --offset 4: '成都' matches 4 articles"),
    ],
)
def test_why_nothing_is_listed(db_path, args, message):
    for fmt in ("table", "json"):
        result = scnews(db_path, "search", *args, "--format", fmt)
        assert result.stderr.strip().splitlines() == [message]
        assert result.stdout == ("" if fmt == "table" else "[]\n")


def test_lowercase_operators_warn_but_search_as_words(db_path):
    result = scnews(db_path, "search", "成都 or 熊猫", "--format", "json")
    assert result.stderr.splitlines()[0] == (
        "warning: or searched as a word; the operators are upper case: AND, OR, NOT"
    )
    assert json.loads(result.stdout) == []  # no article has the word "or" beside 成都 and 熊猫
    result = scnews(db_path, "search", "成都 OR 熊猫", "--format", "json")
    assert result.stderr == "" and len(json.loads(result.stdout)) == 4
    assert scnews(db_path, "search", '"or" 成都', "--format", "json").stderr.startswith("no articles")
    result = scnews(db_path, "search", "Not 熊猫 and 成都", "--format", "json")
    assert result.stderr.splitlines()[0].startswith("warning: Not, and searched as a word;")


def test_offset_and_page_together_is_a_usage_error(db_path):
    result = scnews(db_path, "search", "成都", "--offset", "1", "--page", "2", ok=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["Error: give --offset or --page, not both"]


def test_trend_warns_too(db_path):
    result = scnews(db_path, "trend", "成都 or 熊猫", "熊猫", "--format", "json")
    assert result.stderr.splitlines() == [
        "warning: or searched as a word; the operators are upper case: AND, OR, NOT"
    ]
