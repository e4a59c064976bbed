from crawler.database import open_database


def test_a_new_database_has_the_tables_in_wal_mode(tmp_path):
    db = open_database(tmp_path / "new.db")
    assert {"articles", "article_versions", "failures", "crawl_runs", "article_minhash"} <= set(
        db.table_names()
    )
    assert db["articles"].pks == ["article_id"]
    for column in ("disclaimer", "duplicate_of", "similarity", "content_hash", "first_seen", "last_seen"):
        assert column in db["articles"].columns_dict
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    db.close()


def test_opening_again_applies_nothing_twice(tmp_path):
    open_database(tmp_path / "a.db").close()
    db = open_database(tmp_path / "a.db")
    names = [row["name"] for row in db.query("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names)) and "m001_core_tables" in names
    db.close()
