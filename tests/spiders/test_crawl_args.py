"""Crawl arguments: durations, dates, channels; every bad value is one clear error."""

from datetime import datetime

import pytest

from crawler.crawl_args import CrawlArgumentError, parse_channels, parse_positive_int, parse_when
from crawler.timewindow import CHINA

NOW = datetime(2024, 4, 11, 12, 0, tzinfo=CHINA)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2d", datetime(2024, 4, 9, 12, 0, tzinfo=CHINA)),
        ("12h", datetime(2024, 4, 11, 0, 0, tzinfo=CHINA)),
        ("30m", datetime(2024, 4, 11, 11, 30, tzinfo=CHINA)),
        ("2024-04-01", datetime(2024, 4, 1, 0, 0, tzinfo=CHINA)),
        ("2024-04-01T08:30", datetime(2024, 4, 1, 8, 30, tzinfo=CHINA)),
        ("yesterday", datetime(2024, 4, 10, 0, 0, tzinfo=CHINA)),
        ("1w", datetime(2024, 4, 4, 12, 0, tzinfo=CHINA)),
    ],
)
def test_parse_when(text, expected):
    assert parse_when(text, NOW) == expected


def test_until_a_date_means_the_end_of_that_day():
    assert parse_when("2024-04-01", NOW, end_of_day=True) == datetime(2024, 4, 1, 23, 59, 59, tzinfo=CHINA)


def test_until_yesterday_is_the_whole_of_yesterday():
    assert parse_when("yesterday", NOW, end_of_day=True) == datetime(2024, 4, 10, 23, 59, 59, tzinfo=CHINA)
    assert parse_when("2024-04-01T08:30", NOW, end_of_day=True) == datetime(2024, 4, 1, 8, 30, tzinfo=CHINA)


@pytest.mark.parametrize("text", ["last tuesday", "2d3h", "2024-13-01", "", "-2d"])
def test_bad_when_is_one_clear_error(text):
    with pytest.raises(CrawlArgumentError, match="--since"):
        parse_when(text, NOW)


def test_channels():
    assert parse_channels("cjbd, bwbd,cjbd") == ["cjbd", "bwbd"]
    assert "scxw" in parse_channels(None) and len(parse_channels("")) == 22
    with pytest.raises(CrawlArgumentError, match="unknown channel nosuch"):
        parse_channels("cjbd,nosuch")


def test_positive_int():
    assert parse_positive_int("3", "--max-pages") == 3
    for bad in ("0", "x", "-1"):
        with pytest.raises(CrawlArgumentError, match="--max-pages"):
            parse_positive_int(bad, "--max-pages")
