"""Trends: how many articles match each term, per day, week or month (China time).

A term is a query in the search language (``成都``, ``人工智能 OR AIGC``), matched exactly as by ``scnews
search``. Counting works on the index alone: a docid is ``epoch * slots + slot`` (crawler/search/index.py;
``slots`` is 4,096 unless the index was re-keyed for a crowded second, ``slots_of``),
so ``(docid / slots + 8 h) / 1 day`` is the China-time day number of the publication: SQLite counts the
matches per day number with integer arithmetic alone, and Python folds the days into weeks or months.
Only the channel, source, editor and author filters join the articles.

Periods are named by their first day: ``2024-04-08`` (a day, or the week starting that Monday) or
``2024-04`` (a month). Every period of the range is listed, those without a match with 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from crawler.search.filters import Filters
from crawler.search.index import index_pending, slots_of, time_key
from crawler.search.query import QueryError, parse, to_fts
from crawler.timewindow import CHINA

BYS = ("day", "week", "month")
CHINA_OFFSET = 8 * 3600


def day_number_sql(slots: int) -> str:
    """The China-time day number (days since 1970-01-01) of a docid: integer arithmetic, no date functions."""
    return f"(search_index.rowid / {int(slots)} + {CHINA_OFFSET}) / 86400"


EPOCH_DAY = date(1970, 1, 1)
MAX_PERIODS = 100_000  # a range this long is a typo (--by day since year 1)


@dataclass
class TrendResult:
    terms: list[str]
    by: str
    periods: list[str]
    counts: dict[str, list[int]]  # term -> one count per period
    filters: Filters = field(default_factory=Filters)

    def totals(self) -> dict[str, int]:
        return {term: sum(values) for term, values in self.counts.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "terms": self.terms,
            "filters": self.filters.to_json(),
            "totals": self.totals(),
            "periods": [
                {"period": p, **{t: self.counts[t][i] for t in self.terms}}
                for i, p in enumerate(self.periods)
            ],
        }


def period_of(day: date, by: str) -> str:
    if by == "day":
        return day.isoformat()
    if by == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    return day.strftime("%Y-%m")


def _next(start: date, by: str) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _first_day(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def period_range(first: date, last: date, by: str) -> list[str]:
    """Every period from the one holding ``first`` to the one holding ``last``, in order."""
    out: list[str] = []
    day = _first_day(first, by)
    while day <= last:
        out.append(period_of(day, by))
        if len(out) > MAX_PERIODS:
            raise QueryError(f"more than {MAX_PERIODS:,} periods: use a larger --by or a shorter window")
        day = _next(day, by)
    return out


def _china_day(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone(CHINA).date()


def _count_sql(
    term_fts: str, filters: Filters, lower: str | None, upper: str | None, slots: int
) -> tuple[str, list[Any]]:
    clauses = ["search_index MATCH ?"]
    params: list[Any] = [term_fts]
    if lower:
        clauses.append("search_index.rowid >= ?")
        params.append(time_key(lower, slots))
    if upper:
        clauses.append("search_index.rowid < ?")
        params.append(time_key(upper, slots))
    source = "search_index"
    if filters.channel or filters.source or filters.editor or filters.author:
        where, values = Filters(
            channel=filters.channel, source=filters.source, editor=filters.editor, author=filters.author
        ).where("a")
        source += " JOIN search_docs d ON d.docid = search_index.rowid JOIN articles a ON a.rowid = d.doc"
        clauses += where
        params += values
    day = day_number_sql(slots)
    sql = f"SELECT {day} AS day, count(*) FROM {source} WHERE {' AND '.join(clauses)} GROUP BY day"
    return sql, params


def validate(terms: list[str], by: str, filters: Filters) -> list[str]:
    """The FTS5 expression of each term; QueryError (one line) for a bad term, --by or filter."""
    if not terms:
        raise QueryError("give at least one term")
    if by not in BYS:
        raise QueryError(f"unknown period {by!r} (use {', '.join(BYS)})")
    filters.validate()
    expressions = []
    for term in terms:
        if not term.strip():
            raise QueryError("a term is empty")
        expressions.append(to_fts(parse(term)))
    return expressions


def trend(
    db: Database,
    terms: list[str],
    *,
    by: str = "day",
    filters: Filters | None = None,
    refresh: bool = True,
    now: datetime | None = None,
) -> TrendResult:
    """Matching articles per period for each term.

    The range is the --since/--until window when given. An open start is the first period holding a match
    of any term; an open end is today (China time) when --since is given, else the last such period.
    """
    filters = filters or Filters()
    terms = list(dict.fromkeys(terms))  # a term given twice is one series
    expressions = validate(terms, by, filters)
    now = (now or datetime.now(CHINA)).astimezone(CHINA)
    lower, upper = filters.window(now=now)
    if refresh:
        index_pending(db)
    found: dict[str, dict[str, int]] = {}
    slots = slots_of(db)
    for term, expression in zip(terms, expressions, strict=True):
        sql, params = _count_sql(expression, filters, lower, upper, slots)
        per_period: dict[str, int] = {}
        for day, n in db.execute(sql, params).fetchall():
            period = period_of(EPOCH_DAY + timedelta(days=day), by)
            per_period[period] = per_period.get(period, 0) + n
        found[term] = per_period
    seen = sorted({p for counts in found.values() for p in counts})
    if lower:
        first = _china_day(lower)
    elif seen:
        first = _parse_period(seen[0])
    else:
        first = None
    if upper:
        last = _china_day(upper) - timedelta(days=1) if _is_midnight(upper) else _china_day(upper)
    elif lower:
        last = now.date()
    elif seen:
        last = _parse_period(seen[-1])
    else:
        last = None
    periods = period_range(first, last, by) if first and last else []
    periods = sorted(set(periods) | set(seen))  # a match published after today still gets its period
    counts = {term: [found[term].get(p, 0) for p in periods] for term in terms}
    return TrendResult(terms=list(terms), by=by, periods=periods, counts=counts, filters=filters)


def _parse_period(period: str) -> date:
    return date.fromisoformat(period if len(period) == 10 else period + "-01")


def _is_midnight(iso: str) -> bool:
    moment = datetime.fromisoformat(iso).astimezone(CHINA)
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
