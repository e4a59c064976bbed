"""Redis unreachable, or gone mid-run: one clear line, a non-zero exit, nothing lost."""

from __future__ import annotations

import time

from redis_helpers import CLI, crawler, finish, free_port, ingester, rows, stored_count


def one_clear_line(stderr: str, words: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert any(words in line for line in stderr.splitlines()), stderr


def test_crawl_with_redis_unreachable(tmp_path):
    rc, out, err = finish(crawler(f"redis://127.0.0.1:{free_port()}/0", "http://127.0.0.1:9"))
    assert rc == 1
    one_clear_line(err, "cannot reach Redis at redis://127.0.0.1:")
    assert len(err.strip().splitlines()) == 1


def test_ingest_with_redis_unreachable(tmp_path):
    rc, out, err = finish(ingester(f"redis://127.0.0.1:{free_port()}/0", tmp_path / "x.db", "--once"))
    assert rc == 1
    one_clear_line(err, "cannot reach Redis")
    assert len(err.strip().splitlines()) == 1


def test_crawl_with_redis_and_db_is_a_usage_error(tmp_path):
    import subprocess

    command = [*CLI, "crawl", "--redis", "redis://127.0.0.1:1/0", "--db", str(tmp_path / "x.db")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    one_clear_line(result.stderr, "--db and --redis exclude each other")


def test_redis_gone_mid_run_loses_nothing(tmp_path, redis_factory, replica_factory, reference_ids):
    server = redis_factory(durable=True)
    replica = replica_factory(latency=0.3)
    db = tmp_path / "shared.db"
    crawl = crawler(server.url, replica.url)
    writer = ingester(server.url, db)
    deadline = time.monotonic() + 60
    while stored_count(db) < 5:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    server.kill()
    rc, out, err = finish(crawl)
    assert rc == 1
    one_clear_line(err, "scnews crawl: lost the Redis server at redis://127.0.0.1:")
    code, _, ierr = finish(writer)
    assert code == 1
    one_clear_line(ierr, "scnews ingest: lost the Redis server at redis://127.0.0.1:")
    assert len(ierr.strip().splitlines()) == 1

    # Redis back (its append-only file kept every write): a crawler resumes the run, the writer finishes.
    server.start()
    # The abandoned run's fingerprints and claims would expire (a day) if no crawler came back for it.
    client = server.client()
    assert 0 < client.ttl("scnews:dupefilter") <= 86400 and 0 < client.ttl("scnews:claimed") <= 86400
    rc, out, err = finish(crawler(server.url, replica.url))
    assert rc == 0, err
    assert "joined" in out  # the interrupted run, with its frontier
    code, _, ierr = finish(ingester(server.url, db, "--once", "--idle", "1"))
    assert code == 0, ierr
    assert {row[0] for row in rows(db, "SELECT article_id FROM articles")} == reference_ids
    assert rows(db, "SELECT status FROM crawl_runs") == [("ok",)]
    assert not client.exists("scnews:dupefilter", "scnews:claimed", "scnews:requests")  # gone with the run
