"""What a crawler needs from the database reaches it through Redis, kept there by the writer (in-process)."""

from __future__ import annotations

from datetime import datetime

import pytest
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from crawler.database import open_database
from crawler.distributed.ingest import Ingester
from crawler.distributed.keys import Keys, connect
from crawler.distributed.memory import RedisMemory
from crawler.distributed.node import Node
from crawler.memory import DatabaseMemory
from crawler.record import Article
from crawler.spiders.sc_chinanews import ScChinanewsSpider
from crawler.storage import ArticleWriter, PendingArticle, article_row, finish_run, record_failure, start_run

URL = "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/{}.html"


def settings_for(db) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("SCNEWS_DB", str(db), priority="cmdline")
    return settings


@pytest.fixture
def database(tmp_path):
    """A database with one completed run, two stored articles and one failure to retry."""
    path = tmp_path / "state.db"
    db = open_database(path)
    run = start_run(db, {}, started_at="2026-11-30T01:00:00+00:00")
    finish_run(db, run, "ok", {})
    writer = ArticleWriter(db)
    for article_id in ("207510", "207511"):
        article = Article(
            URL.format(article_id), article_id, "cjbd", None, "标题", "2024-04-11T10:57:00+08:00"
        )
        writer.add(PendingArticle(article_row(article)))
    writer.flush()
    record_failure(db, URL.format("207599"), "fetch", "HTTP 500", 500)
    db.close()
    return path


def test_the_writer_publishes_what_the_database_memory_knows(redis_factory, database):
    server = redis_factory()
    ingester = Ingester(connect(server.url), Keys(), settings_for(database), server.url)
    ingester.open()
    ingester.close()

    node = Node(Crawler(ScChinanewsSpider, settings_for(database)), server.url)
    remote, local = RedisMemory(node), DatabaseMemory(database)
    asked = ["207510", "207511", "207512"]
    assert remote.known_ids(asked) == local.known_ids(asked) == {"207510", "207511"}
    assert (
        remote.last_success_start()
        == local.last_success_start()
        == datetime.fromisoformat("2026-11-30T01:00:00+00:00")
    )
    assert remote.failures_to_retry(10) == local.failures_to_retry(10) == [URL.format("207599")]
    local.close()


def test_an_article_is_claimed_by_one_page_and_again_by_that_page(redis_factory, tmp_path):
    server = redis_factory()
    node = Node(Crawler(ScChinanewsSpider, settings_for(tmp_path / "unused.db")), server.url)
    memory = RedisMemory(node)
    assert memory.claim(["1", "2"], by="/cjbd/index.shtml") == {"1", "2"}
    assert memory.claim(["2", "3"], by="/bwbd/index.shtml") == {"3"}  # 2 is the first page's
    assert memory.claim(["1", "2"], by="/cjbd/index.shtml") == {"1", "2"}  # the page done again
    assert 0 < server.client().ttl("scnews:claimed") <= 86400
