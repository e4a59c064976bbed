"""The crawl's arguments: parsing and validation shared by ``scnews crawl`` and ``scrapy crawl -a``.

Every function raises ``CrawlArgumentError`` with a one-line message a user can act on.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from crawler.channels import CHANNELS

CHINA = timezone(timedelta(hours=8))

_RELATIVE = re.compile(r"^\s*(\d+)\s*([dhm])\s*$", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class CrawlArgumentError(ValueError):
    """A crawl argument a user gave is not valid; the message says why in one line."""


def parse_when(text: str, now: datetime, *, name: str = "--since", end_of_day: bool = False) -> datetime:
    """``2d``, ``12h``, ``30m`` (before ``now``), ``2024-04-01`` or ``2024-04-01T08:00`` (China time)."""
    value = (text or "").strip()
    match = _RELATIVE.match(value)
    if match:
        return now - timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise CrawlArgumentError(
            f"{name}: {text!r} is neither a duration (2d, 12h, 30m) nor a date (2024-04-01)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=CHINA)
    if end_of_day and len(value) == 10:
        when = when + timedelta(days=1) - timedelta(seconds=1)
    return when


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
