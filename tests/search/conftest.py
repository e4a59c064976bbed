from __future__ import annotations

import pytest
from search_corpus import write_corpus

from crawler.database import open_database


@pytest.fixture
def db_path(tmp_path):
    """A real SQLite file holding the corpus, written with sqlite-utils as the store pipeline does."""
    path = tmp_path / "scnews.db"
    write_corpus(path)
    return path


@pytest.fixture
def db(db_path):
    database = open_database(db_path, create=False)
    yield database
    database.conn.close()
