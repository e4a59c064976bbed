"""The live progress line: only when asked for (a terminal), and it shows pages, articles and errors."""

import io

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.progress import ProgressExtension


def test_off_unless_enabled():
    with pytest.raises(NotConfigured):
        ProgressExtension.from_crawler(get_crawler(settings_dict={"SCNEWS_PROGRESS": False}))


def test_line_shows_the_counts():
    crawler = get_crawler(settings_dict={"SCNEWS_PROGRESS": True})
    crawler.stats.open_spider()
    stream = io.StringIO()
    ext = ProgressExtension(crawler, stream=stream)
    for key, value in (("response_received_count", 12), ("scnews/articles", 5), ("scnews/failed", 2)):
        crawler.stats.set_value(key, value)
    ext.show()
    assert stream.getvalue().startswith("\r\x1b[K")
    assert stream.getvalue().endswith("pages 12  articles 5  errors 2")
