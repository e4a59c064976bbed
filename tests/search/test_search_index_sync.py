"""The index follows ``articles`` whoever writes it: sqlite-utils, sqlite3, updates, deletes, replaces."""

import sqlite3

from search_corpus import ARTICLES, insert_sqlite3, row

from crawler.database import open_database
from crawler.search.engine import Search
from crawler.search.index import SLOTS, epoch_of, index_pending, pending_count, rebuild


def found(path, query):
    db = open_database(path, create=False)
    try:
        return {r["article_id"] for r in Search(query, limit=None).run(db)}
    finally:
        db.conn.close()


def _instances(conn, schema):
    conn.execute(f"CREATE VIRTUAL TABLE temp.v USING fts5vocab({schema}, search_index, 'instance')")
    rows = set(conn.execute("SELECT term, doc, col, offset FROM temp.v"))
    conn.execute("DROP TABLE temp.v")
    return rows


def integrity_ok(path):
    """The maintained index holds exactly what an index built from scratch from the articles holds."""
    from crawler.search.cjk import index_text

    conn = sqlite3.connect(path)
    try:
        maintained = _instances(conn, "main")
        conn.execute("ATTACH ':memory:' AS fresh")
        conn.execute(
            "CREATE VIRTUAL TABLE fresh.search_index USING fts5(title, body, content='', prefix='1', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        docs = conn.execute(
            "SELECT a.rowid, a.title, a.body, a.published_at, d.docid FROM articles a "
            "LEFT JOIN search_docs d ON d.doc = a.rowid"
        ).fetchall()
        assert conn.execute("SELECT count(*) FROM search_docs").fetchone()[0] == len(docs)
        for _rowid, title, body, published_at, docid in docs:
            assert docid is not None and docid // SLOTS == epoch_of(published_at)
            conn.execute(
                "INSERT INTO fresh.search_index(rowid, title, body) VALUES (?, ?, ?)",
                [docid, index_text(title), index_text(body)],
            )
        rebuilt = _instances(conn, "fresh")
        assert maintained, "the index is empty"
        assert maintained == rebuilt, (len(maintained - rebuilt), len(rebuilt - maintained))
        return True
    finally:
        conn.close()


def sql(path, statement, params=()):
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def test_rows_inserted_with_plain_sqlite3_are_found(db_path):
    insert_sqlite3(
        db_path, {**ARTICLES[0], "article_id": "3001", "title": "雅安发现野生大熊猫", "body": "雅安。"}
    )
    assert found(db_path, "雅安") == {"3001"}
    assert found(db_path, "熊猫") == {"1006", "3001"}


def test_update_of_body_with_sqlite3(db_path):
    assert found(db_path, "熊猫") == {"1006"}
    sql(db_path, "UPDATE articles SET body = '峨眉山金丝猴' WHERE article_id = '1006'")
    assert found(db_path, "熊猫") == set()
    assert found(db_path, "金丝猴") == {"1006"}
    # updated twice before the next search: the index must forget the first text, not the second
    sql(db_path, "UPDATE articles SET body = '一次' WHERE article_id = '1006'")
    sql(db_path, "UPDATE articles SET body = '两次' WHERE article_id = '1006'")
    assert found(db_path, "金丝猴") == set() and found(db_path, "一次") == set()
    assert found(db_path, "两次") == {"1006"}
    assert integrity_ok(db_path)


def test_update_of_other_columns_does_not_queue(db_path):
    db = open_database(db_path, create=False)
    index_pending(db)
    db.execute("UPDATE articles SET last_seen = '2025-01-01T00:00:00+08:00'")
    db.conn.commit()
    assert pending_count(db) == 0


def test_delete(db_path):
    assert "1008" in found(db_path, "人工智能")
    sql(db_path, "DELETE FROM articles WHERE article_id = '1008'")
    assert found(db_path, "人工智能") == {"1003"}
    assert integrity_ok(db_path)


def test_insert_or_replace(db_path):
    found(db_path, "成都")  # indexed
    new = row({**ARTICLES[7], "title": "科技周在绵阳举行", "body": "绵阳。"})
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            f"INSERT OR REPLACE INTO articles ({', '.join(new)}) VALUES ({', '.join('?' * len(new))})",
            list(new.values()),
        )
    conn.close()
    assert found(db_path, "绵阳") == {"1008"}
    assert "1008" not in found(db_path, "人工智能")
    assert integrity_ok(db_path)


def test_sqlite_utils_upsert_changes_text(db_path):
    found(db_path, "成都")
    db = open_database(db_path)
    with db.atomic():
        db["articles"].upsert({"article_id": "1005", "body": "研发团队来自德阳。"}, pk="article_id")
    db.conn.close()
    assert found(db_path, "德阳") == {"1005"}
    assert "1005" not in found(db_path, "成都")
    assert integrity_ok(db_path)


def test_queue_is_empty_after_a_search_and_rebuild_gives_same_results(db_path):
    before = found(db_path, "成都")
    db = open_database(db_path, create=False)
    assert pending_count(db) == 0
    assert rebuild(db) == len(ARTICLES)
    db.conn.close()
    assert found(db_path, "成都") == before
    assert integrity_ok(db_path)


def test_change_of_publication_time_moves_the_docid(db_path):
    assert found(db_path, "熊猫") == {"1006"}
    sql(db_path, "UPDATE articles SET published_at = '2025-02-03T04:05:06+08:00' WHERE article_id = '1006'")
    db = open_database(db_path, create=False)
    newest = [r["article_id"] for r in Search("成都", sort="newest", limit=1).run(db)]
    db.conn.close()
    assert newest == ["1006"]
    assert integrity_ok(db_path)


def test_a_table_rebuild_that_drops_the_triggers_heals_itself(db_path):
    """sqlite-utils transform recreates articles: its triggers go and rowids may change."""
    assert found(db_path, "熊猫") == {"1006"}
    db = open_database(db_path, create=False)
    db["articles"].transform(types={"similarity": str})
    db.conn.close()
    insert_sqlite3(db_path, {**ARTICLES[0], "article_id": "3002", "title": "卧龙熊猫基地", "body": "卧龙。"})
    assert found(db_path, "熊猫") == {"1006", "3002"}
    assert found(db_path, "卧龙") == {"3002"}
    sql(db_path, "DELETE FROM articles WHERE article_id = '1006'")  # the recreated triggers work
    assert found(db_path, "熊猫") == {"3002"}
    assert integrity_ok(db_path)


def test_an_outdated_trigger_is_replaced(db_path):
    found(db_path, "熊猫")
    sql(db_path, "DROP TRIGGER search_articles_au")
    sql(db_path, "CREATE TRIGGER search_articles_au AFTER UPDATE ON articles BEGIN SELECT 1; END")
    assert found(db_path, "熊猫") == {"1006"}
    sql(db_path, "UPDATE articles SET body = '峨眉山金丝猴' WHERE article_id = '1006'")
    assert found(db_path, "熊猫") == set() and found(db_path, "金丝猴") == {"1006"}
    assert integrity_ok(db_path)
