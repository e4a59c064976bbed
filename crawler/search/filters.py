"""Filters shared by search, export and watches: time window, channel, source, editor, author.

Every value reaches SQL as a bound parameter; a bad value raises QueryError with a one-line message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from crawler.channels import CHANNELS
from crawler.search.query import QueryError
from crawler.timewindow import CHINA as SITE_TZ
from crawler.timewindow import BadMoment, parse_moment


def parse_when(value: str, *, end: bool = False, now: datetime | None = None) -> str:
    """A --since/--until value -> an ISO bound comparable with ``published_at`` (+08:00).

    The words are those of crawler.timewindow; with ``end`` a bare date means the end of that day (an
    inclusive --until, returned as the exclusive start of the next day).
    """
    try:
        moment = parse_moment(value, now or datetime.now(SITE_TZ), day_end=end)
    except BadMoment as exc:
        raise QueryError(str(exc)) from None
    return moment.isoformat()


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
