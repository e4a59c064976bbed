"""Completeness of crawl schedules over the replica's timeline: python bench/complete.py [--days N]

Serves the replica's timeline (crawler/replica/timeline.py: steady channels, a burst, late listings, a quiet
channel, a list page failing for a day, an article listed then removed) and runs ``scnews crawl`` on several
schedules over it, each on a fresh database, side by side in one run (crawler/replica/simulation.py):

- hourly (over the first --hourly-days days: a subprocess per run makes hourly runs slow to simulate);
- daily at 09:00;
- weekly with --max-pages 3 (gaps, filled by later runs within their budget);
- mixed: half the channels at a time, a back-fill of the days before the first run, a week of downtime,
  and the first run after it killed midway;
- daily with SCNEWS_LATE_LISTING_MARGIN_HOURS=0: what the late-listing margin buys.

For each it prints completeness (the articles listed within covered time that are stored: the promise is
100%), the share of all published articles stored, requests per stored article (every request the replica
answered, robots.txt and list pages included, divided by the articles stored) and the open gaps at the end.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from crawler.replica.simulation import Run, exit_codes, simulate
from crawler.replica.timeline import CHANNELS, build_timeline
from crawler.timewindow import CHINA

START = datetime(2025, 3, 3, tzinfo=CHINA)


def at(day: float, hour: float = 9.0) -> datetime:
    return START + timedelta(days=day, hours=hour)


def schedules(days: int, hourly_days: int) -> dict[str, tuple[list[Run], dict[str, str]]]:
    half = (CHANNELS[:2], CHANNELS[2:])
    mixed = [Run(at(0), channels=half[0]), Run(at(0, 10), channels=half[1])]
    before = (START - timedelta(days=12)).date().isoformat(), (START - timedelta(days=3)).date().isoformat()
    mixed.append(Run(at(0, 11), since=before[0], until=before[1]))  # back-fill of the backlog
    down_from, down_to = min(10, days - 3), min(17, days - 1)
    for k in range(1, 2 * days):
        moment = at(k / 2)
        if down_from <= k / 2 < down_to:
            continue  # a week of downtime
        killed = k / 2 == down_to
        mixed.append(
            Run(moment, channels=None if killed else half[k % 2], kill_after_articles=5 if killed else None)
        )
    mixed.append(Run(at(days)))
    return {
        "hourly": ([Run(at(0, 0) + timedelta(hours=h)) for h in range(24 * hourly_days + 1)], {}),
        "daily": ([Run(at(k)) for k in range(days + 1)], {}),
        "weekly, --max-pages 3": ([Run(at(k), max_pages=3) for k in range(0, days + 1, 7)], {}),
        "mixed": (mixed, {}),
        "daily, margin 0": ([Run(at(k)) for k in range(days + 1)], {"SCNEWS_LATE_LISTING_MARGIN_HOURS": "0"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=28, help="days of the timeline (and of the schedules)")
    parser.add_argument("--hourly-days", type=int, default=2, help="days the hourly schedule runs")
    parser.add_argument("--page-size", type=int, default=10, help="items per list page of the replica")
    parser.add_argument("--only", help="run only the schedules whose name contains this")
    args = parser.parse_args()

    timeline = build_timeline(START, args.days)
    late = sum(a.listed > a.published for a in timeline.articles)
    print(
        f"timeline: {args.days} days from {START.date()}, {len(timeline.articles)} articles in "
        f"{len(timeline.channels)} channels ({late} listed late), list pages of {args.page_size}"
    )
    header = (
        f"{'schedule':<22} {'runs':>5} {'complete':>9} {'of all':>7} {'stored':>7} {'requests':>9} "
        f"{'req/new':>8} {'gaps':>5} {'missing':>8} {'secs':>6}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (runs, settings) in schedules(args.days, args.hourly_days).items():
            if args.only and args.only not in name:
                continue
            db = Path(tmp) / f"{len(list(Path(tmp).iterdir()))}.db"
            started = time.monotonic()
            outcome = simulate(
                timeline,
                runs,
                db,
                page_size=args.page_size,
                settings={"SCNEWS_FIRST_RUN_SINCE": "2d", **settings},
            )
            codes = exit_codes(outcome)
            print(
                f"{name:<22} {len(runs):>5} {outcome.completeness:>9.1%} {outcome.share_of_published:>7.1%} "
                f"{len(outcome.stored):>7} {outcome.requests:>9} {outcome.requests_per_new:>8.2f} "
                f"{len(outcome.open_gaps):>5} {len(outcome.missing):>8} {time.monotonic() - started:>6.0f}"
                + ("" if set(codes) == {0} else f"  exits {dict(codes)}"),
                flush=True,
            )


if __name__ == "__main__":
    main()
