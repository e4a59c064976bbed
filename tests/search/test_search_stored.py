"""``Search(sort="stored")``: the matches stored last first (what a feed lists), with filters and pages."""

from __future__ import annotations

import sqlite3

import pytest
from search_corpus import ARTICLES, insert_sqlite3

from crawler.search.engine import Search
from crawler.search.filters import Filters


def ids(db, query, **kwargs):
    return [r["article_id"] for r in Search(query, sort="stored", **kwargs).run(db)]


# The corpus is stored in list order (1001 first, 1008 last); 成都 is in 1001, 1005, 1006 and 1008.
@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, ["1008", "1006", "1005", "1001"]),
        ({"limit": 2}, ["1008", "1006"]),
        ({"limit": 2, "offset": 1}, ["1006", "1005"]),
        ({"filters": Filters(channel=("scxw",))}, ["1006"]),
        ({"filters": Filters(since="2024-01-01")}, ["1008", "1005"]),
        ({"filters": Filters(until="2023-12-31")}, ["1006", "1001"]),
        ({"filters": Filters(author=("杨勇",))}, ["1006", "1001"]),
        ({"after_rowid": 5}, ["1008", "1006"]),
    ],
)
def test_stored_order(db, kwargs, expected):
    assert ids(db, "成都", **kwargs) == expected


def test_storage_order_is_not_publication_order(db, db_path):
    old = {
        **ARTICLES[1],
        "article_id": "4001",
        "title": "成都旧闻补录",
        "published_at": "2010-01-01T08:00:00+08:00",
    }
    insert_sqlite3(db_path, old)
    assert ids(db, "成都", limit=2) == ["4001", "1008"]
    assert [r["article_id"] for r in Search("成都", sort="newest", limit=1).run(db)] == ["1008"]


def test_a_deleted_article_is_not_listed(db, db_path):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DELETE FROM articles WHERE article_id = '1008'")
    conn.close()
    assert ids(db, "成都") == ["1006", "1005", "1001"]
