from __future__ import annotations

import pytest
from search_corpus import ARTICLES, row

from crawler.database import open_database


@pytest.fixture
def db_path(tmp_path):
    """A real SQLite file holding the corpus, written with sqlite-utils as the store pipeline does."""
    path = tmp_path / "scnews.db"
    db = open_database(path)
    with db.atomic():
        db["articles"].upsert_all([row(a) for a in ARTICLES], pk="article_id", alter=True)
    db.conn.close()
    return path


@pytest.fixture
def db(db_path):
    database = open_database(db_path, create=False)
    yield database
    database.conn.close()
