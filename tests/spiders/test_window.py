"""Where a run's window starts: --since, else the last successful run, else SCNEWS_FIRST_RUN_SINCE back."""

from datetime import datetime, timedelta

from scrapy.utils.test import get_crawler

from crawler.database import open_database
from crawler.spiders.sc_chinanews import ScChinanewsSpider
from crawler.storage import finish_run, start_run
from crawler.timewindow import CHINA


def _spider(db_path, **kwargs):
    crawler = get_crawler(ScChinanewsSpider, {"SCNEWS_DB": str(db_path)})
    return ScChinanewsSpider.from_crawler(crawler, **kwargs)


def test_first_run_looks_two_days_back(tmp_path):
    spider = _spider(tmp_path / "news.db")
    start = spider.window_start()
    assert abs(start - (spider.now - timedelta(days=2))) < timedelta(seconds=1)
    spider.closed("finished")


def test_later_runs_start_at_the_last_successful_run(tmp_path):
    db = open_database(tmp_path / "news.db")
    ok = start_run(db, {})
    finish_run(db, ok, "ok", {})
    failed = start_run(db, {})
    finish_run(db, failed, "failed", {})
    started = db.execute("SELECT started_at FROM crawl_runs WHERE id = ?", [ok]).fetchone()[0]
    db.close()
    spider = _spider(tmp_path / "news.db")
    assert spider.window_start() == datetime.fromisoformat(started).astimezone(CHINA)
    spider.closed("finished")


def test_since_wins(tmp_path):
    spider = _spider(tmp_path / "news.db", since="2024-04-01")
    assert spider.window_start() == datetime(2024, 4, 1, tzinfo=CHINA)


def test_each_channel_starts_from_its_own_coverage(tmp_path):
    # A run restricted to cjbd covered it until now; scxw was never covered: it looks two days back, not from
    # the cjbd run (the window of a channel is its own, whatever other channels' runs did).
    from crawler.coverage import add_coverage

    db = open_database(tmp_path / "news.db")
    run = start_run(db, {"channels": "cjbd"})
    finish_run(db, run, "ok", {})
    spider = _spider(tmp_path / "news.db")
    add_coverage(db, "cjbd", spider.now - timedelta(days=5), spider.now - timedelta(hours=1))
    db.close()
    default = spider.window_start()
    assert abs(default - (spider.now - timedelta(days=2))) < timedelta(seconds=1)
    cjbd = spider.channel_window_start("cjbd", default)
    assert abs(cjbd - (spider.now - timedelta(hours=49))) < timedelta(seconds=1)  # the 48 h margin
    assert spider.channel_window_start("scxw", default) == default
    spider.closed("finished")
