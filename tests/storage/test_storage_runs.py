from datetime import datetime

from crawler import storage
from crawler.database import open_database


def test_runs_record_arguments_counts_and_status(tmp_path):
    db = open_database(tmp_path / "r.db")
    assert storage.last_successful_run(db) is None
    first = storage.start_run(db, {"channels": ["cjbd"], "since": "2024-04-01"})
    storage.finish_run(db, first, "ok", {"new": 12, "dropped": 1})
    second = storage.start_run(db, {"channels": ["scxw"]})
    storage.finish_run(db, second, "failed", {"new": 0})
    storage.start_run(db, {"channels": ["shms"]})  # still running

    last = storage.last_successful_run(db)
    assert last is not None
    assert (last["id"], last["status"], last["arguments"], last["counts"]) == (
        first,
        "ok",
        {"channels": ["cjbd"], "since": "2024-04-01"},
        {"new": 12, "dropped": 1},
    )
    started = datetime.fromisoformat(last["started_at"])
    assert started.utcoffset().total_seconds() == 0 and last["finished_at"] >= last["started_at"]
    db.close()


def test_a_run_that_raised_the_generic_share_alarm_still_moves_the_window(tmp_path):
    db = open_database(tmp_path / "r.db")
    first = storage.start_run(db, {})
    storage.finish_run(db, first, "ok", {"new": 3})
    alarm = storage.start_run(db, {})
    storage.finish_run(db, alarm, "generic-share-exceeded", {"new": 5})
    failed = storage.start_run(db, {})
    storage.finish_run(db, failed, "failed", {"new": 0})

    assert storage.last_successful_run(db)["id"] == alarm
    db.close()


def test_a_revisit_only_run_does_not_move_the_window(tmp_path):
    db = open_database(tmp_path / "r.db")
    crawl = storage.start_run(db, {"channels": None, "revisit": "due", "lists": True})
    storage.finish_run(db, crawl, "ok", {"new": 3})
    revisit = storage.start_run(db, {"channels": None, "revisit": "due", "lists": False})
    storage.finish_run(db, revisit, "ok", {"revisits": 2})
    assert storage.last_successful_run(db)["id"] == crawl
    db.close()
