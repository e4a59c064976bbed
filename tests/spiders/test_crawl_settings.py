"""``scnews crawl -s NAME=VALUE`` and ``--replica-url`` are checked before the run: one line, exit 2."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import scrapy.settings.default_settings as scrapy_defaults

from crawler.crawl_args import CrawlArgumentError
from crawler.crawl_run import CrawlOptions, run_crawl
from crawler.crawl_settings import READ_AS_FLOAT, check_setting, known_settings


@pytest.mark.parametrize(
    "name, value",
    [
        ("DOWNLOAD_DELAY", "2"),
        ("DOWNLOAD_DELAY", "0.25"),
        ("DOWNLOAD_TIMEOUT", "1.5"),
        ("CONCURRENT_REQUESTS", "4"),
        ("ROBOTSTXT_OBEY", "False"),
        ("AUTOTHROTTLE_ENABLED", "0"),
        ("TELNETCONSOLE_ENABLED", "true"),
        ("USER_AGENT", "scnews/0.1 (desk@example.org)"),
        ("ITEM_PIPELINES", '{"pipelines.store.StorePipeline": 400}'),
        ("RETRY_HTTP_CODES", "500,503"),
        ("LOG_FILE", "crawl.log"),
        ("SCNEWS_MAX_GENERIC_SHARE", "0.5"),
        ("SCNEWS_BATCH_SIZE", "50"),
        ("SCNEWS_DB", "other.db"),
        ("SCNEWS_FIRST_RUN_SINCE", "3d"),
    ],
)
def test_good_settings_pass(name, value):
    check_setting(name, value)


@pytest.mark.parametrize(
    "name, value, message",
    [
        (
            "DOWNLAOD_DELAY",
            "2",
            "-s DOWNLAOD_DELAY: not a Scrapy or scnews setting (did you mean DOWNLOAD_DELAY?)",
        ),
        (
            "SCNEWS_MAXPAGES",
            "2",
            "-s SCNEWS_MAXPAGES: not a Scrapy or scnews setting (did you mean SCNEWS_MAX_PAGES?)",
        ),
        ("NO_SUCH_THING", "2", "-s NO_SUCH_THING: not a Scrapy or scnews setting"),
        ("DOWNLOAD_DELAY", "abc", "-s DOWNLOAD_DELAY: 'abc' is not a number"),
        ("DOWNLOAD_DELAY", "-1", "-s DOWNLOAD_DELAY: must be at least 0, got -1"),
        ("CONCURRENT_REQUESTS", "2.5", "-s CONCURRENT_REQUESTS: '2.5' is not a whole number"),
        ("CONCURRENT_REQUESTS", "0", "-s CONCURRENT_REQUESTS: must be at least 1, got 0"),
        ("ROBOTSTXT_OBEY", "maybe", "-s ROBOTSTXT_OBEY: 'maybe' is not true or false (or 1 or 0)"),
        ("ITEM_PIPELINES", "{oops", "-s ITEM_PIPELINES: '{oops' is not a JSON object"),
        ("SCNEWS_MAX_GENERIC_SHARE", "x", "-s SCNEWS_MAX_GENERIC_SHARE: 'x' is not a number"),
        ("SCNEWS_MAX_GENERIC_SHARE", "nan", "-s SCNEWS_MAX_GENERIC_SHARE: 'nan' is not a finite number"),
        ("SCNEWS_MAX_GENERIC_SHARE", "1.5", "-s SCNEWS_MAX_GENERIC_SHARE: must be between 0 and 1, got 1.5"),
        ("SCNEWS_BATCH_SIZE", "abc", "-s SCNEWS_BATCH_SIZE: 'abc' is not a whole number"),
    ],
)
def test_bad_settings_are_one_line(name, value, message):
    with pytest.raises(CrawlArgumentError) as caught:
        check_setting(name, value)
    assert str(caught.value) == message


def test_every_setting_the_project_reads_is_known():
    known = known_settings()
    used: set[str] = set()
    for folder in ("crawler", "pipelines"):
        for source in (Path(__file__).parents[2] / folder).rglob("*.py"):
            used |= set(re.findall(r'settings\.get\w*\(\s*"([A-Z_0-9]+)"', source.read_text("utf-8")))
    assert used and used <= set(known), used - set(known)


def test_int_defaults_scrapy_reads_as_floats_are_listed():
    """An upgrade of Scrapy that reads another whole-number setting with getfloat shows up here."""
    root = Path(scrapy_defaults.__file__).parents[1]
    read_as_float = set()
    for source in root.rglob("*.py"):
        read_as_float |= set(re.findall(r'getfloat\(\s*"([A-Z_0-9]+)"', source.read_text("utf-8")))
    int_defaults = {name for name in read_as_float if type(getattr(scrapy_defaults, name, None)) is int}
    assert int_defaults == READ_AS_FLOAT


@pytest.mark.parametrize(
    "options, message",
    [
        (
            CrawlOptions(set_args=("SCNEWS_MAX_GENERIC_SHARE=x",)),
            "-s SCNEWS_MAX_GENERIC_SHARE: 'x' is not a number",
        ),
        (CrawlOptions(set_args=("DOWNLOAD_DELAY=abc",)), "-s DOWNLOAD_DELAY: 'abc' is not a number"),
        (
            CrawlOptions(set_args=("SCNEWS_BATCH_SIZE=abc",)),
            "-s SCNEWS_BATCH_SIZE: 'abc' is not a whole number",
        ),
        (
            CrawlOptions(set_args=("DOWNLAOD_DELAY=2",)),
            "-s DOWNLAOD_DELAY: not a Scrapy or scnews setting (did you mean DOWNLOAD_DELAY?)",
        ),
        (CrawlOptions(replica_url="notaurl"), "--replica-url: 'notaurl' is not an http(s) URL"),
        (
            CrawlOptions(replica_url="ftp://127.0.0.1:8123"),
            "--replica-url: 'ftp://127.0.0.1:8123' is not an http(s) URL",
        ),
        (
            CrawlOptions(replica_url="http://127.0.0.1:port"),
            "--replica-url: 'http://127.0.0.1:port' is not an http(s) URL",
        ),
    ],
)
def test_a_bad_setting_stops_the_run_before_it_starts(tmp_path, options, message):
    db = tmp_path / "news.db"
    options.db_path = str(db)
    out, err = io.StringIO(), io.StringIO()
    assert run_crawl(options, out=out, err=err) == 2
    assert err.getvalue() == f"Error: {message}\n"
    assert out.getvalue() == ""
    assert not db.exists()  # no database opened, so no crawl_runs row left 'running'


def test_the_command_line_says_it_in_one_line(tmp_path):
    db = tmp_path / "news.db"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from crawler.cli import main; main()",
            "crawl",
            "--db",
            str(db),
            "--replica-url",
            "notaurl",
            "-s",
            "DOWNLOAD_DELAY=1",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "Error: --replica-url: 'notaurl' is not an http(s) URL\n",
    )
    if db.exists():
        assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM crawl_runs").fetchone() == (0,)
