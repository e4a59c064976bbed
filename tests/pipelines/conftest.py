"""Fixtures for the pipeline tests: a database file in tmp_path and crawls over it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import Crawl

from crawler.database import open_database


@pytest.fixture(autouse=True)
def _no_env_db(monkeypatch):
    monkeypatch.delenv("SCNEWS_DB", raising=False)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "scnews.db"


@pytest.fixture
def crawl(db_path):
    def make(items, **settings) -> Crawl:
        return Crawl(db_path, **settings).run(items)

    return make


@pytest.fixture
def query(db_path):
    def run(sql: str, params=()) -> list[dict]:
        db = open_database(db_path, create=False)
        try:
            return list(db.query(sql, params))
        finally:
            db.close()

    return run
