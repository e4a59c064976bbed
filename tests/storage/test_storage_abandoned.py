"""A run that died stays `running` until the next run that takes the lock marks it abandoned."""

from crawler import storage
from crawler.database import open_database


def test_running_rows_become_abandoned_with_an_end_time(tmp_path):
    db = open_database(tmp_path / "r.db")
    ok = storage.start_run(db, {})
    storage.finish_run(db, ok, "ok", {})
    dead = storage.start_run(db, {})  # killed: never finished
    assert storage.abandon_running_runs(db) == 1
    rows = db.execute("SELECT id, status, finished_at IS NOT NULL FROM crawl_runs ORDER BY id").fetchall()
    assert rows == [(ok, "ok", 1), (dead, "abandoned", 1)]
    assert storage.abandon_running_runs(db) == 0
    assert storage.last_successful_run(db)["id"] == ok
    db.close()
