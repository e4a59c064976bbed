"""Fixtures for the shared crawl: real redis-servers, a replica per test, and the single-process reference."""

from __future__ import annotations

import subprocess

import pytest
from redis_helpers import CLI, SETTINGS, RedisServer, rows

from crawler.replica import ReplicaServer, ReplicaSite


@pytest.fixture
def redis_factory(tmp_path):
    servers: list[RedisServer] = []

    def start(durable: bool = False) -> RedisServer:
        server = RedisServer(tmp_path / f"redis{len(servers)}", durable=durable).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def replica_factory():
    servers: list[ReplicaServer] = []

    def start(**kwargs) -> ReplicaServer:
        server = ReplicaServer(ReplicaSite(**kwargs)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def reference_ids(tmp_path_factory) -> set[str]:
    """The article ids one ordinary crawl (no Redis) stores from a fresh replica."""
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    with ReplicaServer(ReplicaSite()) as replica:
        command = [*CLI, "crawl", "--db", str(db), "--replica-url", replica.url, "--quiet", *SETTINGS]
        result = subprocess.run(command, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    ids = {row[0] for row in rows(db, "SELECT article_id FROM articles")}
    assert len(ids) > 50  # the replica's articles, less the ones its faults keep out
    return ids
