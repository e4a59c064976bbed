"""What the dashboard charts show, computed from one read-only SQLite connection (no Datasette needed).

The window is the ``days`` days up to the newest article's day (China time), so a database that is not
crawled every day still shows its last months rather than an empty chart. Counts include every stored
article (near-duplicates too: each is a publication).
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from crawler.channels import CHANNELS
from crawler.search.filters import Filters
from crawler.search.query import QueryError
from crawler.search.trend import BYS, period_range, trend

DEFAULT_DAYS = 90
MAX_DAYS = 3660
TOP_CHANNELS = 8  # the rest are summed as one series
TOP_SOURCES = 10
OTHERS = "其他 (others)"
# China day of an ISO time with any offset: SQLite converts to UTC, then we add 8 hours.
CHINA_DAY = "date(published_at, '+8 hours')"


class BadParameter(ValueError):
    """A dashboard parameter out of range; the message is one line for the page."""


def parse_params(args: dict[str, str | None]) -> dict[str, Any]:
    raw_days = (args.get("days") or str(DEFAULT_DAYS)).strip()
    if not raw_days.isdigit() or not 1 <= int(raw_days) <= MAX_DAYS:
        raise BadParameter(f"days must be a whole number from 1 to {MAX_DAYS}, not {raw_days!r}")
    by = (args.get("by") or "week").strip()
    if by not in BYS:
        raise BadParameter(f"unknown period {by!r} (use {', '.join(BYS)})")
    return {"days": int(raw_days), "by": by, "term": (args.get("term") or "").strip()}


def dashboard_data(
    conn: sqlite3.Connection, *, days: int = DEFAULT_DAYS, by: str = "week", term: str = ""
) -> dict:
    newest = conn.execute(f"SELECT max({CHINA_DAY}) FROM articles").fetchone()[0]
    out: dict[str, Any] = {"days": days, "by": by, "term": term, "term_error": None}
    if newest is None:
        out.update(first=None, last=None, total=0, labels=[], channels=[], sources=[], trend=None)
        return out
    last = date.fromisoformat(newest)
    first = last - timedelta(days=days - 1)
    filters = Filters(since=first.isoformat(), until=last.isoformat())
    where, params = filters.where("articles")
    where_sql = " AND ".join(where)
    labels = period_range(first, last, "day")
    index = {day: i for i, day in enumerate(labels)}

    per_channel: dict[str, list[int]] = {}
    for day, channel, n in conn.execute(
        f"SELECT {CHINA_DAY} AS day, channel, count(*) FROM articles WHERE {where_sql} GROUP BY day, channel",
        params,
    ):
        if day in index:
            per_channel.setdefault(channel or "", [0] * len(labels))[index[day]] += n
    ranked = sorted(per_channel.items(), key=lambda item: (-sum(item[1]), item[0]))
    channels: list[dict[str, Any]] = [
        {"code": code, "name": CHANNELS.get(code, code or "?"), "counts": counts}
        for code, counts in ranked[:TOP_CHANNELS]
    ]
    if len(ranked) > TOP_CHANNELS:
        rest = [sum(values) for values in zip(*(c for _, c in ranked[TOP_CHANNELS:]), strict=True)]
        channels.append({"code": None, "name": OTHERS, "counts": rest})

    sources = [
        {"source": source, "count": n}
        for source, n in conn.execute(
            f"SELECT coalesce(nullif(trim(source), ''), '(none)') AS s, count(*) AS n FROM articles "
            f"WHERE {where_sql} GROUP BY s ORDER BY n DESC, s LIMIT {TOP_SOURCES}",
            params,
        )
    ]
    out.update(
        first=first.isoformat(),
        last=last.isoformat(),
        total=sum(sum(counts) for counts in per_channel.values()),
        labels=labels,
        channels=channels,
        sources=sources,
        trend=None,
    )
    if term:
        try:
            result = trend(Database(conn), [term], by=by, filters=filters, refresh=False)
        except QueryError as exc:
            out["term_error"] = str(exc)
        else:
            out["trend"] = {
                "periods": result.periods,
                "counts": result.counts[term],
                "total": result.totals()[term],
            }
    return out
