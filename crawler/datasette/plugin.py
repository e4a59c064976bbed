"""A Datasette plugin: the scnews query language inside SQLite.

SQL functions registered on every connection (``prepare_connection``):

- ``scnews_match(q)``: a scnews query -> the FTS5 expression for ``search_index`` (``WHERE search_index MATCH
  scnews_match(:q)``);
- ``scnews_snippet(text, q)``: the highlighted snippet of ``text`` for ``q``;
- ``scnews_filters(filters_json, published_at, channel, source, editor, authors)``: a watch's filters;
- ``escape_fts(q)`` is redefined as ``scnews_match`` (registered after Datasette's own), so the search box of
  the ``articles`` table page (``fts_table: search_index``) runs the Chinese-aware search.

A malformed query makes SQLite report only "user-defined function raised exception"; ``handle_exception``
(table pages) and ``extra_template_vars`` (query pages) show the query language's own one-line message
instead.
"""

from __future__ import annotations

import json
from functools import lru_cache

from datasette import hookimpl
from datasette.handle_exception import handle_exception as default_handle_exception
from datasette.views.base import DatasetteError

from crawler.search.filters import Filters, accepts
from crawler.search.query import QueryError, parse, to_fts
from crawler.search.snippet import snippet


@lru_cache(maxsize=256)
def _fts(q: str) -> str:
    return to_fts(parse(q))


def scnews_match(q: str | None) -> str:
    return _fts(q or "")


def scnews_snippet(text: str | None, q: str | None) -> str:
    try:
        tree = parse(q or "")
    except ValueError:
        tree = None
    return snippet(text, tree, width=120)


@lru_cache(maxsize=64)
def _filters(filters_json: str | None) -> Filters:
    return Filters.from_json(json.loads(filters_json or "{}"))


def scnews_filters(filters_json, published_at, channel, source, editor, authors) -> int:
    record = {
        "published_at": published_at,
        "channel": channel,
        "source": source,
        "editor": editor,
        "authors": authors,
    }
    return int(accepts(_filters(filters_json), record))


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("scnews_match", 1, scnews_match, deterministic=True)
    conn.create_function("escape_fts", 1, scnews_match, deterministic=True)
    conn.create_function("scnews_snippet", 2, scnews_snippet, deterministic=True)
    conn.create_function("scnews_filters", 6, scnews_filters)


UDF_FAILED = "user-defined function raised exception"


def query_problem(request) -> str | None:
    """The one-line message for a malformed scnews query in this request (``_search`` or ``q``), if any."""
    for key in ("_search", "q"):
        value = request.args.get(key) if request is not None else None
        if value:
            try:
                parse(value)
            except QueryError as exc:
                return str(exc)
    return None


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    if not (isinstance(exception, DatasetteError) and UDF_FAILED in str(exception.message)):
        return None
    message = query_problem(request)
    if message is None:
        return None
    return default_handle_exception(
        datasette, request, DatasetteError(message, title="Invalid search", status=400)
    )


@hookimpl
def extra_template_vars(template, request):
    if template == "query.html":
        message = query_problem(request)
        if message is not None:
            return {"error": message}
    return {}
