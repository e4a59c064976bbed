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
instead, with status 400, and ``quiet_user_errors()`` keeps the serve terminal free of a traceback for each
such request (Datasette turns on SQLite's callback tracebacks; a bug, anything but a QueryError, still
prints one).

Bounds, so no request can hold a connection for long or take much memory (raw SQL is off unless
``scnews serve --allow-sql``, but the functions are reachable through the canned queries too): snippets
read at most ``MAX_TEXT_CHARS`` of a text (crawler/search/snippet.py), watch filters at most
``MAX_FILTERS_CHARS``, queries at most 1,000 characters and 16 levels of nesting; every connection refuses
to build a string or blob longer than ``MAX_VALUE_BYTES`` (``SQLITE_LIMIT_LENGTH``: ``randomblob(900000000)``
fails at once instead of running past the time limit, which SQLite checks only between steps of a
statement), and ``printf``/``format`` refuse widths above ``MAX_PRINTF_WIDTH``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.handle_exception import handle_exception as default_handle_exception
from datasette.views.base import DatasetteError

from crawler.search.filters import Filters, accepts
from crawler.search.query import QueryError, parse, to_fts
from crawler.search.snippet import snippet

MAX_FILTERS_CHARS = 10_000  # a watch's filters as JSON; real ones are under 200
# Longest string or blob a serve connection may build or read. The crawl stores pages of at most 8 MiB
# (GBK text grows by half as UTF-8); a value longer than this cannot be read through serve.
MAX_VALUE_BYTES = 32 * 1024 * 1024
MAX_SQL_BYTES = 100_000  # the text of one SQL statement (--allow-sql): ours are under 1,000
# SQLite's printf() loops through a huge width or precision even past SQLITE_LIMIT_LENGTH, in one step the
# time limit cannot interrupt (printf('%.*c', 900000000, 'x'): 9 s); ours refuses widths above this.
MAX_PRINTF_WIDTH = 100_000
_PRINTF_NUMBER = re.compile(r"%[-+ 0#,!]*(\d*)(?:\.(\d*))?")


def _text(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise QueryError(f"{what} must be text, not a blob")


@lru_cache(maxsize=256)
def _fts(q: str) -> str:
    return to_fts(parse(q))


def scnews_match(q: str | None) -> str:
    return _fts(_text(q, "the query") or "")


def scnews_snippet(text: str | None, q: str | None) -> str:
    try:
        tree = parse(_text(q, "the query") or "")
    except ValueError:
        tree = None
    return snippet(_text(text, "the text"), tree, width=120)  # snippet() reads MAX_TEXT_CHARS at most


@lru_cache(maxsize=64)
def _filters(filters_json: str | None) -> Filters:
    if filters_json is not None and len(filters_json) > MAX_FILTERS_CHARS:
        raise QueryError(f"watch filters too long (at most {MAX_FILTERS_CHARS} characters)")
    try:
        data = json.loads(filters_json or "{}")
        return Filters.from_json(data if isinstance(data, dict) else {})
    except (ValueError, TypeError) as exc:
        raise QueryError(f"bad watch filters: {exc}") from None


def scnews_filters(filters_json, published_at, channel, source, editor, authors) -> int:
    record = {
        "published_at": published_at,
        "channel": channel,
        "source": source,
        "editor": editor,
        "authors": authors,
    }
    return int(accepts(_filters(_text(filters_json, "the filters")), record))


def bounded_printf(engine: sqlite3.Connection):
    """SQLite's printf/format, run on ``engine`` (a private connection), refusing widths and precisions
    (written in the format, or given by ``*``) above MAX_PRINTF_WIDTH."""

    def printf(fmt: object, *args: object) -> object:
        if isinstance(fmt, str):
            numbers = [n for pair in _PRINTF_NUMBER.findall(fmt) for n in pair if n]
            if any(len(n) > 7 or int(n) > MAX_PRINTF_WIDTH for n in numbers):
                raise QueryError(f"printf width above {MAX_PRINTF_WIDTH}")
            if "*" in fmt and any(isinstance(a, int) and abs(a) > MAX_PRINTF_WIDTH for a in args):
                raise QueryError(f"printf width above {MAX_PRINTF_WIDTH}")
        marks = ", ".join("?" * (len(args) + 1))
        return engine.execute(f"SELECT printf({marks})", [fmt, *args]).fetchone()[0]

    return printf


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    engine = sqlite3.connect(":memory:", check_same_thread=False)
    engine.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    for name in ("printf", "format"):
        conn.create_function(name, -1, bounded_printf(engine), deterministic=True)
    conn.create_function("scnews_match", 1, scnews_match, deterministic=True)
    conn.create_function("escape_fts", 1, scnews_match, deterministic=True)
    conn.create_function("scnews_snippet", 2, scnews_snippet, deterministic=True)
    conn.create_function("scnews_filters", 6, scnews_filters)


UDF_FAILED = "user-defined function raised exception"


def quiet_user_errors() -> None:
    """Stop SQLite's callback tracebacks for QueryError (a malformed search, already answered with 400);
    every other exception raised inside a SQL function still prints, as a bug should."""
    previous = sys.unraisablehook
    if getattr(previous, "_scnews_quiet", False):
        return

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if isinstance(unraisable.exc_value, QueryError):
            return
        previous(unraisable)

    hook._scnews_quiet = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


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
def asgi_wrapper(datasette):
    """Drop ``_searchmode`` from every request: Datasette's raw search mode would hand the visitor's text to
    FTS5 as it is (FTS5 syntax, no Chinese bigrams), past the query language and its bounds."""

    def wrap(app):
        async def without_raw_search(scope, receive, send):
            if scope.get("type") == "http" and b"_searchmode" in scope.get("query_string", b""):
                pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
                kept = urlencode([(k, v) for k, v in pairs if k != "_searchmode"])
                scope = {**scope, "query_string": kept.encode("latin-1")}
            await app(scope, receive, send)

        return without_raw_search

    return wrap


@hookimpl
def extra_template_vars(template, request):
    if template == "query.html":
        message = query_problem(request)
        if message is not None:
            return {"error": message}
    return {}
