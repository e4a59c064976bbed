"""Trends over the hand-written corpus: counts per period worked out by hand from search_corpus.py.

Where the terms are (exact matching, as in test_search_engine.py):
  成都    1001 (2023-07-28), 1006 (2023-07-29), 1005 (2024-05-20), 1008 (2024-06-01); not 1002 (完成。都江堰)
  大运会  1001, 1006; not 1004 (大运。运会)
  AIGC    1003 (2024-04-11); not 1005 (aigc2)
plus two articles added here whose China-time day differs from their UTC day.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from search_corpus import insert_sqlite3

from crawler.search.engine import Search
from crawler.search.filters import Filters
from crawler.search.query import QueryError
from crawler.search.trend import period_range, trend
from crawler.timewindow import CHINA

LATE = [
    {  # 07:00 in China on 1 January 2024 is still 31 December 2023 in UTC
        "article_id": "2001",
        "channel": "cdxw",
        "title": "成都元旦假期首日",
        "published_at": "2024-01-01T07:00:00+08:00",
        "body": "元旦假期首日，成都各大景区游客如织。",
    },
    {  # written with a UTC offset: 20:00 UTC on 31 January is 04:00 on 1 February in China
        "article_id": "2002",
        "channel": "scxw",
        "title": "成都地铁春运加开列车",
        "published_at": "2024-01-31T20:00:00+00:00",
        "body": "春运期间成都地铁加开夜间列车。",
    },
]


@pytest.fixture
def late_db(db, db_path):
    for article in LATE:
        insert_sqlite3(db_path, article)
    return db


def test_by_month_lists_every_month_with_zeros(db):
    result = trend(db, ["成都", "大运会"], by="month")
    months = [
        "2023-07",
        "2023-08",
        "2023-09",
        "2023-10",
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
        "2024-05",
        "2024-06",
    ]
    assert result.periods == months
    assert result.counts["成都"] == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    assert result.counts["大运会"] == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert result.totals() == {"成都": 4, "大运会": 2}


def test_days_are_china_days(late_db):
    result = trend(late_db, ["成都"], by="day", filters=Filters(since="2023-12-31", until="2024-01-01"))
    assert result.periods == ["2023-12-31", "2024-01-01"]
    assert result.counts["成都"] == [0, 1]
    months = trend(late_db, ["成都"], by="month", filters=Filters(since="2024-01-01", until="2024-02-29"))
    assert months.periods == ["2024-01", "2024-02"]
    assert months.counts["成都"] == [1, 1]  # 2002 is in February in China time


def test_weeks_start_on_monday(db):
    # 2023-07-28 is a Friday and 2023-07-29 a Saturday: one week, starting Monday 2023-07-24
    result = trend(db, ["大运会"], by="week")
    assert result.periods == ["2023-07-24"]
    assert result.counts["大运会"] == [2]
    # 2024-05-20 is a Monday, 2024-06-01 a Saturday (week of 2024-05-27)
    result = trend(db, ["成都"], by="week", filters=Filters(since="2024-05-20", until="2024-06-02"))
    assert result.periods == ["2024-05-20", "2024-05-27"]
    assert result.counts["成都"] == [1, 1]


def test_window_and_channel_filters(db):
    july = datetime(2024, 7, 10, 12, 0, tzinfo=CHINA)
    result = trend(db, ["成都"], by="month", filters=Filters(since="2024-05-01", channel=("cjbd",)), now=july)
    assert result.periods == ["2024-05", "2024-06", "2024-07"]  # --since alone runs to today
    assert result.counts["成都"] == [0, 1, 0]  # 1005 is kjws, 1008 is cjbd
    by_name = trend(
        db, ["成都"], by="month", filters=Filters(since="2024-05-01", channel=("财经报道",)), now=july
    )
    assert by_name.counts == result.counts


def test_relative_since_counts_back_from_now(db):
    now = datetime(2024, 6, 3, 9, 0, tzinfo=CHINA)
    result = trend(db, ["成都"], by="day", filters=Filters(since="3d"), now=now)
    assert result.periods == ["2024-05-31", "2024-06-01", "2024-06-02", "2024-06-03"]
    assert result.counts["成都"] == [0, 1, 0, 0]  # 1008 at 2024-06-01 10:00


def test_exact_like_search(late_db):
    for term in ("成", "成都", "大运会", "AIGC", "5G", "人工智能 OR AIGC", "成都 NOT 大运会"):
        result = trend(late_db, [term], by="day")
        assert sum(result.counts[term]) == Search(term, sort="newest").count(late_db), term
    assert sum(trend(late_db, ["AIGC"]).counts["AIGC"]) == 1  # aigc2 in 1005 is not the word AIGC


def test_a_term_given_twice_is_one_series(db):
    result = trend(db, ["大运会", "大运会"], by="month")
    assert result.terms == ["大运会"] and result.counts == {"大运会": [2]}


def test_no_match_and_no_window_gives_no_periods(db):
    result = trend(db, ["火锅"], by="day")
    assert result.periods == [] and result.counts == {"火锅": []}


def test_no_match_inside_a_window_gives_zeros(db):
    result = trend(db, ["火锅"], by="day", filters=Filters(since="2024-01-01", until="2024-01-03"))
    assert result.periods == ["2024-01-01", "2024-01-02", "2024-01-03"]
    assert result.counts["火锅"] == [0, 0, 0]


@pytest.mark.parametrize(
    "terms, by, message",
    [
        (['"成都'], "day", "unterminated quote"),
        (["成都"], "year", "unknown period"),
        ([], "day", "at least one term"),
        (["  "], "day", "empty"),
    ],
)
def test_bad_input_is_a_query_error(db, terms, by, message):
    with pytest.raises(QueryError, match=message):
        trend(db, terms, by=by)


def test_period_range_months_cross_years():
    assert period_range(date(2023, 11, 15), date(2024, 2, 1), "month") == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]
    assert period_range(date(2024, 2, 28), date(2024, 3, 1), "day") == [
        "2024-02-28",
        "2024-02-29",
        "2024-03-01",
    ]
