"""End-to-end fixtures: a replica on 127.0.0.1 in this process (its request log is read directly)."""

from __future__ import annotations

import pytest

from crawler.replica import ReplicaServer, ReplicaSite


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
