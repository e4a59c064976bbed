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
