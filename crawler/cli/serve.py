"""``scnews serve``: the database in Datasette, read-only, with the Chinese search and the watches."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

import click

from crawler.cli.options import db_option
from crawler.cli.search import OneLineCommand, open_db, user_errors

REFRESH_SECONDS = float(os.environ.get("SCNEWS_SERVE_REFRESH", "15"))  # indexing interval while serving


class _EscapedStream:
    """The serve terminal's stderr, with control characters shown as escapes: Datasette logs each failed
    statement with SQLite's message, which can quote what a visitor typed (ESC sequences included)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from crawler.cli.escape import block

        if not isinstance(text, str):  # a text stream (click probes with bytes to tell text from binary)
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._stream.write(block(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _refresher(path: Path, stop: threading.Event) -> None:
    """Index articles stored while serving (the web side only reads, through mode=ro connections)."""
    from crawler.database import open_database
    from crawler.search.index import index_pending

    db = open_database(path, create=False)
    while not stop.wait(REFRESH_SECONDS):
        try:
            index_pending(db)
        except Exception as exc:  # a locked database: try again at the next tick
            click.echo(f"scnews serve: indexing postponed: {exc}", err=True)


# Datasette's limits, set deliberately (each request holds one of num_sql_threads connections):
SETTINGS = {
    "default_page_size": 50,
    # The slowest query a monitor runs, whole-archive relevance for the commonest character, takes about
    # 0.2 s at 200,000 articles (bench/search.py); five times that is the most one statement may take.
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 200,  # the largest canned query (a watch) returns 200 rows
    "num_sql_threads": 3,
    "facet_time_limit_ms": 300,
    "suggest_facets": False,  # would query every column of every page shown, bodies included
    "allow_csv_stream": False,  # would stream whole tables past max_returned_rows: use `scnews export`
    "allow_download": False,
    # Bodies and disclaimers are long: HTML tables show their first 160 characters (JSON, CSV: all).
    "truncate_cells_html": 160,
}


def make_datasette(path: Path, *, allow_sql: bool = False):
    """A Datasette instance over ``path`` with the scnews plugin registered and the metadata built.

    Arbitrary SQL (the SQL editor, ``?sql=``, ``_where=``) only with ``allow_sql``; the search box, facets,
    the canned search and watch queries work without it.
    """
    from datasette.app import Datasette
    from datasette.plugins import pm

    from crawler.datasette import dashboard, feeds, plugin
    from crawler.datasette.metadata import build_metadata

    if not pm.is_registered(plugin):
        pm.register(plugin, name="scnews")
    if not pm.is_registered(dashboard):
        pm.register(dashboard, name="scnews-dashboard")
    if not pm.is_registered(feeds):
        pm.register(feeds, name="scnews-feeds")
    plugin.quiet_user_errors()
    db = open_db(str(path))
    from crawler.search.index import index_pending

    index_pending(db)
    watches = list(db.query("SELECT rowid, name, query FROM watches ORDER BY name"))
    db.conn.close()
    metadata = build_metadata(path.stem, watches)
    return Datasette(
        [str(path)],
        metadata=metadata,
        settings={**SETTINGS, "default_allow_sql": allow_sql},
    )


@click.command("serve", cls=OneLineCommand)
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=8001,
    show_default=True,
    help="Port (0: any free port, printed at start).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--allow-sql",
    is_flag=True,
    help="Let visitors run their own read-only SQL (off: search, facets and the listed queries only).",
)
@db_option
@user_errors
def serve_command(port: int, host: str, allow_sql: bool, db_path: str | None) -> None:
    """Browse and search the database in Datasette (read-only).

    The articles table has facets on channel, source and editor and a search box that understands Chinese
    (成都 finds 成都市); the 'search' query and one query per watch are listed on the database page.
    Articles stored while serving are indexed every 15 seconds; restart to pick up new watches.
    Charts (articles per day by channel, top sources, a term's trend) are at /-/dashboard. Visitors
    cannot type their own SQL unless --allow-sql is given.

    Example: scnews serve --port 8001   (then open http://127.0.0.1:8001/)
    """
    import uvicorn

    from crawler.database import resolve_db_path

    path = resolve_db_path(db_path).resolve()
    sys.stderr = _EscapedStream(sys.stderr)  # type: ignore[assignment]
    ds = make_datasette(path, allow_sql=allow_sql)
    import asyncio

    asyncio.run(ds.invoke_startup())
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = sock.getsockname()[1]
    click.echo(f"serving {path.name} read-only on http://{host}:{bound}/{path.stem}", err=True)
    stop = threading.Event()
    threading.Thread(target=_refresher, args=(path, stop), daemon=True).start()
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        stop.set()
