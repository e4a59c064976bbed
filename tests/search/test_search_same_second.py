"""Any number of articles may share one publication second (date-only pages, bulk imports, rows without a
date): the index re-keys itself once with more docids per second, and every reading command keeps working."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from search_corpus import ARTICLES, row

from crawler.database import open_database
from crawler.search.engine import Search
from crawler.search.filters import Filters
from crawler.search.index import SLOTS, epoch_of, index_pending, slots_of

SCNEWS = str(Path(sys.executable).parent / "scnews")
SECOND = "2024-04-11T00:00:00+08:00"  # a date-only page: midnight


def same_second(start: int, n: int) -> list[dict]:
    base = row(ARTICLES[1])  # 都江堰灌区春灌工作全面完成 (no 成都)
    return [
        {
            **base,
            "article_id": str(start + i),
            "url": f"https://www.sc.chinanews.com.cn/scxw/2024-04-11/{start + i}.html",
            "title": f"雅安藏茶第{i}期",
            "body": f"雅安藏茶产业 批次{i} 稿件正文。",
            "published_at": SECOND,
        }
        for i in range(n)
    ]


def store(path: Path, rows: list[dict]) -> None:
    db = open_database(path)
    with db.atomic():
        db.table("articles").upsert_all(rows, pk="article_id", alter=True)
    db.conn.close()


def assert_index_consistent(path: Path) -> None:
    db = open_database(path, create=False)
    try:
        slots = slots_of(db)
        rows = db.execute(
            "SELECT a.published_at, d.docid FROM articles a LEFT JOIN search_docs d ON d.doc = a.rowid"
        ).fetchall()
        assert all(docid is not None and docid // slots == epoch_of(p) for p, docid in rows)
        assert db.execute("SELECT count(DISTINCT docid) FROM search_docs").fetchone()[0] == len(rows)
    finally:
        db.conn.close()


@pytest.fixture(scope="module")
def crowded(tmp_path_factory) -> Path:
    """The corpus plus 10,000 articles published in the same second, indexed."""
    path = tmp_path_factory.mktemp("same-second") / "scnews.db"
    store(path, [row(a) for a in ARTICLES] + same_second(500_000, 10_000))
    db = open_database(path, create=False)
    index_pending(db)
    db.conn.close()
    return path


def test_ten_thousand_articles_in_one_second_are_all_found(crowded):
    db = open_database(crowded, create=False)
    try:
        assert slots_of(db) > 10_000
        search = Search("雅安藏茶", sort="newest", limit=None)
        ids = [r["article_id"] for r in search.run(db)]
        assert len(ids) == 10_000 == search.count(db) == len(set(ids))
        # newest first: the corpus article of 2024-05-20 comes before the whole crowded second
        first = [r["article_id"] for r in Search("成都 OR 雅安藏茶", sort="newest", limit=3).run(db)]
        assert first == ["1008", "1005"] + first[2:] and int(first[2]) >= 500_000
        # the second is inside a window that starts at it, outside one that ends before it
        inside = Search("雅安藏茶", filters=Filters(since="2024-04-11", until="2024-04-11"), limit=None)
        assert inside.count(db) == 10_000 and len(list(inside.run(db))) == 10_000
        ranked = Search("雅安藏茶", filters=Filters(since="2024-04-11"), sort="relevance", limit=5)
        assert len(list(ranked.run(db))) == 5
        before = Search("雅安藏茶", filters=Filters(until="2024-04-10"), limit=None)
        assert before.count(db) == 0 and list(before.run(db)) == []
    finally:
        db.conn.close()
    assert_index_consistent(crowded)


def test_reading_commands_work_on_the_crowded_database(crowded):
    def scnews(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [SCNEWS, *args, "--db", str(crowded)], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0 and result.stderr == "", (args, result.stderr)
        return result

    assert "3 of 10000 matching articles shown" in scnews("search", "雅安藏茶", "--limit", "3").stdout
    exported = scnews("export", "--query", "雅安藏茶", "--format", "ndjson").stdout.splitlines()
    assert len(exported) == 10_000
    assert json.loads(scnews("stats", "--format", "json").stdout)["articles"] == 10_000 + len(ARTICLES)
    assert "雅安藏茶第9999期" in scnews("show", "509999").stdout


def test_an_existing_index_with_a_full_second_upgrades_in_place(tmp_path):
    """A database indexed with 4,096 docids per second (every database before the fix), the second full:
    the next articles of that second re-key the index instead of stopping every search."""
    path = tmp_path / "scnews.db"
    store(path, same_second(600_000, SLOTS))
    db = open_database(path, create=False)
    index_pending(db)
    assert slots_of(db) == SLOTS  # the old layout: exactly full
    db.conn.close()
    store(path, same_second(700_000, 5))
    db = open_database(path, create=False)
    try:
        assert index_pending(db) >= 5
        assert slots_of(db) == 4 * SLOTS  # twice the fullest second (4,101), a power of two
        assert Search("雅安藏茶", limit=None).count(db) == SLOTS + 5
    finally:
        db.conn.close()
    assert_index_consistent(path)


def test_articles_without_a_date_share_second_zero(tmp_path):
    path = tmp_path / "scnews.db"
    store(path, [{**r, "published_at": None} for r in same_second(800_000, SLOTS + 1)])
    db = open_database(path, create=False)
    try:
        assert len(list(Search("雅安藏茶", limit=None).run(db))) == SLOTS + 1
    finally:
        db.conn.close()
    assert_index_consistent(path)


def test_trends_count_the_crowded_second_on_its_day(crowded):
    from crawler.search.trend import trend

    db = open_database(crowded, create=False)
    try:
        result = trend(db, ["雅安藏茶"], by="day", filters=Filters(since="2024-04-10", until="2024-04-12"))
        assert result.periods == ["2024-04-10", "2024-04-11", "2024-04-12"]
        assert result.counts == {"雅安藏茶": [0, 10_000, 0]}
    finally:
        db.conn.close()
