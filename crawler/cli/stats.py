"""``scnews stats``: what the database holds, and how the last crawls went."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import click

from crawler.cli.escape import block
from crawler.cli.options import db_option
from crawler.cli.run_text import run_lines
from crawler.cli.search import OneLineCommand, open_db, user_errors


def collect(db, *, days: int = 14, top: int = 15, runs: int = 5) -> dict[str, Any]:
    total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    generic = db.execute("SELECT count(*) FROM articles WHERE template = 'generic'").fetchone()[0]
    by_channel = list(
        db.query(
            "SELECT channel, channel_name, count(*) AS articles, max(published_at) AS latest FROM articles "
            "GROUP BY channel, channel_name ORDER BY articles DESC"
        )
    )
    by_day = list(
        db.query(
            "SELECT substr(published_at, 1, 10) AS day, count(*) AS articles FROM articles "
            "WHERE published_at IS NOT NULL GROUP BY day ORDER BY day DESC LIMIT ?",
            [days],
        )
    )
    by_source = list(
        db.query(
            "SELECT coalesce(source, '(none)') AS source, count(*) AS articles FROM articles "
            "GROUP BY source ORDER BY articles DESC, source LIMIT ?",
            [top],
        )
    )
    by_template = list(
        db.query(
            "SELECT coalesce(template, '(none)') AS template, count(*) AS articles FROM articles "
            "GROUP BY template ORDER BY articles DESC"
        )
    )
    last_runs = []
    for run in db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", [runs]):
        try:
            run["counts"] = json.loads(run["counts"]) if run.get("counts") else {}
        except ValueError:
            pass
        last_runs.append({k: run.get(k) for k in ("id", "started_at", "finished_at", "status", "counts")})
    failures = db.execute("SELECT count(*) FROM failures WHERE resolved_at IS NULL").fetchone()[0]
    abandoned = db.execute("SELECT count(*) FROM crawl_runs WHERE status = 'abandoned'").fetchone()[0]
    from crawler.coverage import summary as coverage_summary

    return {
        "articles": total,
        "duplicates": db.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[
            0
        ],
        "generic_share": round(generic / total, 4) if total else 0.0,
        "generic_articles": generic,
        "by_channel": by_channel,
        "by_day": by_day,
        "by_source": by_source,
        "by_template": by_template,
        "open_failures": failures,
        "last_runs": last_runs,
        "abandoned_runs": abandoned,
        "coverage": coverage_summary(db),
    }


def _pad(text: str, width: int) -> str:
    """Left-align to a terminal width, counting a Chinese character as two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def _when(text: str) -> str:
    """A coverage time in China time, to the minute: ``2025-03-03 09:00``."""
    from datetime import datetime

    from crawler.timewindow import CHINA

    return datetime.fromisoformat(text).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def format_text(s: dict[str, Any]) -> str:
    lines = [
        f"articles: {s['articles']}  (duplicates: {s['duplicates']}, open failures: {s['open_failures']})",
        f"generic layer: {s['generic_articles']} articles, {s['generic_share']:.1%} of all "
        "(template 'generic': no known layout matched)",
        "",
        "by channel:",
    ]
    lines += [
        f"  {r['articles']:>7}  {r['channel'] or '-':<8} {_pad(r['channel_name'] or '', 14)} "
        f"latest {r['latest'] or '-'}"
        for r in s["by_channel"]
    ]
    lines += ["", "by day (most recent first):"]
    lines += [f"  {r['day']}  {r['articles']:>6}" for r in s["by_day"]]
    lines += ["", "by source (top):"]
    lines += [f"  {r['articles']:>7}  {r['source']}" for r in s["by_source"]]
    lines += ["", "by template:"]
    lines += [f"  {r['articles']:>7}  {r['template']}" for r in s["by_template"]]
    lines += ["", "coverage (time whose list pages were read completely; open gaps are filled first):"]
    if not s["coverage"]:
        lines.append("  (none recorded)")
    for row in s["coverage"]:
        spans = ", ".join(f"{_when(c['start'])} -> {_when(c['end'])}" for c in row["covered"]) or "-"
        lines.append(f"  {row['channel']:<8} {row['covered_days']:>7.1f} days  {spans}")
        lines += [
            f"  {'':<8} {'gap':>12}  {_when(g['start'])} -> {_when(g['end'])}  ({g['reason']})"
            for g in row["open_gaps"]
        ]
    lines += [
        "",
        "last runs:" + (f" ({s['abandoned_runs']} abandoned in all)" if s["abandoned_runs"] else ""),
    ]
    if not s["last_runs"]:
        lines.append("  (none recorded)")
    for run in s["last_runs"]:
        lines += run_lines(run)
    return "\n".join(lines)


@click.command("stats", cls=OneLineCommand)
@click.option("--days", type=click.IntRange(min=1), default=14, show_default=True, help="Days listed by day.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
@user_errors
def stats_command(days: int, fmt: str, db_path: str | None) -> None:
    """Articles by channel, day and source, the generic-layer share, coverage and open gaps per channel, and
    the last crawl runs (a run that died shows as abandoned).

    Example: scnews stats --days 7
    """
    from crawler.export import json_text

    stats = collect(open_db(db_path), days=days)
    if fmt == "json":
        click.echo(json_text(stats, indent=2))
    else:
        click.echo(block(format_text(stats)))  # stored names and statuses: controls escaped
