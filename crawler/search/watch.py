"""Standing searches ("watches") kept in the database, and what each found since it last ran.

A watch remembers the highest ``articles.rowid`` it has reported (rowids only grow as articles are stored),
so ``run_watches`` reports each stored article once, whichever tool wrote it, and a cron line can mail the
output. A new watch starts from the articles stored after it was added. It also reports the edits,
withdrawals and reappearances (``changes``, crawler/changes.py) of the articles it matches, each once
(it remembers the highest ``changes.id`` reported, ``last_change_id``).
Feeds of a watch (``feed.py``) keep no marker and move neither of these.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from crawler.changes import changes_for_watch, max_change_id
from crawler.search.engine import Search
from crawler.search.filters import Filters
from crawler.search.index import index_pending
from crawler.search.query import QueryError, parse

_NAME = re.compile(r"^[^\s/\\]{1,64}$")


@dataclass
class WatchResult:
    name: str
    query: str
    filters: dict[str, Any]
    articles: list[dict[str, Any]] = field(default_factory=list)
    upto_rowid: int = 0  # what marking this result reported moves the watch past
    changes: list[dict[str, Any]] = field(default_factory=list)  # edits/withdrawals of its matches
    upto_change_id: int = 0


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _max_rowid(db: Database) -> int:
    return db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]


def add_watch(db: Database, name: str, query: str, filters: Filters) -> dict[str, Any]:
    if not _NAME.match(name or ""):
        raise QueryError(f"bad watch name {name!r}: 1-64 characters, no spaces or slashes")
    parse(query)
    filters.validate()
    if db.execute("SELECT 1 FROM watches WHERE name = ?", [name]).fetchone():
        raise QueryError(f"a watch named {name!r} already exists (remove it first: scnews watch rm {name})")
    row = {
        "name": name,
        "query": query,
        "filters": json.dumps(filters.to_json(), ensure_ascii=False),
        "created_at": _now(),
        "last_run": None,
        "last_rowid": _max_rowid(db),
        "last_change_id": max_change_id(db),
    }
    with db.atomic():
        db.table("watches").insert(row)
    return row


def list_watches(db: Database) -> list[dict[str, Any]]:
    return [
        {**r, "filters": json.loads(r["filters"] or "{}")}
        for r in db.query("SELECT * FROM watches ORDER BY name")
    ]


def get_watch(db: Database, name: str) -> dict[str, Any]:
    for watch in list_watches(db):
        if watch["name"] == name:
            return watch
    raise QueryError(f"no watch named {name!r} (see: scnews watch list)")


def remove_watch(db: Database, name: str) -> None:
    with db.atomic():
        if db.execute("DELETE FROM watches WHERE name = ?", [name]).rowcount == 0:
            raise QueryError(f"no watch named {name!r} (see: scnews watch list)")


def run_watches(db: Database, name: str | None = None, *, update: bool = True) -> list[WatchResult]:
    """New matches of one watch (or all), newest first; marks them reported unless ``update`` is False.

    A caller that delivers the results somewhere that can fail (a file) passes ``update=False`` and calls
    ``mark_reported`` once they are delivered, so a failed delivery loses nothing.
    """
    watches = list_watches(db)
    if name is not None:
        watches = [w for w in watches if w["name"] == name]
        if not watches:
            raise QueryError(f"no watch named {name!r} (see: scnews watch list)")
    index_pending(db)
    upto = _max_rowid(db)
    upto_change = max_change_id(db)
    results = []
    for watch in watches:
        search = Search(
            watch["query"],
            filters=Filters.from_json(watch["filters"]),
            sort="newest",
            limit=None,
            after_rowid=watch["last_rowid"] or 0,
            upto_rowid=upto,
        )
        articles = list(search.run(db, refresh=False))
        changes = changes_for_watch(
            db,
            watch["query"],
            Filters.from_json(watch["filters"]),
            watch.get("last_change_id") or 0,
            upto_change,
        )
        results.append(
            WatchResult(watch["name"], watch["query"], watch["filters"], articles, upto, changes, upto_change)
        )
    if update:
        mark_reported(db, results)
    return results


def mark_reported(db: Database, results: list[WatchResult]) -> None:
    """Move each watch past what ``results`` reported (the next run starts after it)."""
    if not results:
        return
    with db.atomic():
        for result in results:
            db.execute(
                "UPDATE watches SET last_run = ?, last_rowid = max(coalesce(last_rowid, 0), ?), "
                "last_change_id = max(coalesce(last_change_id, 0), ?) WHERE name = ?",
                [_now(), result.upto_rowid, result.upto_change_id, result.name],
            )
