"""Never miss an article: crawl schedules over the replica's timeline, checked against the timeline itself.

One simulation (module fixture) runs ``scnews crawl`` eight times at simulated times over five days of the
timeline: a first run, a channel-restricted run, a run with ``--max-pages 1`` during a burst, a run killed
midway, a run while a list page fails, a back-fill of older days, and a run after two days of downtime.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from crawler import coverage
from crawler.database import open_database
from crawler.replica.simulation import Run, simulate
from crawler.replica.timeline import build_timeline
from crawler.timewindow import CHINA

START = datetime(2025, 3, 3, tzinfo=CHINA)


def at(day: int, hour: int) -> datetime:
    return START + timedelta(days=day, hours=hour)


def day(offset: int) -> str:
    return (START + timedelta(days=offset)).date().isoformat()


RUNS = [
    Run(at(0, 9)),
    Run(at(0, 21), channels=("cjbd",)),
    Run(at(1, 9)),
    Run(at(2, 18), max_pages=1),  # during cjbd's burst: gaps
    Run(at(3, 6), kill_after_articles=3),
    Run(at(3, 12)),  # cjbd's second list page answers 500 all day 3: a gap
    Run(at(3, 13), channels=("scxw", "shms", "lyxw"), since=day(-6), until=day(-3)),  # a back-fill
    Run(at(5, 0)),  # after a day and a half without runs
]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    timeline = build_timeline(START, 5)
    db = tmp_path_factory.mktemp("complete") / "news.db"
    result = simulate(timeline, RUNS, db, page_size=10, settings={"SCNEWS_FIRST_RUN_SINCE": "2d"})
    result.timeline = timeline
    result.db = db
    return result


def test_every_article_listed_in_covered_time_is_stored(outcome):
    assert [r.killed or r.code for r in outcome.results] == [0, 0, 0, 0, True, 0, 0, 0]
    assert outcome.missing == set()
    assert len(outcome.expected) > 100
    # Late listings (listed 20 h after their time) and the article listed for one day only are among them.
    late = {str(a.article_id) for a in outcome.timeline.articles if a.listed > a.published}
    removed = {str(a.article_id) for a in outcome.timeline.articles if a.removed}
    assert len(late & outcome.expected) >= 4
    assert removed <= outcome.stored


def test_gaps_were_recorded_and_filled(outcome):
    by_time = {r.run.at: r for r in outcome.results}
    assert by_time[at(2, 18)].counts["gaps_recorded"] >= 1  # --max-pages 1 in the burst
    assert by_time[at(3, 12)].counts["gaps_recorded"] >= 1  # cjbd's page 2 failed
    assert outcome.open_gaps == []
    conn = sqlite3.connect(outcome.db)
    reasons = {row[0] for row in conn.execute("SELECT DISTINCT reason FROM coverage_gaps")}
    conn.close()
    assert {"--max-pages 1 reached", "list page 2: HTTP 500"} <= reasons


def test_a_channel_restricted_run_and_a_back_fill_cover_only_their_channels_and_span(outcome):
    db = open_database(outcome.db)
    spans = {code: coverage.covered(db, code) for code in ("cjbd", "scxw", "shms", "lyxw")}
    db.close()
    assert all(len(s) == 1 for s in spans.values()), spans  # one span each: no hole left
    back_fill_start = datetime.fromisoformat(day(-6)).replace(tzinfo=CHINA)
    for channel in ("scxw", "shms", "lyxw"):
        assert spans[channel][0].start == back_fill_start
    # cjbd was left out of the back-fill: covered from about its first run's window (two days back, and a day
    # more that a margin re-read after the failed list page reached), not from the back-fill's start.
    assert spans["cjbd"][0].start == datetime.fromisoformat(day(-3)).replace(tzinfo=CHINA) > back_fill_start
    assert spans["cjbd"][0].end == at(5, 0)


def test_the_killed_run_is_marked_abandoned_and_every_other_run_accounts_for_each_article(outcome):
    conn = sqlite3.connect(outcome.db)
    runs = conn.execute("SELECT status, finished_at FROM crawl_runs ORDER BY id").fetchall()
    conn.close()
    assert [status for status, _ in runs] == ["ok"] * 4 + ["abandoned"] + ["ok"] * 3
    assert all(finished for _, finished in runs)
    for result in outcome.results:
        if result.killed:
            continue
        c = result.counts
        assert c["unaccounted"] == 0, (result.run, c)
        assert (
            c["discovered"]
            == c["skipped_known"]
            + c["new"]
            + c["changed"]
            + c["unchanged"]
            + c["dropped"]
            + c["failed_articles"]
        )
    assert sum(r.counts.get("new", 0) for r in outcome.results) == len(outcome.stored)


def test_weekly_runs_cut_short_by_max_pages_miss_no_late_listing_silently(tmp_path):
    # The day-7 run covers shms to 09:00; article 400191 (time day 6 14:15) is listed late, at day 7 10:15.
    # The day-14 run, meaning to re-read from the margin, stops at --max-pages 3 above day 7: that part of
    # the margin is no longer covered but an open gap, until a run reaches it.
    timeline = build_timeline(START, 15)
    (late,) = [a for a in timeline.articles if a.article_id == 400191]
    assert (late.published, late.listed) == (at(6, 14.25), at(7, 10.25))
    runs = [Run(at(k, 9), max_pages=3) for k in (0, 7, 14)]
    result = simulate(
        timeline, runs, tmp_path / "news.db", page_size=10, settings={"SCNEWS_FIRST_RUN_SINCE": "2d"}
    )
    assert result.missing == set()
    assert "400191" not in result.stored
    assert any(g.channel == "shms" and g.start <= late.published < g.end for g in result.open_gaps)
