import json

from sqlite_utils import Database

from crawler.database import migrations, open_database


def test_a_database_from_the_first_version_upgrades_in_place_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    later = [m.name for m in migrations._migrations if m.name != "m001_core_tables"]
    migrations.apply(old, stop_before=later)  # the layout of the first release
    assert [m.name for m in migrations.applied(old)] == ["m001_core_tables"]
    old["articles"].insert(
        {"article_id": "207510", "url": "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html",
         "title": "四川如何因地制宜发展AIGC产业?", "body": "近日，四川宣布把人工智能列为今年的1号创新工程。",
         "authors": json.dumps(["黄爱林"], ensure_ascii=False)}
    )  # fmt: skip
    old.close()

    db = open_database(path)
    assert [m.name for m in migrations.applied(db)] == [m.name for m in migrations._migrations]
    row = db.execute("SELECT article_id, title, authors FROM articles").fetchall()
    assert row == [("207510", "四川如何因地制宜发展AIGC产业?", '["黄爱林"]')]
    db.close()
