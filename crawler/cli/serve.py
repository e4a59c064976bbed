"""``scnews serve``: the database in Datasette, read-only, with the Chinese search and the watches."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import click

from crawler.cli.options import db_option
from crawler.cli.search import OneLineCommand, open_db, user_errors

REFRESH_SECONDS = float(os.environ.get("SCNEWS_SERVE_REFRESH", "15"))  # indexing interval while serving


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


def make_datasette(path: Path):
    """A Datasette instance over ``path`` with the scnews plugin registered and the metadata built."""
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
    db = open_db(str(path))
    from crawler.search.index import index_pending

    index_pending(db)
    watches = list(db.query("SELECT rowid, name, query FROM watches ORDER BY name"))
    db.conn.close()
    metadata = build_metadata(path.stem, watches)
    return Datasette(
        [str(path)],
        metadata=metadata,
        # Bodies and disclaimers are long: HTML tables show their first 160 characters (JSON, CSV: all).
        settings={
            "default_page_size": 50,
            "sql_time_limit_ms": 3000,
            "allow_download": False,
            "truncate_cells_html": 160,
        },
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
@db_option
@user_errors
def serve_command(port: int, host: str, db_path: str | None) -> None:
    """Browse and search the database in Datasette (read-only).

    The articles table has facets on channel, source and editor and a search box that understands Chinese
    (成都 finds 成都市); the 'search' query and one query per watch are listed on the database page.
    Articles stored while serving are indexed every 15 seconds; restart to pick up new watches.
    Charts (articles per day by channel, top sources, a term's trend) are at /-/dashboard.

    Example: scnews serve --port 8001   (then open http://127.0.0.1:8001/)
    """
    import uvicorn

    from crawler.database import resolve_db_path

    path = resolve_db_path(db_path).resolve()
    ds = make_datasette(path)
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
