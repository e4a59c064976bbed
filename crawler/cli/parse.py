"""``scnews parse``: one saved page to one JSON record."""

from __future__ import annotations

import sys
from datetime import datetime

import click


def _fail(message: str, status: int = 1) -> None:
    """One line on stderr; status 2 for a usage error (a bad option value, no such file), 1 otherwise."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


@click.command(name="parse")
@click.argument("file")
@click.option("--url", default=None, help="Page URL (default: its canonical link or og:url).")
@click.option(
    "--fetched-at",
    default=None,
    metavar="ISO8601",
    help="When the page was fetched, e.g. 2024-04-11T12:00:00+08:00 (reference for '3小时前').",
)
@click.option("--encoding", default=None, help="Declared charset (default: BOM, <meta>, then detection).")
def parse_command(file: str, url: str | None, fetched_at: str | None, encoding: str | None) -> None:
    """Parse one saved article page (FILE, or - for stdin) and print its record as one JSON object.

    A page that is not an article (a channel list, an error page, an empty or truncated document) prints
    one line on stderr and exits with status 1; a bad option value or a missing FILE exits with status 2.

    \b
    Example:
        scnews parse page.html --url https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html \\
            --fetched-at 2024-04-11T12:00:00+08:00
    """
    from crawler.parsers import NotAnArticle, parse_article
    from crawler.parsers.encoding import UnknownEncoding, normalise_encoding

    if fetched_at is not None:
        try:
            datetime.fromisoformat(fetched_at.strip())
        except ValueError:
            _fail(f"--fetched-at: not an ISO 8601 date-time: {fetched_at!r}", 2)
    if encoding is not None:
        try:
            normalise_encoding(encoding)
        except UnknownEncoding:
            _fail(f"--encoding: unknown encoding: {encoding!r}", 2)
    try:
        if file == "-":
            body = sys.stdin.buffer.read()
        else:
            with open(file, "rb") as handle:
                body = handle.read()
    except FileNotFoundError as exc:
        _fail(f"cannot read {file}: {exc.strerror or exc}", 2)
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror or exc}")
    try:
        article = parse_article(body, url, fetched_at=fetched_at, encoding=encoding)
    except NotAnArticle as exc:
        _fail(f"{file}: not an article: {exc.reason}")
    sys.stdout.buffer.write(article.to_json().encode("utf-8") + b"\n")
