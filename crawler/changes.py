"""Edits and withdrawals of stored articles: readable diffs, and the ``changes`` log as a monitor reads it.

The log is written by the store (``crawler.storage``: ``edited`` when a re-fetch differs, ``restored`` when a
withdrawn article is stored again) and by the revisits (``mark_removed``: ``removed``). This module turns
content into diffs and reads the log back: ``list_changes`` for ``scnews changes``, ``history`` for
``scnews show`` and ``changes_for_watch`` for the watches. No Scrapy here.

Diffs run over paragraphs (``difflib``): an unchanged paragraph is not shown; a paragraph edited in place is
one ``~`` line with the removed text in ``[-...-]`` and the added text in ``{+...+}`` (Chinese has no spaces
to diff words by, so the inline diff is by character); a paragraph added or dropped is a ``+`` or ``-`` line.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from crawler.database import CHANGE_KINDS

DIFF_FIELDS = ("title", "source", "editor", "authors", "images", "body")
_INLINE_MIN_RATIO = 0.5  # below this similarity an edited paragraph reads better as - and + lines


def _decoded(name: str, value: Any) -> Any:
    if name in ("authors", "images") and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The versioned fields whose values differ (JSON text and decoded lists compare alike)."""
    return [f for f in DIFF_FIELDS if _decoded(f, old.get(f)) != _decoded(f, new.get(f))]


def _show(name: str, value: Any) -> str:
    value = _decoded(name, value)
    if name == "authors":
        return "、".join(value or []) or "(none)"
    if value in (None, ""):
        return "(none)"
    return str(value)


def inline_diff(old: str, new: str) -> str:
    """``old`` turned into ``new`` with ``[-removed-]`` and ``{+added+}`` marks, by character.

    One unchanged character between two changes joins them (28.6 -> 29.1 reads ``2[-8.6-]{+9.1+}``, not
    ``2[-8-]{+9+}.[-6-]{+1+}``).
    """
    runs: list[list[str]] = []  # [kind, old text, new text], kind "=" or "~"
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        kind = "=" if op == "equal" else "~"
        if (
            kind == "~"
            and len(runs) >= 2
            and runs[-1][0] == "="
            and len(runs[-1][1]) == 1
            and runs[-2][0] == "~"
        ):
            joint = runs.pop()[1]
            runs[-1][1] += joint + old[i1:i2]
            runs[-1][2] += joint + new[j1:j2]
        elif kind == "~" and runs and runs[-1][0] == "~":
            runs[-1][1] += old[i1:i2]
            runs[-1][2] += new[j1:j2]
        else:
            runs.append([kind, old[i1:i2], new[j1:j2]])
    out: list[str] = []
    for kind, before, after in runs:
        if kind == "=":
            out.append(before)
            continue
        if before:
            out.append(f"[-{before}-]")
        if after:
            out.append(f"{{+{after}+}}")
    return "".join(out)


def paragraph_diff(old_body: str, new_body: str) -> list[str]:
    """Lines for the paragraphs that differ: ``@@ ¶N`` headers, then ``~``, ``-`` and ``+`` lines."""
    old = [p for p in (old_body or "").split("\n") if p.strip()]
    new = [p for p in (new_body or "").split("\n") if p.strip()]
    lines: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        lines.append(f"@@ ¶{j1 + 1}" if j2 > j1 else f"@@ ¶{i1 + 1} (old)")
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False)) if op == "replace" else []
        if pairs and all(
            difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= _INLINE_MIN_RATIO for a, b in pairs
        ):
            lines += [f"~ {inline_diff(a, b)}" for a, b in pairs]
            lines += [f"- {p}" for p in old[i1 + len(pairs) : i2]]
            lines += [f"+ {p}" for p in new[j1 + len(pairs) : j2]]
        else:
            lines += [f"- {p}" for p in old[i1:i2]]
            lines += [f"+ {p}" for p in new[j1:j2]]
    return lines


def readable_diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What changed from ``old`` to ``new`` (article rows or records), one field after the other."""
    lines: list[str] = []
    for name in changed_fields(old, new):
        if name == "body":
            lines.append("body:")
            lines += ["  " + line for line in paragraph_diff(old.get("body") or "", new.get("body") or "")]
        elif name == "images":
            before = {i.get("url"): i for i in _decoded(name, old.get(name)) or [] if isinstance(i, dict)}
            after = {i.get("url"): i for i in _decoded(name, new.get(name)) or [] if isinstance(i, dict)}
            lines.append("images:")
            lines += [f"  - {url}" for url in before if url not in after]
            lines += [f"  + {url}" for url in after if url not in before]
            lines += [
                f"  ~ {url}: {before[url].get('caption') or '(no caption)'} → "
                f"{after[url].get('caption') or '(no caption)'}"
                for url in after
                if url in before and before[url] != after[url]
            ]
        else:
            old_text, new_text = _show(name, old.get(name)), _show(name, new.get(name))
            lines.append(f"{name}: {old_text} → {new_text}")
            if name == "title":
                lines.append(f"  ~ {inline_diff(old_text, new_text)}")
    return "\n".join(lines)


# --- reading the log --------------------------------------------------------------------------------------

CHANGE_COLUMNS = (
    "c.id, c.detected_at, c.kind, c.article_id, c.reason, c.http_status, c.fields, v.diff, a.title, "
    "a.url, a.channel, a.channel_name, a.source, a.published_at, a.removed_at"
)
CHANGE_FROM = (
    "changes c JOIN articles a ON a.article_id = c.article_id "
    "LEFT JOIN article_versions v ON v.id = c.version_id"
)


@dataclass
class ChangeQuery:
    since: datetime | None = None
    kinds: tuple[str, ...] = ()
    article_ids: tuple[str, ...] | None = None
    after_id: int | None = None
    limit: int | None = None

    def sql(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            clauses.append("julianday(c.detected_at) >= julianday(?)")
            params.append(self.since.isoformat())
        if self.kinds:
            clauses.append(f"c.kind IN ({', '.join('?' * len(self.kinds))})")
            params += list(self.kinds)
        if self.article_ids is not None:
            clauses.append(f"c.article_id IN ({', '.join('?' * len(self.article_ids)) or 'NULL'})")
            params += list(self.article_ids)
        if self.after_id is not None:
            clauses.append("c.id > ?")
            params.append(self.after_id)
        sql = f"SELECT {CHANGE_COLUMNS} FROM {CHANGE_FROM}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY c.detected_at DESC, c.id DESC"
        if self.limit is not None:
            sql += " LIMIT ?"
            params.append(self.limit)
        return sql, params


def list_changes(db: Database, query: ChangeQuery) -> list[dict[str, Any]]:
    """The changes the query selects, newest first."""
    for kind in query.kinds:
        if kind not in CHANGE_KINDS:
            raise ValueError(f"unknown kind {kind!r} (one of {', '.join(CHANGE_KINDS)})")
    sql, params = query.sql()
    return [dict(row) for row in db.query(sql, params)]


def history(db: Database, article_id: str) -> list[dict[str, Any]]:
    """An article's changes, oldest first, each edit with its diff (for ``scnews show``)."""
    return list(reversed(list_changes(db, ChangeQuery(article_ids=(article_id,)))))


def max_change_id(db: Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]


def changes_for_watch(db: Database, query: str, filters: Any, after_id: int, upto_id: int) -> list[dict]:
    """Changes ``after_id < id <= upto_id`` of articles that match a watch's query and filters."""
    from crawler.search.query import parse, to_fts

    changed = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT article_id FROM changes WHERE id > ? AND id <= ?", [after_id, upto_id]
        )
    ]
    if not changed:
        return []
    clauses, params = filters.where("a")
    marks = ", ".join("?" * len(changed))
    sql = (
        "SELECT a.article_id FROM search_index JOIN search_docs d ON d.docid = search_index.rowid "
        f"JOIN articles a ON a.rowid = d.doc WHERE search_index MATCH ? AND a.article_id IN ({marks})"
    )
    sql += "".join(f" AND {c}" for c in clauses)
    matching = {row[0] for row in db.execute(sql, [to_fts(parse(query)), *changed, *params])}
    if not matching:
        return []
    found = list_changes(db, ChangeQuery(article_ids=tuple(sorted(matching)), after_id=after_id))
    return [c for c in found if c["id"] <= upto_id]


# --- output -----------------------------------------------------------------------------------------------


def describe(change: dict[str, Any]) -> str:
    """One line saying what happened: the edited fields, why it counts as removed, or that it is back."""
    if change["kind"] == "edited":
        return "edited: " + (change.get("fields") or "").replace(",", ", ")
    if change["kind"] == "removed":
        return "removed: " + (change.get("reason") or "withdrawn")
    return "restored: online again"


def china_time(value: str | None) -> str:
    """A stored UTC time as China time to the minute (``2026-12-01 20:35``), as the site shows times."""
    from crawler.timewindow import CHINA

    try:
        return datetime.fromisoformat(value or "").astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return (value or "-")[:16]


def format_table(changes: list[dict[str, Any]], *, diffs: bool = True) -> str:
    """One block per change: when (China time), kind, channel and id; title; what happened; diff; URL."""
    lines: list[str] = []
    for c in changes:
        when = china_time(c.get("detected_at"))
        lines.append(f"{when}  {c['kind']:<8}  {c.get('channel_name') or '-'}  #{c['article_id']}")
        lines.append(f"  {c.get('title') or '(no title)'}")
        lines.append(f"  {describe(c)}")
        if diffs and c.get("diff"):
            lines += ["    " + line for line in c["diff"].splitlines()]
        lines.append(f"  {c.get('url') or ''}")
        lines.append("")
    return "\n".join(lines).rstrip("\n")
