"""A crawl run (a ``crawl_runs`` row) as a person reads it: readable times, durations, counts, percentages.

``scnews stats --format json`` keeps the raw values; this is only for the terminal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def duration(seconds: float | None) -> str:
    """7.2 s, 45 s, 3 min 5 s, 2 h 4 min, 3 d 2 h."""
    if seconds is None or seconds < 0:
        return "?"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def _time(value: str | None) -> str:
    """2026-12-01T20:42:45+00:00 -> 2026-12-01 20:42 UTC (other offsets are shown as they are)."""
    if not value:
        return "-"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    offset = when.utcoffset()
    zone = "" if offset is None else "UTC" if not offset else when.isoformat()[-6:]
    return f"{when:%Y-%m-%d %H:%M} {zone}".rstrip()


def _seconds(run: dict[str, Any], counts: dict[str, Any]) -> float | None:
    try:
        start = datetime.fromisoformat(run["started_at"])
        end = datetime.fromisoformat(run["finished_at"])
        return (end - start).total_seconds()
    except (KeyError, TypeError, ValueError):
        elapsed = counts.get("elapsed_seconds")
        return float(elapsed) if isinstance(elapsed, int | float) else None


KNOWN = set(
    "since requests responses list_pages articles skipped_known new changed unchanged duplicates dropped "
    "failed failed_fetch failed_parse retried_failures resolved_failures generic generic_share generic_count "
    "generic_total generic_basis generic_threshold elapsed_seconds indexed revisits revisits_online "
    "revisits_failed removed restored still_removed".split()
)

# the counts of the outcome line, shown there when a run counted what it discovered
OUTCOME = {"discovered", "stored", "failed_articles", "unstored", "unaccounted", "gaps_recorded"}


def _n(count: Any, word: str, plural: str | None = None) -> str:
    if not isinstance(count, int):
        return f"? {plural or word + 's'}"
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def run_lines(run: dict[str, Any]) -> list[str]:
    """One to five indented lines for one run (``counts`` decoded from JSON; missing counts are left out)."""
    raw = run.get("counts")
    counts: dict[str, Any] = raw if isinstance(raw, dict) else {}
    status = run.get("status") or "-"
    if run.get("finished_at"):
        took = f"took {duration(_seconds(run, counts))}"
    else:
        took = "not finished" + (
            " (still running, or stopped without a record)" if status == "running" else ""
        )
    lines = [f"  #{run.get('id')}  {_time(run.get('started_at'))}  {status}  {took}"]
    if raw and not counts:
        return lines + [f"      {raw}"]
    fetched = []
    if counts.get("since"):
        fetched.append(f"window from {_time(counts['since'])}")
    if "requests" in counts:
        fetched.append(
            f"{_n(counts['requests'], 'request')}, {_n(counts.get('list_pages'), 'list page')} read"
        )
    if fetched:
        lines.append("      " + " · ".join(fetched))
    stored = [(k, counts[k]) for k in ("new", "changed", "unchanged", "duplicates", "dropped") if k in counts]
    if "articles" in counts or stored:
        head = f"{_n(counts.get('articles'), 'article')} parsed" if "articles" in counts else "stored"
        lines.append(f"      {head}: " + ", ".join(f"{v:,} {k}" for k, v in stored))
    shown = set(KNOWN)
    if "discovered" in counts:
        shown.update(OUTCOME)
        ends = [
            f"{_n(counts.get('skipped_known'), 'already stored', 'already stored')}",
            f"{_n(counts.get('stored'), 'stored', 'stored')}",
            f"{_n(counts.get('failed_articles'), 'failed', 'failed')}",
        ]
        for key, word in (("unstored", "not stored"), ("unaccounted", "unaccounted")):
            if counts.get(key):
                ends.append(f"{counts[key]:,} {word}")
        gaps = counts.get("gaps_recorded")
        lines.append(
            f"      {_n(counts['discovered'], 'article')} discovered: " + ", ".join(ends)
            + (f" · {_n(gaps, 'gap')} recorded" if gaps else "")
        )
    problems = []
    if "failed" in counts:
        failed = counts["failed"]
        problems.append(f"{failed:,} failed" if isinstance(failed, int) else f"{failed} failed")
        if failed and "failed_fetch" in counts:
            problems[-1] += f" (fetch {counts['failed_fetch']:,}, parse {counts.get('failed_parse', 0):,})"
    share = counts.get("generic_share")
    if isinstance(share, int | float):
        threshold = counts.get("generic_threshold")
        problems.append(
            f"generic layer {share:.1%} ({counts.get('generic_count', 0):,} of "
            f"{counts.get('generic_total', 0):,} {counts.get('generic_basis', 'articles')}"
            + (f"; alarm above {threshold:.0%}" if isinstance(threshold, int | float) else "")
            + ")"
        )
    if problems:
        lines.append("      " + " · ".join(problems))
    if "revisits" in counts:
        revisits = counts["revisits"]
        lines.append(
            f"      {_n(revisits, 'revisit')}: {counts.get('revisits_online', 0):,} online, "
            f"{counts.get('removed', 0):,} removed ({counts.get('still_removed', 0):,} still removed), "
            f"{counts.get('restored', 0):,} restored, {counts.get('revisits_failed', 0):,} failed"
        )
    other = [f"{k} {v}" for k, v in counts.items() if k not in shown]
    if other:
        lines.append("      " + ", ".join(other))
    return lines
