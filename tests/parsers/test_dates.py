from datetime import UTC, date, datetime, timedelta

import pytest

from crawler.parsers.dates import find_date, iso_china, parse_fetched_at

REF = datetime(2024, 4, 11, 12, 0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024年04月11日 10:57 来源：四川日报", "2024-04-11T10:57:00+08:00"),
        ("2024年4月1日", "2024-04-01T00:00:00+08:00"),
        ("发布时间：2024-04-11 10:57:00", "2024-04-11T10:57:00+08:00"),
        ("[2024-04-11]", "2024-04-11T00:00:00+08:00"),
        ("2013/05/20 08:03", "2013-05-20T08:03:00+08:00"),
        ("2026年10月06日 14:02\u3000来源：中国新闻网", "2026-10-06T14:02:00+08:00"),
    ],
)
def test_absolute_forms(text, expected):
    assert find_date(text).iso() == expected


def test_impossible_date_is_skipped_for_the_next_one():
    assert find_date("2024-13-45 | 2024-04-11 09:00").iso() == "2024-04-11T09:00:00+08:00"


def test_missing_year_comes_from_url():
    found = find_date("04-11 10:57", url_date=date(2024, 4, 11))
    assert found.iso() == "2024-04-11T10:57:00+08:00" and found.year_from_url
    assert find_date("4月11日 10:57:09", url_date=date(2024, 4, 11)).iso() == "2024-04-11T10:57:09+08:00"
    assert find_date("04-11 10:57") is None  # no URL, no year: no date


def test_dateline_day_is_not_a_date():
    assert find_date("中新网四川新闻5月23日电 (杨勇)", url_date=date(2024, 5, 23)) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3小时前", "2024-04-11T09:00:00+08:00"),
        ("今天 10:57", "2024-04-11T10:57:00+08:00"),
        ("昨天 08:30", "2024-04-10T08:30:00+08:00"),
    ],
)
def test_relative_forms_use_the_reference(text, expected):
    assert find_date(text, reference=REF).iso() == expected


def test_relative_form_on_the_urls_day_is_kept():
    found = find_date("3小时前", reference=REF, url_date=date(2024, 4, 11))
    assert found.iso() == "2024-04-11T09:00:00+08:00" and not found.stale_relative
    yesterday = find_date("昨天 23:50", reference=REF, url_date=date(2024, 4, 10))
    assert yesterday.iso() == "2024-04-10T23:50:00+08:00"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("今天 10:57", "2024-09-10T10:57:00+08:00"),  # the clock of a day-word form still holds
        ("昨天 08:30", "2024-09-10T08:30:00+08:00"),
        ("3小时前", "2024-09-10T00:00:00+08:00"),  # an offset form says nothing about the time of day
    ],
)
def test_relative_form_from_a_page_rendered_another_day_takes_the_urls_day(text, expected):
    # Fetched 2024-04-11, URL dated 2024-09-10: "今天" cannot be the fetch day; the page is a stale copy.
    found = find_date(text, reference=REF, url_date=date(2024, 9, 10))
    assert found.iso() == expected and found.stale_relative


def test_relative_form_without_reference_is_no_date():
    assert find_date("3小时前") is None


def test_fetched_at_parsing():
    assert parse_fetched_at("2024-04-11T12:00:00+08:00").isoformat() == "2024-04-11T12:00:00+08:00"
    assert parse_fetched_at(datetime(2024, 4, 11, 12)).utcoffset() == timedelta(hours=8)
    assert parse_fetched_at(datetime(2024, 4, 11, 4, tzinfo=UTC)).hour == 4
    assert parse_fetched_at(None) is None
    with pytest.raises(ValueError):
        parse_fetched_at("yesterday")


def test_iso_china_drops_microseconds():
    assert iso_china(datetime(2024, 4, 11, 10, 57, 3, 999)) == "2024-04-11T10:57:03+08:00"


@pytest.mark.parametrize(
    "text, reference, expected",
    [
        ("3小时前", datetime(2025, 1, 1, 1, 30), "2024-12-31T22:30:00+08:00"),
        ("昨天 23:10", datetime(2024, 3, 1, 0, 5), "2024-02-29T23:10:00+08:00"),
        ("今天 07:00", datetime(2026, 10, 6, 9, 0), "2026-10-06T07:00:00+08:00"),
        ("45分钟前", datetime(2024, 4, 11, 0, 20), "2024-04-10T23:35:00+08:00"),
    ],
)
def test_relative_readings_hold_for_any_reference(text, reference, expected):
    assert find_date(text, reference=reference).iso() == expected
