"""``scnews show``: one article, whole, with its stored versions and its duplicates."""

from __future__ import annotations

from typing import Any

import click

from crawler.cli.escape import block, line
from crawler.cli.options import db_option
from crawler.cli.search import OneLineCommand, open_db, user_errors
from crawler.search.query import QueryError
from crawler.search.records import decode


def _one(db, where: str, params: list[Any]) -> dict[str, Any] | None:
    return next(iter(db.query(f"SELECT * FROM articles WHERE {where} LIMIT 1", params)), None)


def find_article(db, id_or_url: str) -> dict[str, Any]:
    """By article id, by stored URL, or by the id in any URL variant of the site (http, old host, page 2)."""
    from crawler.urls import canonical_url, parse_article_url

    key = id_or_url.strip()
    row = _one(db, "article_id = ?", [key]) or _one(db, "url = ?", [key])
    if row is None and "/" in key:
        try:
            canonical = canonical_url(key)
            parsed = parse_article_url(key)
        except ValueError:  # not a URL at all (e.g. "http://[bad")
            raise QueryError(f"no article with id or URL {key!r}") from None
        row = _one(db, "url = ?", [canonical])
        if row is None and parsed is not None:
            row = _one(db, "article_id = ?", [parsed.article_id])
    if row is None:
        raise QueryError(f"no article with id or URL {key!r}")
    return decode(row)


def article_details(db, record: dict[str, Any]) -> dict[str, Any]:
    article_id = record["article_id"]
    versions = [
        dict(r)
        for r in db.query(
            "SELECT id, seen_at, title, source, editor, authors, images, content_hash, body, diff "
            "FROM article_versions "
            "WHERE article_id = ? ORDER BY seen_at, id",
            [article_id],
        )
    ]
    duplicates = list(
        db.query(
            "SELECT article_id, url, title, published_at, similarity FROM articles "
            "WHERE duplicate_of = ? ORDER BY published_at",
            [article_id],
        )
    )
    original = None
    if record.get("duplicate_of"):
        original = next(
            iter(
                db.query(
                    "SELECT article_id, url, title, published_at FROM articles WHERE article_id = ?",
                    [record["duplicate_of"]],
                )
            ),
            {"article_id": record["duplicate_of"], "url": None, "title": None, "published_at": None},
        )
    from crawler.changes import history

    return {
        **record,
        "versions": versions,
        "history": history(db, article_id),
        "duplicates": duplicates,
        "duplicate_of_article": original,
    }


def format_text(d: dict[str, Any]) -> str:
    """The article as text; stored text has its control characters escaped (crawler/cli/escape.py)."""
    lines = [line(d.get("title") or "(no title)"), ""]
    fields = [
        ("id", d.get("article_id")),
        ("url", d.get("url")),
        ("published", d.get("published_at")),
        ("channel", " ".join(x for x in (d.get("channel"), d.get("channel_name")) if x) or None),
        ("source", d.get("source")),
        ("editor", d.get("editor")),
        ("authors", "、".join(str(a) for a in d.get("authors") or []) or None),
        ("template", d.get("template")),
        ("mirror", "yes" if d.get("mirror") else None),
        ("warnings", ", ".join(str(w) for w in d.get("warnings") or []) or None),
        ("first seen", d.get("first_seen")),
        ("last seen", d.get("last_seen")),
        (
            "removed",
            f"{d['removed_at']} (withdrawn from the site; last content kept)"
            if d.get("removed_at")
            else None,
        ),
        ("fetched", d.get("fetched_at")),
    ]
    lines += [f"{name:>11}: {line(value)}" for name, value in fields if value not in (None, "")]
    lines += ["", block(d.get("body") or "(no body)")]
    for image in d.get("images") or []:
        if isinstance(image, dict):
            caption = f"  {line(image['caption'])}" if image.get("caption") else ""
            lines.append(f"[image] {line(image.get('url'))}{caption}")
    if d.get("disclaimer"):
        lines += ["", block(d["disclaimer"])]
    if d.get("duplicate_of_article"):
        o = d["duplicate_of_article"]
        lines += [
            "",
            line(
                f"Duplicate of #{o['article_id']} {o.get('published_at') or ''} {o.get('title') or ''}"
            ).rstrip(),
        ]
        if d.get("similarity") is not None:
            lines.append(f"  similarity {d['similarity']:.2f}")
    if d["duplicates"]:
        lines += ["", f"Duplicates of this article ({len(d['duplicates'])}):"]
        for dup in d["duplicates"]:
            sim = f"  similarity {dup['similarity']:.2f}" if dup.get("similarity") is not None else ""
            lines.append(
                "  "
                + line(f"#{dup['article_id']} {dup.get('published_at') or ''} {dup.get('title') or ''}")
                + sim
            )
    if d["versions"]:
        lines += ["", f"Earlier versions ({len(d['versions'])}):"]
        for v in d["versions"]:
            seen, title, digest = v.get("seen_at") or "-", v.get("title") or "", v.get("content_hash") or "-"
            lines.append("  " + line(f"{seen}  {title}  (hash {digest})"))
    if d.get("history"):
        from crawler.changes import china_time, describe

        lines += ["", f"History ({len(d['history'])}, China time):"]
        for change in d["history"]:
            lines.append("  " + line(f"{china_time(change.get('detected_at'))}  {describe(change)}"))
            lines += ["    " + line(part) for part in (change.get("diff") or "").splitlines()]
    return "\n".join(lines)


@click.command("show", cls=OneLineCommand)
@click.argument("id_or_url")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
@user_errors
def show_command(id_or_url: str, fmt: str, db_path: str | None) -> None:
    """Show one article in full: every field, the disclaimer, earlier versions, duplicates and its history
    (edits with their diffs, withdrawal, reappearance).

    ID_OR_URL: the article id (the number in its URL) or its URL (any host or scheme variant).

    Example: scnews show 207510
    """
    db = open_db(db_path)
    details = article_details(db, find_article(db, id_or_url))
    if fmt == "json":
        from crawler.export import json_text

        click.echo(json_text(details, indent=2))
    else:
        click.echo(format_text(details))
