import asyncio

from pipeline_helpers import Crawl, article
from scrapy.settings import Settings

from crawler.database import open_database
from crawler.storage import known_article_ids
from pipelines.session import db_path_from_settings


def known(db_path, ids):
    db = open_database(db_path, create=False)
    try:
        return known_article_ids(db, ids)
    finally:
        db.close()


def test_articles_become_known_only_when_their_batch_commits(db_path):
    crawl = Crawl(db_path, SCNEWS_BATCH_SIZE=3)
    ids = [str(500000 + i) for i in range(5)]
    seen_after_each = []

    async def run():
        await crawl.manager.open_spider_async()
        for aid in ids:
            await crawl.manager.process_item_async(article(aid, f"第{aid}号文章的正文，" * 10))
            seen_after_each.append(len(known(db_path, ids)))
        await crawl.manager.close_spider_async()

    asyncio.run(run())
    assert seen_after_each == [0, 0, 3, 3, 3]
    assert known(db_path, ids) == set(ids)
    assert crawl.stat("new") == 5


def test_counts_reach_the_crawl_stats(crawl):
    body = "成都天府国际机场今日新开通三条国际航线。" * 5
    run = crawl([article("600001", body), article("600001", body), article("600002", "短")])
    stats = {k: v for k, v in run.crawler.stats.get_stats().items() if k.startswith("scnews/")}
    assert stats == {
        "scnews/new": 1,
        "scnews/unchanged": 1,
        "scnews/dropped": 1,
        "scnews/dropped/validate": 1,
    }


def test_database_path_precedence(monkeypatch, tmp_path):
    settings = Settings({"SCNEWS_DB": "project.db"}, priority="project")
    assert str(db_path_from_settings(settings)) == "project.db"
    monkeypatch.setenv("SCNEWS_DB", str(tmp_path / "env.db"))
    assert db_path_from_settings(settings) == tmp_path / "env.db"
    settings.set("SCNEWS_DB", "cli.db", priority="cmdline")
    assert str(db_path_from_settings(settings)) == "cli.db"
    monkeypatch.delenv("SCNEWS_DB")
    assert str(db_path_from_settings(Settings())) == "scnews.db"


def test_a_database_error_loses_only_the_article_that_caused_it(db_path, crawl, query):
    db = open_database(db_path)
    db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.article_id = '700002' "
        "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    db.close()
    body = "雅安市今年新建改建农村公路一千二百公里，惠及沿线群众。" * 3
    run = crawl([article(str(700000 + i), body + str(i)) for i in range(1, 5)], SCNEWS_BATCH_SIZE=10)

    assert [r["article_id"] for r in query("SELECT article_id FROM articles ORDER BY 1")] == [
        "700001",
        "700003",
        "700004",
    ]
    assert query("SELECT url, stage, reason FROM failures") == [
        {
            "url": "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/700002.html",
            "stage": "store",
            "reason": "database error: disk says no",
        }
    ]
    assert (run.stat("new"), run.stat("dropped/store")) == (3, 1)
