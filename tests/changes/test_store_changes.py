"""The store writes the change log: edits with versions, withdrawals, reappearances (real pipelines)."""

import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pipelines"))
from pipeline_helpers import Crawl, article  # noqa: E402

from crawler.database import migrations, open_database  # noqa: E402
from crawler.record import Image  # noqa: E402
from crawler.storage import content_hash, mark_removed  # noqa: E402

BODY = "成都天府国际机场今年旅客吞吐量突破4000万人次，同比增长约三成，单日最高保障航班超过600架次。"


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    monkeypatch.delenv("SCNEWS_DB", raising=False)
    return tmp_path / "scnews.db"


def query(db_path, sql, params=()):
    db = open_database(db_path)
    try:
        return [tuple(r.values()) for r in db.query(sql, params)]
    finally:
        db.close()


def test_authors_and_images_changes_are_edits(db_path):
    Crawl(db_path).run([article("1", BODY, authors=["王逸飞"])])
    run = Crawl(db_path).run([article("1", BODY, authors=["王逸飞", "杨勇"])])
    assert run.stat("changed") == 1
    run = Crawl(db_path).run(
        [article("1", BODY, authors=["王逸飞", "杨勇"], images=[Image("https://x/1.jpg")])]
    )
    assert run.stat("changed") == 1
    assert query(db_path, "SELECT kind, fields FROM changes ORDER BY id") == [
        ("edited", "authors"),
        ("edited", "images"),
    ]
    assert query(db_path, "SELECT authors, diff FROM article_versions ORDER BY id") == [
        ('["王逸飞"]', "authors: 王逸飞 → 王逸飞、杨勇"),
        ('["王逸飞", "杨勇"]', "images:\n  + https://x/1.jpg"),
    ]


def test_withdrawn_then_stored_again_is_restored_once(db_path):
    Crawl(db_path).run([article("1", BODY)])
    db = open_database(db_path)
    assert mark_removed(db, "1", "HTTP 404", 404) is True
    assert mark_removed(db, "1", "HTTP 404", 404) is False  # still removed: no second event
    assert mark_removed(db, "404404", "HTTP 404", 404) is False  # not stored: nothing
    db.close()
    (removed_at,) = query(db_path, "SELECT removed_at FROM articles")[0]
    assert removed_at is not None
    run = Crawl(db_path).run([article("1", BODY)])
    assert (run.stat("unchanged"), run.stat("restored")) == (1, 1)
    assert query(db_path, "SELECT removed_at FROM articles") == [(None,)]
    assert query(db_path, "SELECT kind, reason, http_status FROM changes ORDER BY id") == [
        ("removed", "HTTP 404", 404),
        ("restored", None, None),
    ]
    assert query(db_path, "SELECT count(*) FROM article_versions") == [(0,)]


def test_the_migration_rehashes_stored_articles_so_an_unchanged_revisit_is_no_edit(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    mine = [m.name for m in migrations._migrations if m.name.startswith("m102_changes")]
    migrations.apply(old, stop_before=mine)
    a = article("207510", BODY, authors=["黄爱林"])
    old["articles"].insert(
        {
            "article_id": a.article_id,
            "url": a.url,
            "title": a.title,
            "published_at": a.published_at,
            "source": a.source,
            "editor": a.editor,
            "authors": '["黄爱林"]',
            "images": "[]",
            "body": a.body,
            "content_hash": "an old-formula hash",
            "last_seen": "2026-11-01T00:00:00+00:00",
        }
    )
    old.close()
    assert query(path, "SELECT content_hash FROM articles") == [(content_hash(a),)]
    run = Crawl(path).run([a])
    assert (run.stat("unchanged"), run.stat("changed")) == (1, 0)
