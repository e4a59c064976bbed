"""Publication dates: compiled regexes for the site's absolute forms, dateparser only for relative ones.

All dates on the site are China time; results are naive datetimes in Asia/Shanghai (UTC+8, no DST), written
out with a fixed "+08:00". A form without a year ("04-11 10:57") takes the year from the article URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

CHINA = timezone(timedelta(hours=8))

_HMS = r"(?:[\s\u3000\xa0]*(?P<H>\d{1,2})\s*[:：]\s*(?P<M>\d{2})(?:\s*[:：]\s*(?P<S>\d{2}))?)?"
# Absolute forms, tried in order; the first match in the text wins.
ABSOLUTE = (
    # 2024年04月11日 10:57
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日" + _HMS),
    # 2024-04-11 10:57:00, [2024-04-11], 2024/04/11, 2024.04.11
    re.compile(
        r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)(?:T|\b)?" + _HMS
    ),
)
# Forms without a year: "04-11 10:57", "4月11日 10:57".
# A time is required, so a dateline "5月23日电" is no date.
NO_YEAR = (
    re.compile(
        r"(?<![\d-])(?P<m>\d{1,2})-(?P<d>\d{1,2})[\s\u3000\xa0]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    ),
    re.compile(
        r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日[\s\u3000\xa0]*(?P<H>\d{1,2})[:：](?P<M>\d{2})"
        r"(?:[:：](?P<S>\d{2}))?"
    ),
)
# Relative forms, handed to dateparser with the fetch time as reference.
RELATIVE = re.compile(
    r"(?:\d+\s*(?:秒|分钟|小时|天|周)前|刚刚|(?:今天|昨天|前天)(?:[\s\u3000\xa0]*\d{1,2}[:：]\d{2})?)"
)


@dataclass(frozen=True)
class PageDate:
    value: datetime  # naive, China time
    year_from_url: bool = False
    # A relative form ("今天 10:57", "3小时前") that, read against the fetch time, falls on another day than
    # the URL's: the page was rendered earlier than fetched (a cached or replayed copy), so the day is the
    # URL's, with the clock of a day-word form ("今天 10:57") and midnight for an offset form.
    stale_relative: bool = False

    def iso(self) -> str:
        return iso_china(self.value)


def iso_china(value: datetime) -> str:
    """ "YYYY-MM-DDTHH:MM:SS+08:00" for a naive China-time datetime."""
    return value.replace(microsecond=0).isoformat() + "+08:00"


def _build(y: int, m: int, d: int, hh: str | None, mm: str | None, ss: str | None) -> datetime | None:
    try:
        return datetime(y, m, d, int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None


def find_date(
    text: str, *, reference: datetime | None = None, url_date: date | None = None
) -> PageDate | None:
    """The first date in ``text`` (a meta line or element), or None.

    ``reference`` (naive China time) resolves relative forms; ``url_date`` supplies a missing year.
    """
    if not text:
        return None
    for pattern in ABSOLUTE:
        for match in pattern.finditer(text):
            value = _build(
                int(match["y"]), int(match["m"]), int(match["d"]), match["H"], match["M"], match["S"]
            )
            if value is not None:
                return PageDate(value)
    if url_date is not None:
        for pattern in NO_YEAR:
            for match in pattern.finditer(text):
                value = _build(
                    url_date.year, int(match["m"]), int(match["d"]), match["H"], match["M"], match["S"]
                )
                if value is not None:
                    return PageDate(value, year_from_url=True)
    if reference is not None:
        relative = RELATIVE.search(text)
        if relative:
            value = parse_relative(relative.group(0), reference)
            if value is not None and url_date is not None and value.date() != url_date:
                rule = _relative_rule(" ".join(relative.group(0).split()))
                clock = rule[2] if rule and rule[0] == "day" else time(0)
                return PageDate(datetime.combine(url_date, clock), stale_relative=True)
            if value is not None:
                return PageDate(value)
    return None


def parse_relative(text: str, reference: datetime) -> datetime | None:
    """A relative Chinese date ("3小时前", "今天 10:57") against ``reference`` (naive China time).

    dateparser reads each distinct phrase once (against two probe times), and its reading is kept as a
    rule: a fixed offset ("3小时前") or a day offset with a time of day ("昨天 10:57"). A crawl meets few
    distinct phrases, and dateparser costs about a millisecond a call.
    """
    rule = _relative_rule(" ".join(text.split()))
    if rule is None:
        return None
    kind, amount, clock = rule
    if kind == "offset":
        return (reference + amount).replace(microsecond=0)
    day = reference.date() - amount
    return datetime.combine(day, clock)


_PROBES = (datetime(2024, 4, 11, 12, 0, 0), datetime(2023, 9, 3, 20, 47, 13))


@lru_cache(maxsize=4096)
def _relative_rule(text: str):
    first, second = (_dateparser(text, probe) for probe in _PROBES)
    if first is None or second is None:
        return None
    p1, p2 = _PROBES
    if first - p1 == second - p2:
        return ("offset", first - p1, None)
    if first.time() == second.time() and (p1.date() - first.date()) == (p2.date() - second.date()):
        return ("day", p1.date() - first.date(), first.time())
    return None


def _dateparser(text: str, reference: datetime) -> datetime | None:
    import dateparser  # slow to import and to run: only ever reached for relative forms

    value = dateparser.parse(
        text,
        languages=["zh"],
        settings={
            "RELATIVE_BASE": reference,
            "TIMEZONE": "Asia/Shanghai",
            "TO_TIMEZONE": "Asia/Shanghai",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_DATES_FROM": "past",
        },
    )
    return value.replace(microsecond=0) if value else None


def parse_fetched_at(value: datetime | str | None) -> datetime | None:
    """``fetched_at`` as an aware datetime (naive input is taken as China time); ValueError when malformed."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime):
        raise ValueError(f"fetched_at must be a datetime or an ISO 8601 string, not {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA)
    return value


def china_naive(value: datetime) -> datetime:
    """An aware datetime as naive China time."""
    return value.astimezone(CHINA).replace(tzinfo=None)


def url_day(text: str | None) -> date | None:
    """The YYYY-MM-DD date of an article URL, or None."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
