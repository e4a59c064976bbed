"""Retry-After parsing (seconds or an HTTP date) for the back-off retry middleware."""

from datetime import UTC, datetime

from crawler.middlewares import retry_after_seconds

NOW = datetime(2024, 4, 11, 4, 0, 0, tzinfo=UTC)


def test_seconds():
    assert retry_after_seconds(b"120", NOW) == 120.0
    assert retry_after_seconds(" 3 ", NOW) == 3.0


def test_http_date():
    assert retry_after_seconds(b"Thu, 11 Apr 2024 04:00:30 GMT", NOW) == 30.0
    assert retry_after_seconds(b"Thu, 11 Apr 2024 03:59:00 GMT", NOW) == 0.0  # in the past: now


def test_absent_or_bad():
    assert retry_after_seconds(None, NOW) is None
    assert retry_after_seconds(b"", NOW) is None
    assert retry_after_seconds(b"soon", NOW) is None
