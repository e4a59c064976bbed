"""A Datasette plugin: each watch's Atom feed at ``/-/scnews/watch/NAME.atom``.

The same document as ``scnews watch feed NAME`` (``crawler.search.feed``), built on Datasette's read-only
connection; ``?limit=N`` (1-1000) instead of the default 50. A watch added while serving is served at once
(the feed reads the ``watches`` table on each request). An unknown watch is a 404 with one line of text.
Each response has an ``ETag`` (a hash of the document, which is the same for the same stored data), and a
request whose ``If-None-Match`` names it gets a 304 with no body, as feed readers expect.
"""

from __future__ import annotations

import hashlib
import sqlite3
from urllib.parse import unquote

from datasette import hookimpl
from datasette.utils.asgi import Response
from sqlite_utils import Database

from crawler.search.feed import DEFAULT_LIMIT, MAX_LIMIT, latest_changes, latest_matches, watch_feed
from crawler.search.query import QueryError
from crawler.search.watch import get_watch

FEED_PATH = "/-/scnews/watch/{name}.atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {raw!r}")
    return int(raw)


async def serve_watch_feed(datasette, request) -> Response:
    name = unquote(request.url_vars["name"])  # Datasette matches routes against the raw path
    try:
        limit = _limit(request.args.get("limit"))
    except QueryError as exc:
        return Response.text(f"{exc}\n", status=400)
    self_url = datasette.absolute_url(request, request.path)

    def build(conn: sqlite3.Connection) -> str:
        db = Database(conn, recursive_triggers=False)
        watch = get_watch(db, name)
        articles = latest_matches(db, watch, limit)
        return watch_feed(watch, articles, latest_changes(db, watch, limit), self_url=self_url)

    try:
        text = await datasette.get_database().execute_fn(build)
    except QueryError as exc:
        return Response.text(f"{exc}\n", status=404)
    # The same stored data gives the same bytes, so a reader polling with If-None-Match gets a 304.
    etag = '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in [t.strip() for t in (request.headers.get("if-none-match") or "").split(",")]:
        return Response("", status=304, headers=headers)
    return Response(text, content_type=ATOM_TYPE, headers=headers)


@hookimpl
def register_routes():
    return [(r"^/-/scnews/watch/(?P<name>[^/]+)\.atom$", serve_watch_feed)]
