"""What cron relies on: the lock, exit codes, one-line errors, the generic-share alarm."""

import os
import subprocess
import sys
import time
from pathlib import Path

from e2e_helpers import crawl, crawl_command, last_run, rows

from crawler.replica.pages import article_page


def test_overlapping_run_is_refused_by_the_lock(tmp_path, replica_factory):
    server = replica_factory(faults=True, slow_seconds=3)  # the slow page keeps the first run busy
    db = tmp_path / "news.db"
    first = subprocess.Popen(
        crawl_command(db, server.url, "--channels", "shms"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 20
        while not any(r.path.startswith("/shms/2024") for r in server.site.requests()):
            assert time.monotonic() < deadline and first.poll() is None, "the first run did not start"
            time.sleep(0.05)
        second = crawl(db, server.url, "--channels", "shms")
        assert second.returncode == 75
        assert second.stdout == ""
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "another crawl is running" in lines[0]
    finally:
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert rows(db, "SELECT COUNT(*), MIN(status) FROM crawl_runs") == [(1, "ok")]


def test_bad_arguments_print_one_line(tmp_path):
    db = tmp_path / "news.db"
    for args, word in (
        (["--since", "last tuesday"], "--since"),
        (["--channels", "cjbd,nosuch"], "nosuch"),
        (["--until", "2024-13-01"], "--until"),
        (["--max-pages", "0"], "--max-pages"),
        (["--max-pages", "x"], "--max-pages"),
        (["-s", "DOWNLOAD_DELAY"], "--set"),
        (["--replica", "--since", "2d"], "--replica"),
        (["-s", "SCNEWS_BASE_URL=foo"], "SCNEWS_BASE_URL"),
        (["-s", "SCNEWS_FIRST_RUN_SINCE=bogus"], "SCNEWS_FIRST_RUN_SINCE"),
        (["-s", "SCNEWS_MAX_PAGES=0"], "SCNEWS_MAX_PAGES"),
    ):
        result = crawl(db, "http://127.0.0.1:9", *args)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and word in lines[0] and "Traceback" not in result.stderr, result.stderr
    assert not db.exists()


def test_unreachable_site_fails_the_run(tmp_path, replica_factory):
    server = replica_factory(faults=False)
    url = server.url
    server.stop()
    db = tmp_path / "news.db"
    result = crawl(db, url, "--channels", "cjbd", "-s", "RETRY_TIMES=0")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert last_run(db)[0] == "failed"
    assert rows(db, "SELECT stage FROM failures WHERE url LIKE '%/cjbd/index.shtml'") == [("fetch",)]


def test_generic_share_above_threshold_exits_3(tmp_path, replica_factory):
    server = replica_factory(faults=False)
    site = server.site
    # An article in a layout no selector set knows: the generic layer extracts it.
    path = site.add_article("gsbd", title="未知模板的稿件", date="2024-04-10", article_id=299900)
    page = article_page(path=path, title="未知模板的稿件", date="2024-04-10", paragraphs=["占位"])
    paragraphs = "".join(
        f"<p>\u3000\u3000四川省第{n}届产业发展大会日前在成都举行，来自各地的企业代表围绕数字经济、绿色低碳等议题"
        f"展开交流，现场签约项目{n + 10}个，总投资超过{n * 7}亿元。</p>"
        for n in range(1, 6)
    )
    site.pages[path].body = (
        "<html><head><meta charset='utf-8'><title>未知模板的稿件</title></head><body>"
        "<section class='x-story'><h1>未知模板的稿件</h1>"
        "<div class='x-info'>发布时间：2024-04-10 09:15:36</div>"
        f"<div class='x-main'>{paragraphs}</div></section></body></html>"
    ).encode()
    assert page  # the replica's own template is not used for this page
    db = tmp_path / "news.db"
    result = crawl(db, server.url, "--channels", "gsbd", "-s", "SCNEWS_MAX_GENERIC_SHARE=0.2")
    assert rows(db, "SELECT template FROM articles WHERE article_id = '299900'") == [("generic",)]
    assert result.returncode == 3, result.stderr
    assert last_run(db)[0] == "generic-share-exceeded"
    assert "generic layer" in result.stderr


def test_scrapy_crawl_with_a_bad_argument_prints_one_line(tmp_path):
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "sc_chinanews", "-a", "since=last tuesday"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SCNEWS_DB": str(tmp_path / "news.db")},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("sc_chinanews: --since: not a valid date")
