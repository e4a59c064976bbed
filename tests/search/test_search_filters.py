from datetime import datetime

import pytest
from search_corpus import ARTICLES

from crawler.search.filters import SITE_TZ, Filters, accepts, parse_when

NOW = datetime(2024, 6, 5, 15, 30, 45, tzinfo=SITE_TZ)


@pytest.mark.parametrize(
    "value, end, expected",
    [
        ("2024-04-01", False, "2024-04-01T00:00:00+08:00"),
        ("2024-04-01", True, "2024-04-02T00:00:00+08:00"),
        ("2024-04-01T08:30", False, "2024-04-01T08:30:00+08:00"),
        ("2024-04-01 08:30:15", False, "2024-04-01T08:30:15+08:00"),
        ("2024-04-01T00:30:00Z", False, "2024-04-01T08:30:00+08:00"),
        ("today", False, "2024-06-05T00:00:00+08:00"),
        ("yesterday", True, "2024-06-05T00:00:00+08:00"),
        ("7d", False, "2024-05-29T15:30:45+08:00"),
        ("12h", False, "2024-06-05T03:30:45+08:00"),
        ("2w", False, "2024-05-22T15:30:45+08:00"),
    ],
)
def test_parse_when(value, end, expected):
    assert parse_when(value, end=end, now=NOW) == expected


@pytest.mark.parametrize(
    "filters",
    [
        Filters(since="2024-01-01"),
        Filters(until="2023-07-28"),
        Filters(since="2023-07-29", until="2024-04-11"),
        Filters(channel=("cjbd", "四川新闻")),
        Filters(source=("四川",)),
        Filters(editor=("李明", "王蕾")),
        Filters(author=("杨勇",)),
        Filters(since="2023-01-01", source=("中国新闻网",), author=("王逸飞",)),
    ],
)
def test_python_filters_agree_with_sql(db, filters):
    """The Datasette watch queries use accepts(); the CLI uses the SQL: both must pick the same articles."""
    clauses, params = filters.where("a")
    sql = "SELECT article_id FROM articles a WHERE " + " AND ".join(clauses)
    by_sql = {r[0] for r in db.execute(sql, params)}
    by_python = {r["article_id"] for r in db.query("SELECT * FROM articles") if accepts(filters, r)}
    assert by_sql == by_python
    assert 0 < len(by_sql) < len(ARTICLES)
