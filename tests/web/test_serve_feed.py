"""``scnews serve`` serves each watch's Atom feed at /-/scnews/watch/NAME.atom, fetched over real HTTP."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import ARTICLES, insert_sqlite3, write_corpus  # noqa: E402
from serve_process import running_serve  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")


def scnews(path, *args) -> str:
    result = subprocess.run([SCNEWS, *args, "--db", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("feed") / "scnews.db"
    write_corpus(path)
    scnews(path, "watch", "add", "dayun", "大运会")
    scnews(path, "watch", "add", "熊猫", "熊猫")
    with running_serve(path, refresh=0.2) as base:
        yield base, path


def fetch(url: str, headers: dict[str, str] | None = None, full: bool = False):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            result = response.status, response.headers["Content-Type"], response.read()
            got = response.headers
    except urllib.error.HTTPError as exc:
        result = exc.code, exc.headers["Content-Type"], exc.read()
        got = exc.headers
    return (*result, got) if full else result


def test_served_feed_is_the_commands_feed(server):
    base, path = server
    url = f"{base}/-/scnews/watch/dayun.atom"
    status, content_type, body = fetch(url)
    assert status == 200 and content_type == "application/atom+xml; charset=utf-8"
    served = feedparser.parse(body)
    assert served.bozo == 0, served.get("bozo_exception")
    assert [e.id for e in served.entries] == ["urn:scnews:article:1006", "urn:scnews:article:1001"]
    assert [link.href for link in served.feed.links if link.rel == "self"] == [url]
    written = feedparser.parse(scnews(path, "watch", "feed", "dayun"))
    assert [(e.id, e.title, e.summary) for e in served.entries] == [
        (e.id, e.title, e.summary) for e in written.entries
    ]
    assert served.feed.updated == written.feed.updated


def test_chinese_watch_name_new_articles_and_new_watches(server):
    base, path = server
    status, _, body = fetch(f"{base}/-/scnews/watch/{quote('熊猫')}.atom")
    assert status == 200, body
    assert [e.id for e in feedparser.parse(body).entries] == ["urn:scnews:article:1006"]
    insert_sqlite3(path, {**ARTICLES[1], "article_id": "6001", "title": "熊猫基地开放", "body": "熊猫。"})
    for _ in range(50):  # indexed by the server within SCNEWS_SERVE_REFRESH
        ids = [
            e.id for e in feedparser.parse(fetch(f"{base}/-/scnews/watch/{quote('熊猫')}.atom")[2]).entries
        ]
        if len(ids) == 2:
            break
        time.sleep(0.1)
    assert ids == ["urn:scnews:article:6001", "urn:scnews:article:1006"]
    scnews(path, "watch", "add", "ai", "人工智能")
    status, _, body = fetch(f"{base}/-/scnews/watch/ai.atom?limit=1")
    assert status == 200
    assert [e.id for e in feedparser.parse(body).entries] == ["urn:scnews:article:1008"]


@pytest.mark.parametrize(
    "tail, status, message",
    [
        ("nosuch.atom", 404, "no watch named 'nosuch' (see: scnews watch list)"),
        ("dayun.atom?limit=0", 400, "limit must be a whole number from 1 to 1000, not '0'"),
        ("dayun.atom?limit=x", 400, "limit must be a whole number from 1 to 1000, not 'x'"),
    ],
)
def test_feed_errors_are_one_line(server, tail, status, message):
    base, _ = server
    code, _, body = fetch(f"{base}/-/scnews/watch/{tail}")
    assert (code, body.decode("utf-8").strip()) == (status, message)


def test_conditional_get_answers_304_until_the_feed_changes(server):
    base, path = server
    url = f"{base}/-/scnews/watch/dayun.atom"
    status, _, body, headers = fetch(url, full=True)
    etag = headers["ETag"]
    assert status == 200 and etag.startswith('"') and len(etag) == 34
    assert fetch(url, full=True)[3]["ETag"] == etag  # same data, same tag
    status, _, body, _ = fetch(url, {"If-None-Match": etag}, full=True)
    assert (status, body) == (304, b"")
    assert fetch(url, {"If-None-Match": '"something else"'})[0] == 200
    insert_sqlite3(path, {**ARTICLES[1], "article_id": "6002", "title": "大运会场馆开放", "body": "大运会。"})
    for _ in range(50):
        status, _, body, headers = fetch(url, {"If-None-Match": etag}, full=True)
        if status == 200:
            break
        time.sleep(0.1)
    assert status == 200 and headers["ETag"] != etag
    assert feedparser.parse(body).entries[0].id == "urn:scnews:article:6002"


def test_the_watch_query_page_names_its_feed(server):
    base, _ = server
    status, _, body = fetch(f"{base}/scnews/watch-dayun")
    assert status == 200 and "/-/scnews/watch/dayun.atom" in body.decode("utf-8")
