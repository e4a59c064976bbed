"""Coverage spans and gaps in a real SQLite file: merging, gaps cut by later coverage, the next window."""

from datetime import datetime, timedelta

from crawler import coverage
from crawler.coverage import Span
from crawler.database import open_database
from crawler.timewindow import CHINA


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=CHINA)


def test_spans_merge_and_subtract():
    assert coverage.merge([Span(at(3), at(5)), Span(at(1), at(2)), Span(at(2), at(3, 6))]) == [
        Span(at(1), at(5))
    ]
    assert coverage.subtract(Span(at(1), at(10)), [Span(at(2), at(3)), Span(at(5), at(12))]) == [
        Span(at(1), at(2)),
        Span(at(3), at(5)),
    ]
    assert coverage.subtract(Span(at(2), at(3)), [Span(at(1), at(4))]) == []


def test_coverage_per_channel_and_the_next_window(tmp_path):
    db = open_database(tmp_path / "news.db")
    assert coverage.next_window_start(db, "cjbd", at(10)) is None  # never covered
    coverage.add_coverage(db, "cjbd", at(1), at(3, 12))
    coverage.add_coverage(db, "cjbd", at(3), at(5, 9))  # overlaps: one span
    coverage.add_coverage(db, "scxw", at(4), at(4, 9))
    assert coverage.covered(db, "cjbd") == [Span(at(1), at(5, 9))]
    assert coverage.covered(db, "shms") == []
    # The margin before the end of covered time, per channel.
    assert coverage.next_window_start(db, "cjbd", at(10), timedelta(hours=48)) == at(3, 9)
    assert coverage.next_window_start(db, "scxw", at(10), timedelta(hours=1)) == at(4, 8)
    db.close()


def test_a_gap_is_filled_first_then_closed_by_coverage(tmp_path):
    db = open_database(tmp_path / "news.db")
    coverage.add_coverage(db, "cjbd", at(6), at(8))
    assert coverage.record_gap(db, "cjbd", at(2), at(6), "--max-pages 1 reached")
    assert not coverage.record_gap(db, "cjbd", at(3), at(5), "--max-pages 1 reached")  # already open
    assert coverage.next_window_start(db, "cjbd", at(9), timedelta(hours=48)) == at(2)
    coverage.add_coverage(db, "cjbd", at(4), at(9))  # a later run read down to day 4
    (gap,) = coverage.open_gaps(db)
    assert (gap.channel, gap.start, gap.end, gap.reason) == ("cjbd", at(2), at(4), "--max-pages 1 reached")
    coverage.add_coverage(db, "cjbd", at(1), at(9))
    assert coverage.open_gaps(db) == []
    assert coverage.next_window_start(db, "cjbd", at(9), timedelta(hours=48)) == at(7)
    (row,) = coverage.summary(db)
    assert row["channel"] == "cjbd" and row["covered_days"] == 8.0 and row["open_gaps"] == []
    db.close()


def test_overlapping_gaps_show_once_with_the_latest_reason(tmp_path):
    db = open_database(tmp_path / "news.db")
    coverage.record_gap(db, "shms", at(1), at(3), "list page 2: HTTP 500")
    coverage.record_gap(db, "shms", at(2), at(4), "--max-pages 3 reached")
    coverage.record_gap(db, "cjbd", at(1), at(2), "list page 1: timeout after 1 s")
    gaps = [(g.channel, g.start, g.end, g.reason) for g in coverage.open_gaps(db)]
    assert gaps == [
        ("cjbd", at(1), at(2), "list page 1: timeout after 1 s"),
        ("shms", at(1), at(4), "--max-pages 3 reached"),
    ]
    db.close()


def test_a_run_that_cannot_re_read_the_margin_reopens_it(tmp_path):
    # Covered to day 10 09:00; the next run meant to re-read from day 8 (the margin) but stopped at
    # --max-pages on day 9: an article listed late on day 8 or 9 may be there, unread. Older coverage stays.
    db = open_database(tmp_path / "news.db")
    coverage.add_coverage(db, "shms", at(1), at(10, 9))
    coverage.reopen_margin(db, "shms", at(8), at(10), timedelta(hours=48))
    assert coverage.covered(db, "shms") == [Span(at(1), at(8, 9)), Span(at(10), at(10, 9))]
    coverage.reopen_margin(db, "shms", at(2), at(3), timedelta(hours=48))  # outside the margin: no change
    assert coverage.covered(db, "shms") == [Span(at(1), at(8, 9)), Span(at(10), at(10, 9))]
    db.close()
