"""The crawl's arguments: parsing and validation shared by ``scnews crawl`` and ``scrapy crawl -a``.

Every function raises ``CrawlArgumentError`` with a one-line message a user can act on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import SplitResult, urlsplit

from crawler.channels import CHANNELS
from crawler.timewindow import BadMoment, parse_moment


class CrawlArgumentError(ValueError):
    """A crawl argument a user gave is not valid; the message says why in one line."""


def parse_when(text: str, now: datetime, *, name: str = "--since", end_of_day: bool = False) -> datetime:
    """A moment in the words of crawler.timewindow (``2d``, ``12h``, ``today``, ``2024-04-01``, ...).

    With ``end_of_day`` a value naming a whole day means its last second (an inclusive ``--until``).
    """
    try:
        moment = parse_moment(text, now, day_end=end_of_day)
    except BadMoment as exc:
        raise CrawlArgumentError(f"{name}: {exc}") from None
    if end_of_day and moment != parse_moment(text, now):
        moment -= timedelta(seconds=1)
    return moment


def parse_base_url(value: str, name: str = "SCNEWS_BASE_URL") -> tuple[str, SplitResult]:
    """The site (or replica) origin the crawl starts from: an http(s) URL, without a trailing slash."""
    base = str(value).strip().rstrip("/")
    try:
        parts = urlsplit(base)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise CrawlArgumentError(f"{name}: {value!r} is not an http(s) URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CrawlArgumentError(f"{name}: {value!r} is not an http(s) URL")
    return base, parts


def parse_channels(text: str | None) -> list[str]:
    """``cjbd,bwbd`` -> ["cjbd", "bwbd"]; empty -> every known channel. Unknown codes are an error."""
    if not text or not str(text).strip():
        return list(CHANNELS)
    codes = [c.strip() for c in str(text).split(",") if c.strip()]
    unknown = [c for c in codes if c not in CHANNELS]
    if unknown:
        raise CrawlArgumentError(
            f"unknown channel {', '.join(unknown)} (known: {', '.join(sorted(CHANNELS))})"
        )
    return list(dict.fromkeys(codes))


def parse_positive_int(value: object, name: str) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise CrawlArgumentError(f"{name}: {value!r} is not a whole number") from None
    if number < 1:
        raise CrawlArgumentError(f"{name}: must be at least 1, got {number}")
    return number


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")
