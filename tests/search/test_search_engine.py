import itertools
import re

import pytest
from search_corpus import ARTICLES

from crawler.search.engine import Search
from crawler.search.filters import Filters
from crawler.search.query import QueryError


def ids(db, query, **kwargs):
    return [r["article_id"] for r in Search(query, limit=None, **kwargs).run(db)]


def idset(db, query, **kwargs):
    return set(ids(db, query, **kwargs))


def test_one_character(db):
    # 成 is in 1001 (成都), 1002 (完成), 1003 (建成), 1004 (成效), 1005 (成都), 1006, 1008 (成都); not 1007
    assert idset(db, "成") == {"1001", "1002", "1003", "1004", "1005", "1006", "1008"}


def test_two_characters_not_across_punctuation(db):
    # 1002 has 完成。都江堰: 成 and 都 apart, so no 成都
    assert idset(db, "成都") == {"1001", "1005", "1006", "1008"}


def test_three_characters_not_across_punctuation(db):
    # 1004 has 大运。运会, which is not 大运会
    assert idset(db, "大运会") == {"1001", "1006"}


def test_four_characters(db):
    # 1004 has 人工、智能, which is not 人工智能
    assert idset(db, "人工智能") == {"1003", "1008"}


def test_latin_whole_words_any_case(db):
    assert idset(db, "AIGC") == {"1003"}
    assert idset(db, "aigc") == {"1003"}
    assert idset(db, "5G") == {"1003"}  # not 1005's 15G


def test_phrase_with_punctuation(db):
    assert idset(db, '"5G基站"') == {"1003"}
    assert idset(db, '"世界大学生夏季运动会"') == {"1001", "1006"}


def test_and_or_not(db):
    assert idset(db, "大运会 熊猫") == {"1006"}
    assert idset(db, "大运会 AND 熊猫") == {"1006"}
    assert idset(db, "熊猫 OR AIGC") == {"1003", "1006"}
    assert idset(db, "成都 NOT 大运会") == {"1005", "1008"}
    assert idset(db, "(大运会 OR 人工智能) NOT 熊猫") == {"1001", "1003", "1008"}


def test_filters(db):
    assert idset(db, "成都", filters=Filters(since="2024-01-01")) == {"1005", "1008"}
    assert idset(db, "成都", filters=Filters(until="2023-07-28")) == {"1001"}  # the whole day is included
    assert idset(db, "成都", filters=Filters(channel=("whty",))) == {"1001"}
    assert idset(db, "成都", filters=Filters(channel=("四川新闻",))) == {"1006"}
    assert idset(db, "成都", filters=Filters(source=("中国新闻网",))) == {"1001", "1008"}
    assert idset(db, "成", filters=Filters(editor=("张晓",))) == {"1001", "1004"}
    assert idset(db, "成都", filters=Filters(author=("杨勇",))) == {"1001", "1006"}
    assert idset(db, "成都", filters=Filters(author=("杨",))) == set()  # authors match exactly


@pytest.mark.parametrize(
    "filters, message",
    [
        (Filters(since="2024-13-01"), "not a valid date"),
        (Filters(since="last tuesday"), "not a valid date"),
        (Filters(since="2024-02-01", until="2024-01-01"), "is not before"),
        (Filters(channel=("nosuch",)), "unknown channel"),
        (Filters(source=(" ",)), "non-empty"),
    ],
)
def test_bad_filters(db, filters, message):
    with pytest.raises(QueryError, match=message):
        Search("成都", filters=filters)


def test_ranking_relevance_title_first(db):
    # 1008 has 人工智能 in its title, 1003 only in the body
    assert ids(db, "人工智能") == ["1008", "1003"]


def test_ranking_newest(db):
    assert ids(db, "成都", sort="newest") == ["1008", "1005", "1006", "1001"]


def test_snippet_highlights_original_text(db):
    (record,) = Search("5g", limit=1).run(db)
    assert "«5G»基站" in record["snippet"]
    assert "«5G»网络" in record["snippet"]


def test_snippet_of_full_width_text(db_path):
    from search_corpus import insert_sqlite3

    insert_sqlite3(db_path, {**ARTICLES[4], "article_id": "2001", "body": "全角ＡＩＧＣ应用"})
    from crawler.database import open_database

    db = open_database(db_path, create=False)
    (record,) = [r for r in Search("aigc").run(db) if r["article_id"] == "2001"]
    assert record["snippet"] == "全角«ＡＩＧＣ»应用"


def test_injection_strings_search_safely(db):
    assert idset(db, "NEAR") == {"1007"}
    assert idset(db, "NEAR(成都 大运会)") == set()  # = near AND 成都 AND 大运会: no article has all
    assert idset(db, '"引号"') == {"1007"}
    assert idset(db, ";DROP TABLE articles") == set()
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(ARTICLES)


def _like(db, term):
    sql = "SELECT article_id FROM articles WHERE title LIKE ? OR body LIKE ?"
    return {r[0] for r in db.execute(sql, [f"%{term}%", f"%{term}%"])}


def test_recall_and_precision_equal_a_like_scan_for_every_chinese_substring(db):
    """Every CJK substring of 1-4 characters in the corpus: the search finds exactly what LIKE finds."""
    terms = set()
    for article in ARTICLES:
        for run in re.findall(r"[\u4e00-\u9fff]+", article["title"] + "\n" + article["body"]):
            for n, i in itertools.product(range(1, 5), range(len(run))):
                if i + n <= len(run):
                    terms.add(run[i : i + n])
    assert len(terms) > 500
    for term in sorted(terms):
        assert idset(db, term) == _like(db, term), term


def test_window_bounds_are_exact_to_the_second(db_path):
    from search_corpus import insert_sqlite3

    from crawler.database import open_database

    midnight = {
        **ARTICLES[1],
        "article_id": "2002",
        "body": "乐山大佛",
        "published_at": "2024-01-06T00:00:00+08:00",
    }
    insert_sqlite3(db_path, midnight)
    db = open_database(db_path, create=False)
    day = Search("大佛", filters=Filters(since="2024-01-05", until="2024-01-05"))
    assert list(day.run(db)) == [] and day.count(db) == 0
    next_day = Search("大佛", filters=Filters(since="2024-01-06", until="2024-01-06"))
    assert [r["article_id"] for r in next_day.run(db)] == ["2002"] and next_day.count(db) == 1
    assert Search("大佛", filters=Filters(since="2024-01-06T00:00:01")).count(db) == 0


def test_random_queries_agree_with_the_reference_matcher(db):
    """1,500 seeded random queries mixing terms, operators, FTS syntax and punctuation: the index returns
    exactly the articles the regex-based reference (crawler.search.query.matches) accepts, or the query is
    refused with a QueryError; nothing else is raised."""
    import random

    from crawler.search.query import matches, parse

    alphabet = list("成都大运会人工智能熊猫AIGC5g \"()*^:{}-+;'\\%_，。") + [
        " AND ",
        " OR ",
        " NOT ",
        "NEAR(",
        "\x00",
        "\ue000",
        "１",
        "ａ",
    ]
    texts = {a["article_id"]: a["title"] + "\n" + a["body"] for a in ARTICLES}
    rng = random.Random(5)
    checked = 0
    for _ in range(1500):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        try:
            tree = parse(query)
        except QueryError:
            continue
        expected = {k for k, text in texts.items() if matches(tree, text)}
        assert idset(db, query) == expected, query
        checked += 1
    assert checked > 500


@pytest.mark.parametrize("query", ["成", "成都", "大运会 OR 人工智能", "熊猫 OR AIGC OR 5G"])
def test_ranked_fast_path_orders_like_the_joined_path(db, query):
    """Relevance without filters ranks inside FTS5 first; with a filter it ranks after the join."""
    everything = Filters(channel=tuple(sorted({a["channel"] for a in ARTICLES})))
    fast = Search(query, limit=None)
    joined = Search(query, limit=None, filters=everything)
    assert "FROM (SELECT rowid AS docid" in fast.sql()[0]
    assert "FROM (SELECT rowid AS docid" not in joined.sql()[0]
    assert ids(db, query) == [r["article_id"] for r in joined.run(db)]
