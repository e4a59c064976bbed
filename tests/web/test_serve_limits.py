"""``scnews serve`` cannot be starved or tricked: raw SQL is opt-in, our SQL functions and SQLite's values are
bounded, a malformed or too deep search is a 400 with one line (no traceback in the serve terminal), and
what the visitor typed comes back escaped. All over real HTTP against a running ``scnews serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import ARTICLES, row, write_corpus  # noqa: E402

from crawler.database import open_database  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")
HOSTILE = "<img src=x onerror=alert(1)>熊猫</td><script>alert(2)</script>"
DEEP = "(" * 330 + "成都" + ")" * 330  # 662 characters: used to raise RecursionError (HTTP 500)


def start(path: Path, log: Path, *extra: str):
    err = log.open("w")
    proc = subprocess.Popen(
        [SCNEWS, "serve", "--port", "0", "--db", str(path), *extra],
        stderr=err,
        env={**os.environ, "SCNEWS_SERVE_REFRESH": "60"},
    )
    for _ in range(300):
        text = log.read_text()
        if " on http://" in text:
            assert text.startswith("serving scnews.db read-only on http://127.0.0.1:"), text
            base = text.split(" on ", 1)[1].split()[0].rsplit("/", 1)[0]
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                    return proc, err, base
                except OSError:
                    time.sleep(0.1)
        time.sleep(0.05)
    proc.terminate()
    proc.wait(timeout=10)
    err.close()
    raise AssertionError(log.read_text())


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The corpus served twice: as monitors get it (no raw SQL), and with --allow-sql."""
    tmp = tmp_path_factory.mktemp("serve-limits")
    path = tmp / "scnews.db"
    write_corpus(path)
    db = open_database(path)
    with db.atomic():
        db.table("articles").insert(
            {**row(ARTICLES[1]), "article_id": "6001", "title": HOSTILE, "body": HOSTILE}
        )
    db.conn.close()
    subprocess.run(
        [SCNEWS, "watch", "add", "dayun", "大运会", "--db", str(path)], check=True, capture_output=True
    )
    plain = start(path, tmp / "plain.log")
    sql = start(path, tmp / "sql.log", "--allow-sql")
    try:
        yield {"plain": plain[2], "sql": sql[2], "logs": (tmp / "plain.log", tmp / "sql.log")}
    finally:
        for proc, err, _ in (plain, sql):
            proc.terminate()
            proc.wait(timeout=10)
            err.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def sql_json(base: str, sql: str) -> tuple[int, dict]:
    status, body = get(f"{base}/scnews.json?sql={quote(sql)}&_shape=objects")
    return status, json.loads(body)


def test_raw_sql_is_off_unless_allowed(servers):
    base = servers["plain"]
    assert get(f"{base}/scnews.json?sql={quote('select 1')}")[0] == 403
    assert get(f"{base}/scnews/articles.json?_where={quote('1=1')}")[0] == 403
    status, page = get(f"{base}/scnews")
    assert status == 200 and 'name="sql"' not in page  # no SQL editor offered
    status, data = sql_json(servers["sql"], "select 1 as one")
    assert status == 200 and data["rows"] == [{"one": 1}]


def test_search_facets_and_canned_queries_work_without_sql(servers):
    base = servers["plain"]
    status, body = get(
        f"{base}/scnews/articles_search.json?_shape=objects&_search={quote('成都')}&_facet=channel_name"
    )
    data = json.loads(body)
    assert status == 200
    assert sorted(r["article_id"] for r in data["rows"]) == ["1001", "1005", "1006", "1008"]
    assert {f["value"] for f in data["facet_results"]["channel_name"]["results"]} == {
        "文化体育",
        "四川新闻",
        "科教卫生",
        "财经报道",
    }
    status, body = get(f"{base}/scnews/search.json?_shape=array&q={quote('人工智能')}")
    assert status == 200 and [r["article_id"] for r in json.loads(body)] == ["1008", "1003"]
    status, body = get(f"{base}/scnews/watch-dayun.json?_shape=array")
    assert status == 200 and {r["article_id"] for r in json.loads(body)} == {"1001", "1006"}


@pytest.mark.parametrize("which", ["plain", "sql"])
def test_too_deep_a_search_is_a_400_with_one_line(servers, which):
    base = servers[which]
    for url in (
        f"{base}/scnews/articles_search?_search={quote(DEEP)}",
        f"{base}/scnews/articles_search.json?_search={quote(DEEP)}",
        f"{base}/scnews/search?q={quote(DEEP)}",
    ):
        status, body = get(url)
        assert "query nested too deeply (at most 16 levels of parentheses and NOT)" in body, url
        assert "RecursionError" not in body and "Traceback" not in body
        if "/search?" not in url:  # a canned query page shows the message on the page itself
            assert status == 400, url


def test_malformed_searches_print_no_traceback_in_the_serve_terminal(servers):
    for base in (servers["plain"], servers["sql"]):
        for q in ('"成都', DEEP, "成都 AND", "NOT 成都"):
            get(f"{base}/scnews/articles_search?_search={quote(q)}")
            get(f"{base}/scnews/search?q={quote(q)}")
    time.sleep(0.3)
    for log in servers["logs"]:
        text = log.read_text()
        assert "Traceback" not in text and "Exception ignored" not in text, text[-3000:]


def test_what_the_visitor_typed_comes_back_escaped(servers):
    attack = '"<script>alert(1)</script>'  # unterminated quote: the message repeats the query
    for url in (
        f"{servers['plain']}/scnews/articles_search?_search={quote(attack)}",
        f"{servers['plain']}/scnews/search?q={quote(attack)}",
    ):
        status, html = get(url)
        assert "unterminated quote in query" in html, url
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html, url


def test_values_cannot_grow_past_the_connection_limit(servers):
    base = servers["sql"]
    status, data = sql_json(base, "select length(randomblob(900000000))")
    assert status == 400 and "too big" in data["error"], data
    # SQLite's own printf loops 9 s over this, past the time limit; ours refuses it
    for sql in ("select printf('%.*c', 900000000, 'x')", "select format('%900000000d', 1)"):
        status, data = sql_json(base, sql)
        assert status == 400 and "user-defined function raised exception" in data["error"], data
    status, data = sql_json(base, "select printf('%05d|%.3s|%*d', 42, 'abcdef', 4, 7) as p")
    assert status == 200 and data["rows"] == [{"p": "00042|abc|   7"}], data
    status, data = sql_json(base, "select 1 as one")
    assert status == 200 and data["rows"] == [{"one": 1}]


def test_our_functions_read_bounded_inputs(servers):
    base = servers["sql"]
    # 30 MB of text with the only match at its end: the snippet looks at the first 100,000 characters only
    status, data = sql_json(
        base, "select scnews_snippet(replace(hex(zeroblob(15000000)), '0', 'x') || '成都', '成都') s"
    )
    assert status == 200, data
    assert data["rows"][0]["s"] == "x" * 120 + "…"
    status, data = sql_json(base, "select scnews_match(randomblob(8)) m")
    assert status == 400 and "user-defined function raised exception" in data["error"]
    long_filters = json.dumps({"source": ["x" * 20_000]})
    status, data = sql_json(
        base,
        f"select scnews_filters('{long_filters}', '2024-01-01T00:00:00+08:00', 'scxw', 'x', 'y', '[]') f",
    )
    assert status == 400
    status, data = sql_json(base, "select count(*) n from articles")
    assert status == 200 and data["rows"] == [{"n": len(ARTICLES) + 1}]
    time.sleep(0.3)
    text = servers["logs"][1].read_text()
    assert "Traceback" not in text and "Exception ignored" not in text, text[-3000:]


def test_stored_markup_is_shown_as_text(servers):
    base = servers["plain"]
    for url in (
        f"{base}/scnews/articles_search?_search={quote('熊猫')}",
        f"{base}/scnews/search?q={quote('熊猫')}",
        f"{base}/scnews/articles/6001",
    ):
        status, html = get(url)
        assert status == 200 and "&lt;img src=x onerror=alert(1)&gt;熊猫" in html, url
        assert "<img src=x" not in html and "<script>alert(2)" not in html, url


def test_raw_search_mode_cannot_bypass_the_query_language(servers):
    base = servers["plain"]
    url = f"{base}/scnews/articles_search.json?_shape=objects&_searchmode=raw&_search="
    status, body = get(url + quote("成都"))
    assert status == 200
    assert sorted(r["article_id"] for r in json.loads(body)["rows"]) == ["1001", "1005", "1006", "1008"]
    status, body = get(url + quote("成都 NEAR/3 ((("))
    assert status == 400 and "unbalanced parentheses in query" in body


def test_the_serve_terminal_shows_controls_escaped(servers):
    base = servers["sql"]
    status, _ = sql_json(base, 'select "\x1b[31m红 from articles')  # SQLite quotes the bad token
    assert status == 400
    time.sleep(0.3)
    text = servers["logs"][1].read_text()
    assert "\x1b" not in text and "\\x1b[31m红" in text
