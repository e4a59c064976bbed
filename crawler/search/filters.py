"""Filters shared by search, export and watches: time window, channel, source, editor, author.

Every value reaches SQL as a bound parameter; a bad value raises QueryError with a one-line message.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from crawler.channels import CHANNELS
from crawler.search.query import QueryError

SITE_TZ = timezone(timedelta(hours=8))
_RELATIVE = re.compile(r"^(\d{1,5})([dhw])$")
_UNITS = {"d": "days", "h": "hours", "w": "weeks"}


def parse_when(value: str, *, end: bool = False, now: datetime | None = None) -> str:
    """A --since/--until value -> an ISO bound comparable with ``published_at`` (+08:00).

    Accepts YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], 'today', 'yesterday' and relative '7d', '12h', '2w'.
    With ``end`` a bare date means the end of that day (an inclusive --until).
    """
    text = value.strip()
    now = (now or datetime.now(SITE_TZ)).astimezone(SITE_TZ)
    day: datetime | None = None
    if text in ("today", "yesterday"):
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if text == "yesterday":
            day -= timedelta(days=1)
    elif m := _RELATIVE.match(text):
        moment = now - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
        return moment.replace(microsecond=0).isoformat()
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=SITE_TZ)
        except ValueError:
            raise QueryError(f"not a valid date: {value!r} (use YYYY-MM-DD)") from None
    else:
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            raise QueryError(
                f"not a valid date: {value!r} (use YYYY-MM-DD, YYYY-MM-DDTHH:MM, today, yesterday or 7d)"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SITE_TZ)
        return moment.astimezone(SITE_TZ).isoformat()
    if end:
        day += timedelta(days=1)
    return day.isoformat()


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass
class Filters:
    since: str | None = None
    until: str | None = None
    channel: tuple[str, ...] = field(default_factory=tuple)
    source: tuple[str, ...] = field(default_factory=tuple)
    editor: tuple[str, ...] = field(default_factory=tuple)
    author: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if v}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Filters:
        data = dict(data or {})
        for key in ("channel", "source", "editor", "author"):
            data[key] = tuple(data.get(key) or ())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def validate(self) -> None:
        self.where("a")

    def window(self, *, now: datetime | None = None) -> tuple[str | None, str | None]:
        """The time window as ISO bounds (+08:00): published_at >= lower and < upper."""
        lower = parse_when(self.since, now=now) if self.since else None
        upper = parse_when(self.until, end=True, now=now) if self.until else None
        if lower and upper and lower >= upper:
            raise QueryError(f"--since {self.since} is not before --until {self.until}")
        return lower, upper

    def where(self, alias: str = "a", *, now: datetime | None = None) -> tuple[list[str], list[Any]]:
        """SQL conditions (on ``articles`` aliased ``alias``) and their parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        lower, upper = self.window(now=now)
        if lower:
            clauses.append(f"{alias}.published_at >= ?")
            params.append(lower)
        if upper:
            clauses.append(f"{alias}.published_at < ?")
            params.append(upper)
        if self.channel:
            codes = []
            for value in self.channel:
                value = value.strip()
                code = (
                    value
                    if value in CHANNELS
                    else next((c for c, name in CHANNELS.items() if name == value), None)
                )
                if code is None:
                    raise QueryError(
                        f"unknown channel {value!r} (use a code or name, e.g. scxw or 四川新闻; "
                        f"known codes: {', '.join(sorted(CHANNELS))})"
                    )
                codes.append(code)
            clauses.append(f"{alias}.channel IN ({','.join('?' * len(codes))})")
            params.extend(codes)
        for column, values in (("source", self.source), ("editor", self.editor)):
            if values:
                if any(not v.strip() for v in values):
                    raise QueryError(f"--{column} needs a non-empty value")
                clauses.append(
                    "(" + " OR ".join(f"{alias}.{column} LIKE ? ESCAPE '\\'" for _ in values) + ")"
                )
                params.extend(_like(v.strip()) for v in values)
        if self.author:
            if any(not v.strip() for v in self.author):
                raise QueryError("--author needs a non-empty value")
            clauses.append(
                f"EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid({alias}.authors) "
                f"THEN {alias}.authors ELSE '[]' END) j "
                f"WHERE j.value IN ({','.join('?' * len(self.author))}))"
            )
            params.extend(v.strip() for v in self.author)
        return clauses, params


def accepts(filters: Filters, record: dict[str, Any], *, now: datetime | None = None) -> bool:
    """The same filters evaluated in Python on one article (used by Datasette's watch queries)."""
    import json

    lower = parse_when(filters.since, now=now) if filters.since else None
    upper = parse_when(filters.until, end=True, now=now) if filters.until else None
    published = record.get("published_at")
    if lower and (published is None or published < lower):
        return False
    if upper and (published is None or published >= upper):
        return False
    if filters.channel:
        codes = {
            c if c in CHANNELS else next((k for k, n in CHANNELS.items() if n == c), c)
            for c in filters.channel
        }
        if record.get("channel") not in codes:
            return False
    for column in ("source", "editor"):
        wanted = getattr(filters, column)
        if wanted and not any(w.strip().casefold() in (record.get(column) or "").casefold() for w in wanted):
            return False
    if filters.author:
        try:
            authors = json.loads(record.get("authors") or "[]")
        except ValueError:
            authors = []
        if not set(authors) & {a.strip() for a in filters.author}:
            return False
    return True
