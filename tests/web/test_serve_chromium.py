"""``scnews serve`` in a real headless Chromium: the Chinese search shows the right articles."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import ARTICLES, insert_sqlite3, write_corpus  # noqa: E402
from serve_process import running_serve  # noqa: E402

from crawler.database import open_database  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")
TITLES = {a["article_id"]: a["title"] for a in ARTICLES}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    path = tmp / "scnews.db"
    write_corpus(path)
    _edit_and_withdraw(path)
    subprocess.run(
        [SCNEWS, "watch", "add", "dayun", "大运会", "--db", str(path)], check=True, capture_output=True
    )
    with running_serve(path, refresh=0.3) as base:
        yield base, path, tmp


def _edit_and_withdraw(path: Path) -> None:
    """1007 edited (a new title) and 1002 withdrawn, through the store's own API, as revisits do."""
    from crawler.storage import (
        ArticleWriter,
        PendingArticle,
        article_row,
        get_article,
        mark_removed,
        row_to_article,
    )

    db = open_database(path)
    article = row_to_article(get_article(db, "1007"))
    article.title = "更正：" + article.title
    writer = ArticleWriter(db)
    writer.add(PendingArticle(article_row(article)))
    assert writer.flush()["changed"] == 1
    assert mark_removed(db, "1002", "HTTP 404", 404)
    db.close()


def dump_dom(url: str, profile: Path) -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is not installed (apt-get install chromium)"
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_search_box_two_character_term(server):
    base, _, tmp = server
    dom = dump_dom(f"{base}/scnews/articles_search?_search={quote('成都')}", tmp / "profile1")
    for article_id in ("1001", "1005", "1006", "1008"):
        assert TITLES[article_id] in dom, article_id
    # 1002 has both characters (完成。都江堰) but not the word; 1007 has neither
    assert TITLES["1002"] not in dom
    assert TITLES["1007"] not in dom
    assert "4 rows" in dom
    # the facets are there, with counts of the matching articles
    assert (
        'data-column="channel_name"' in dom
        and 'data-column="source"' in dom
        and 'data-column="editor"' in dom
    )


def test_search_query_page_with_snippets(server):
    base, _, tmp = server
    dom = dump_dom(f"{base}/scnews/search?q={quote('人工智能')}", tmp / "profile2")
    assert TITLES["1008"] in dom and TITLES["1003"] in dom
    assert TITLES["1004"] not in dom  # 人工、智能 is not 人工智能
    assert dom.index(TITLES["1008"]) < dom.index(TITLES["1003"])  # title hit ranks first
    assert "«人工智能»" in dom


def test_watch_is_a_canned_query(server):
    base, _, tmp = server
    dom = dump_dom(f"{base}/scnews/watch-dayun", tmp / "profile3")
    assert TITLES["1001"] in dom and TITLES["1006"] in dom
    assert TITLES["1008"] not in dom


def test_read_only(server):
    base, path, _ = server
    url = f"{base}/scnews.json?sql={quote('DELETE FROM articles')}"
    try:
        body = urllib.request.urlopen(url, timeout=5).read().decode()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode()
    assert '"ok": false' in body
    db = open_database(path, create=False)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(ARTICLES)
    db.conn.close()


def test_search_page_without_a_query_is_not_an_error(server):
    base, _, _ = server
    html = urllib.request.urlopen(f"{base}/scnews/search", timeout=5).read().decode()
    assert "message-error" not in html and "raised exception" not in html


def test_articles_stored_while_serving_are_found(server):
    base, path, _ = server
    insert_sqlite3(
        path, {**ARTICLES[1], "article_id": "9001", "title": "峨眉山景区迎来初雪", "body": "游客踏雪。"}
    )
    url = f"{base}/scnews/search.json?_shape=array&q={quote('初雪')}"
    for _ in range(100):
        rows = json.loads(urllib.request.urlopen(url, timeout=5).read())
        if rows:
            break
        time.sleep(0.1)
    assert [r["article_id"] for r in rows] == ["9001"]


def test_a_malformed_query_shows_the_query_languages_message(server):
    base, _, tmp = server
    for url in (
        f"{base}/scnews/articles_search?_search={quote(chr(34) + '成都')}",
        f"{base}/scnews/search?q={quote(chr(34) + '成都')}",
    ):
        dom = dump_dom(url, tmp / "profile-error")
        assert "unterminated quote in query" in dom, url
        assert "raised exception" not in dom, url


def test_too_deep_a_search_shows_one_line_and_no_sql_editor(server):
    base, _, tmp = server
    deep = "(" * 330 + "成都" + ")" * 330
    dom = dump_dom(f"{base}/scnews/articles_search?_search={quote(deep)}", tmp / "profile-deep")
    assert "query nested too deeply (at most 16 levels of parentheses and NOT)" in dom
    assert "RecursionError" not in dom and "Internal Server Error" not in dom
    dom = dump_dom(f"{base}/scnews", tmp / "profile-db")
    assert "search" in dom and "watch-dayun" in dom  # the listed queries
    assert 'name="sql"' not in dom  # no SQL editor without --allow-sql


def test_long_bodies_are_cut_in_html_tables_but_whole_in_json(server):
    base, path, tmp = server
    body = "九寨沟景区秋色正浓" + "游客络绎不绝。" * 60  # 429 characters
    insert_sqlite3(path, {**ARTICLES[1], "article_id": "9002", "title": "九寨沟秋色", "body": body})
    json_url = f"{base}/scnews/articles.json?_shape=array&article_id=9002"
    rows = json.loads(urllib.request.urlopen(json_url, timeout=5).read())
    assert rows[0]["body"] == body
    dom = dump_dom(f"{base}/scnews/articles?article_id=9002", tmp / "profile-long")
    assert body[:150] in dom and body not in dom and "…" in dom


def test_changes_view_and_canned_query(server):
    base, _, tmp = server
    dom = dump_dom(f"{base}/scnews/changes?kind=", tmp / "profile-changes")
    assert "更正：" + TITLES["1007"] in dom and TITLES["1002"] in dom
    assert "HTTP 404" in dom and "{+更正：+}" in dom  # the reason, and the diff of the edited title
    dom = dump_dom(f"{base}/scnews/changes?kind=removed", tmp / "profile-changes2")
    assert TITLES["1002"] in dom and TITLES["1007"] not in dom
    dom = dump_dom(f"{base}/scnews/article_changes", tmp / "profile-changes3")
    assert 'data-column="kind"' in dom and "2 rows" in dom  # faceted by kind
