"""Moments a user types for ``--since`` / ``--until``, the same words for every command.

Accepted: a duration before now (``30m``, ``12h``, ``2d``, ``2w``), ``today``, ``yesterday``, a date
(``2024-04-01``) or a date and time (``2024-04-01T08:30``, ``2024-04-01 08:30:15``, with or without an
offset).
Times without an offset are China time, as everything on the site is.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))

_DURATION = re.compile(r"^(\d{1,5})([mhdw])$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HINT = "use 2d, 12h, 30m, 2w, today, yesterday, YYYY-MM-DD or YYYY-MM-DDTHH:MM"


class BadMoment(ValueError):
    """The text names no moment; the message says so in one line."""


def parse_moment(text: str | None, now: datetime, *, day_end: bool = False) -> datetime:
    """The moment ``text`` names, in China time.

    With ``day_end``, a value naming a whole day (a date, ``today``, ``yesterday``) gives the first moment
    after that day: an exclusive upper bound, so ``--until 2024-04-01`` includes all of that day.
    """
    value = (text or "").strip()
    now = now.astimezone(CHINA)
    if value.lower() in ("today", "yesterday"):
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if value.lower() == "yesterday":
            day -= timedelta(days=1)
    elif match := _DURATION.match(value):
        moment = now - timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
        return moment.replace(microsecond=0)
    elif _DATE.match(value):
        try:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=CHINA)
        except ValueError:
            raise BadMoment(f"not a valid date: {text!r} ({HINT})") from None
    else:
        try:
            moment = datetime.fromisoformat(value.replace(" ", "T", 1))
        except ValueError:
            raise BadMoment(f"not a valid date: {text!r} ({HINT})") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=CHINA)
        return moment.astimezone(CHINA)
    return day + timedelta(days=1) if day_end else day
