"""The crawl is polite by default (the live-site settings; only --replica relaxes them)."""

from scrapy.settings import Settings


def _settings() -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def test_polite_defaults():
    s = _settings()
    assert s.getbool("ROBOTSTXT_OBEY")
    assert s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2 and s.getfloat("DOWNLOAD_DELAY") > 0
    assert s["USER_AGENT"].startswith("scnews/") and "news-monitoring crawler" in s["USER_AGENT"]
    assert 0 < s.getint("DOWNLOAD_TIMEOUT") <= 60 and 0 < s.getint("DOWNLOAD_MAXSIZE") <= 16 * 2**20
    assert {429, 500, 503} <= {int(c) for c in s.getlist("RETRY_HTTP_CODES")}
    middlewares = s.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "crawler.middlewares.BackoffRetryMiddleware" in middlewares
    assert not s.getbool("HTTPCACHE_ENABLED")
