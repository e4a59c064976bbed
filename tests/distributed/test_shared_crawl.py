"""Several crawler processes and one writer, over a real redis-server and the replica on 127.0.0.1."""

from __future__ import annotations

import json
import re
import time

from redis_helpers import crawler, finish, ingester, kill, rows, stored_count


def stored_ids(db) -> set[str]:
    return {row[0] for row in rows(db, "SELECT article_id FROM articles")}


def summary_number(summary: str, pattern: str) -> int:
    found = re.search(pattern, summary)
    assert found, summary
    return int(found.group(1))


def test_two_crawlers_and_one_writer_store_each_article_once(
    tmp_path, redis_factory, replica_factory, reference_ids
):
    server = redis_factory()
    replica = replica_factory(latency=0.15)  # both crawlers get a share while pages take time
    first, second = crawler(server.url, replica.url), crawler(server.url, replica.url)
    results = [finish(first), finish(second)]
    db = tmp_path / "shared.db"
    code, out, err = finish(ingester(server.url, db, "--once", "--idle", "1"))

    for rc, summary, errors in results:
        assert rc == 0, errors
        assert summary_number(summary, r"requests\s+(\d+) sent") > 0, summary  # both crawlers fetched pages
    assert sorted(" seeded," in summary for _, summary, _ in results) == [False, True]
    assert code == 0, err
    assert stored_ids(db) == reference_ids
    status, counts = rows(db, "SELECT status, counts FROM crawl_runs")[0]
    counts = json.loads(counts)
    assert status == "ok" and counts["crawlers"] == 2
    assert counts["new"] == len(reference_ids) and counts["unchanged"] == 0
    # The shared fingerprints and claimed ids: between them the crawlers parsed each article once.
    parsed = sum(summary_number(summary, r"articles\s+(\d+) parsed") for _, summary, _ in results)
    assert parsed == len(reference_ids)
    # The run's frontier and fingerprints went with it; the writer's state for the crawlers is there.
    client = server.client()
    assert not client.exists("scnews:requests", "scnews:dupefilter", "scnews:run", "scnews:items:processing")
    assert client.scard("scnews:known") == len(reference_ids) + 1  # and the empty marker


def test_a_second_shared_run_requests_no_stored_article(tmp_path, redis_factory, replica_factory):
    server = redis_factory()
    replica = replica_factory(faults=False)
    db = tmp_path / "shared.db"
    assert finish(crawler(server.url, replica.url))[0] == 0
    assert finish(ingester(server.url, db, "--once", "--idle", "0.5"))[0] == 0
    before = len(replica.site.requests())
    # The whole replica in the window again: only the writer's set of stored ids keeps articles out.
    rc, out, err = finish(crawler(server.url, replica.url, "--since", "2000-01-01"))
    assert rc == 0, err
    later = [r.path for r in replica.site.requests()[before:]]
    assert later and all("index" in path or path == "/robots.txt" for path in later), later
    stored = rows(db, "SELECT COUNT(*) FROM articles")[0][0]
    assert summary_number(out, r"(\d+) skipped as already stored") == stored > 0


def test_a_crawler_killed_mid_run_leaves_its_share_to_the_other(
    tmp_path, redis_factory, replica_factory, reference_ids
):
    server = redis_factory()
    replica = replica_factory(latency=0.3)
    victim, survivor = crawler(server.url, replica.url), crawler(server.url, replica.url)
    deadline = time.monotonic() + 60
    while server.client().llen("scnews:items") < 15:  # mid-run: some records handed over, most not
        assert time.monotonic() < deadline
        time.sleep(0.05)
    kill(victim)
    rc, out, err = finish(survivor)
    assert rc == 0, err
    db = tmp_path / "shared.db"
    code, _, ierr = finish(ingester(server.url, db, "--once", "--idle", "1"))
    assert code == 0, ierr
    assert stored_ids(db) == reference_ids
    assert rows(db, "SELECT status FROM crawl_runs") == [("ok",)]


def test_the_writer_killed_and_restarted_loses_nothing(tmp_path, redis_factory, replica_factory):
    server = redis_factory()
    replica = replica_factory(faults=False)
    assert finish(crawler(server.url, replica.url))[0] == 0
    queued = {
        json.loads(event)["article"]["article_id"]
        for event in server.client().lrange("scnews:items", 0, -1)
        if json.loads(event)["type"] == "article"
    }
    assert len(queued) > 50
    db = tmp_path / "shared.db"
    # One article a transaction, so that the writer is killed between commits, with events taken.
    writer = ingester(server.url, db, "--once", "-s", "SCNEWS_BATCH_SIZE=1")
    deadline = time.monotonic() + 60
    while stored_count(db) < 10:
        assert time.monotonic() < deadline and writer.poll() is None
        time.sleep(0.01)
    kill(writer)
    assert len(stored_ids(db)) < len(queued)
    code, out, err = finish(ingester(server.url, db, "--once", "--idle", "0.5"))
    assert code == 0, err
    assert stored_ids(db) == queued
    assert rows(db, "SELECT status FROM crawl_runs") == [("ok",)]
    assert server.client().llen("scnews:items") == 0 and server.client().llen("scnews:items:processing") == 0
