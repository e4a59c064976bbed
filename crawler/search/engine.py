"""Running a search or a filtered listing over ``articles`` (the index is brought up to date first)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from crawler.search.filters import Filters
from crawler.search.index import SLOTS, index_pending, slots_of, time_key
from crawler.search.query import Node, QueryError, highlight_spans, parse, to_fts
from crawler.search.records import decode
from crawler.search.snippet import snippet

SORTS = ("relevance", "newest", "oldest", "stored")  # stored: the last stored first (feeds)
FTS_JOIN = (
    "search_index JOIN search_docs d ON d.docid = search_index.rowid JOIN articles a ON a.rowid = d.doc"
)
# bm25 weights for the (title, body) columns: a hit in the title counts five times as much.
TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0
RESULT_COLUMNS = (
    "article_id, url, title, published_at, channel, channel_name, source, editor, authors, "
    "template, duplicate_of, first_seen"
)


@dataclass
class Search:
    query: str | None = None
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    limit: int | None = 20
    offset: int = 0  # results skipped first (paging)
    after_rowid: int | None = None  # only rows stored after this one (watches)
    upto_rowid: int | None = None  # ... and not after this one
    columns: str = RESULT_COLUMNS
    slots: int = SLOTS  # docids per publication second of the index searched (set by run and count)

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r} (use {', '.join(SORTS)})")
        if self.limit is not None and self.limit < 1:
            raise QueryError("--limit must be at least 1")
        if self.offset < 0:
            raise QueryError("--offset must be 0 or more")
        self.tree: Node | None = parse(self.query) if self.query is not None else None
        self.filters.validate()

    def sql(self) -> tuple[str, list[Any]]:
        if self.tree is not None and self.sort == "relevance" and self._window_only():
            return self._ranked_sql()
        if self.tree is not None and self.sort == "stored":
            return self._stored_sql()
        clauses, params = self.filters.where("a")
        self._rowid_window(clauses, params)
        if self.tree is not None:
            select = (
                f"SELECT a.rowid AS _rowid, {_prefixed(self.columns)}, "
                f"bm25(search_index, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score, a.body AS _body "
                f"FROM {FTS_JOIN}"
            )
            self._match(clauses, params)
            order = {
                "relevance": "score, search_index.rowid DESC",
                "newest": "search_index.rowid DESC",  # docids are publication-time keys
                "oldest": "search_index.rowid",
            }[self.sort]
        else:
            select = f"SELECT a.rowid AS _rowid, {_prefixed(self.columns)}, NULL AS score FROM articles a"
            order = {
                "oldest": "a.published_at, a.rowid",
                "stored": "a.rowid DESC",
            }.get(self.sort, "a.published_at DESC, a.rowid DESC")
        sql = select + (" WHERE " + " AND ".join(clauses) if clauses else "") + f" ORDER BY {order}"
        return sql + self._page(params), params

    def _page(self, params: list[Any]) -> str:
        if self.limit is None and not self.offset:
            return ""
        params += [self.limit if self.limit is not None else -1, self.offset]
        return " LIMIT ? OFFSET ?"

    def _ranked_sql(self) -> tuple[str, list[Any]]:
        """Best matches ranked inside FTS5 first (no join per match), then joined to their articles.

        Only when nothing but the time window filters: the docid range is then the whole filter.
        """
        clauses: list[str] = []
        params: list[Any] = []
        self._match(clauses, params)
        inner = (
            f"SELECT rowid AS docid, bm25(search_index, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score "
            f"FROM search_index WHERE {' AND '.join(clauses)} ORDER BY score, rowid DESC"
        )
        inner += self._page(params)
        sql = (
            f"SELECT a.rowid AS _rowid, {_prefixed(self.columns)}, s.score AS score, a.body AS _body "
            f"FROM ({inner}) s JOIN search_docs d ON d.docid = s.docid JOIN articles a ON a.rowid = d.doc "
            "ORDER BY s.score, s.docid DESC"
        )
        return sql, params

    def _stored_sql(self) -> tuple[str, list[Any]]:
        """The matches stored last first (feeds): the page of article rowids is chosen first (from the index
        and ``search_docs`` alone when only a time window filters), and only its rows are read whole.

        (Sorting whole rows, bodies included, for a term in most articles costs ten times as much.)
        """
        clauses: list[str] = []
        params: list[Any] = []
        source = "search_index JOIN search_docs d ON d.docid = search_index.rowid"
        if not self._window_only():
            clauses, params = self.filters.where("a")
            self._rowid_window(clauses, params)
            source += " JOIN articles a ON a.rowid = d.doc"
        self._match(clauses, params)
        inner = f"SELECT d.doc AS doc FROM {source} WHERE {' AND '.join(clauses)} ORDER BY d.doc DESC"
        inner += self._page(params)
        sql = (
            f"SELECT a.rowid AS _rowid, {_prefixed(self.columns)}, NULL AS score, a.body AS _body "
            f"FROM ({inner}) s JOIN articles a ON a.rowid = s.doc ORDER BY s.doc DESC"
        )
        return sql, params

    def _match(self, clauses: list[str], params: list[Any]) -> None:
        """The MATCH, and the date window as a docid range FTS5 applies itself (the exact test stays too)."""
        assert self.tree is not None
        extra: list[str] = ["search_index MATCH ?"]
        values: list[Any] = [to_fts(self.tree)]
        lower, upper = self.filters.window()
        if lower:
            extra.append("search_index.rowid >= ?")
            values.append(time_key(lower, self.slots))
        if upper:
            extra.append("search_index.rowid < ?")
            values.append(time_key(upper, self.slots))
        clauses[:0] = extra
        params[:0] = values

    def _window_only(self) -> bool:
        f = self.filters
        no_rows = self.after_rowid is None and self.upto_rowid is None
        return no_rows and not (f.channel or f.source or f.editor or f.author)

    def _rowid_window(self, clauses: list[str], params: list[Any]) -> None:
        if self.after_rowid is not None:
            clauses.append("a.rowid > ?")
            params.append(self.after_rowid)
        if self.upto_rowid is not None:
            clauses.append("a.rowid <= ?")
            params.append(self.upto_rowid)

    def count(self, db: Database) -> int:
        self.slots = slots_of(db)
        clauses, params = self.filters.where("a")
        self._rowid_window(clauses, params)
        if self.tree is None:
            sql = "SELECT count(*) FROM articles a"
        elif not clauses or self._window_only():
            # only a time window: the docid range says it all, no join needed
            clauses, params = [], []
            self._match(clauses, params)
            sql = "SELECT count(*) FROM search_index"
        else:
            sql = f"SELECT count(*) FROM {FTS_JOIN}"
            self._match(clauses, params)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return db.execute(sql, params).fetchone()[0]

    def run(
        self, db: Database, *, refresh: bool = True, mark: tuple[str, str] = ("«", "»")
    ) -> Iterator[dict[str, Any]]:
        """Yield result records (decoded), each with ``score`` and ``snippet`` when there is a query."""
        if refresh:
            index_pending(db)
        self.slots = slots_of(db)
        sql, params = self.sql()
        cursor = db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            body = row.pop("_body", None)
            record = decode(row)
            if self.tree is not None:
                record["score"] = round(-row["score"], 4) if row["score"] is not None else None
                title_hit = bool(highlight_spans(self.tree, record.get("title") or ""))
                body_hit = bool(body) and (not title_hit or bool(highlight_spans(self.tree, body)))
                record["snippet"] = snippet(body if body_hit else record.get("title"), self.tree, mark=mark)
            else:
                record.pop("score", None)
            yield record


def _prefixed(columns: str) -> str:
    if columns.strip() == "*":
        return "a.*"
    return ", ".join(f"a.{c.strip()}" for c in columns.split(","))
