"""``scnews search / show / export / stats`` run as real subprocesses on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import ARTICLES, write_corpus  # noqa: E402

from crawler.database import open_database  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "scnews.db"
    write_corpus(path)
    db = open_database(path)
    with db.atomic():
        db["article_versions"].insert(
            {
                "article_id": "1001",
                "seen_at": "2023-07-28T21:00:00+08:00",
                "title": "成都大运会今晚开幕",
                "body": "旧正文",
                "content_hash": "abc123",
            }
        )
        db["crawl_runs"].insert(
            {
                "started_at": "2024-06-01T10:00:00+08:00",
                "finished_at": "2024-06-01T10:05:00+08:00",
                "arguments": "{}",
                "counts": json.dumps({"stored": 8, "failed": 1}),
                "status": "ok",
            }
        )
    db.conn.close()
    return path


def scnews(*args, db=None, ok=True):
    cmd = [SCNEWS, *args] + (["--db", str(db)] if db else [])
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def assert_one_line_error(result, *fragments):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_search_table(db_path):
    out = scnews("search", "大运会", db=db_path).stdout
    assert "成都大运会开幕 世界青年相聚蓉城" in out
    assert "«大运会»" in out
    assert "2 of 2 matching articles shown" in out


def test_search_json_sorted_newest(db_path):
    records = json.loads(scnews("search", "成都", "--sort", "newest", "--format", "json", db=db_path).stdout)
    assert [r["article_id"] for r in records] == ["1008", "1005", "1006", "1001"]
    assert records[0]["authors"] == ["王逸飞"]


def test_search_filters_and_limit(db_path):
    out = scnews(
        "search", "成都", "--since", "2023-07-29", "--until", "2024-05-31", "--format", "ndjson", db=db_path
    ).stdout
    assert sorted(json.loads(line)["article_id"] for line in out.splitlines()) == ["1005", "1006"]
    out = scnews("search", "成", "--limit", "2", "--format", "ndjson", db=db_path).stdout
    assert len(out.splitlines()) == 2
    out = scnews(
        "search", "成都", "--author", "杨勇", "--channel", "whty", "--format", "ndjson", db=db_path
    ).stdout
    assert [json.loads(line)["article_id"] for line in out.splitlines()] == ["1001"]


def test_search_csv(db_path):
    out = scnews("search", "AIGC", "--format", "csv", db=db_path).stdout
    (record,) = list(csv.DictReader(io.StringIO(out)))
    assert record["article_id"] == "1003"
    assert json.loads(record["authors"]) == ["黄爱林"]


def test_no_match_exits_zero(db_path):
    result = scnews("search", "重庆", db=db_path)
    assert result.stdout == ""
    assert "no articles match" in result.stderr


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["search", '"成都'], "unterminated quote"),
        (["search", "(成都"], "unbalanced parentheses"),
        (["search", "NOT 成都"], "cannot only exclude"),
        (["search", "成都 AND"], "AND needs"),
        (["search", ""], "empty query"),
        (["search", "成都", "--since", "2024-02-30"], "not a valid date"),
        (["search", "成都", "--since", "next week"], "not a valid date"),
        (["search", "成都", "--channel", "sports"], "unknown channel"),
        (["search", "成都", "--since", "2024-02-01", "--until", "2024-01-01"], "not before"),
        (["export", "--format", "csv", "--query", "OR"], "OR needs"),
        (["show", "99999"], "no article"),
        (["show", "http://[bad"], "no article"),
    ],
)
def test_user_errors_are_one_line(db_path, args, fragment):
    assert_one_line_error(scnews(*args, db=db_path, ok=False), fragment)


DEEP = "(" * 330 + "成都" + ")" * 330  # used to end in a RecursionError traceback


@pytest.mark.parametrize(
    "args",
    [["search", DEEP], ["export", "--format", "csv", "--query", DEEP], ["watch", "add", "deep", DEEP]],
    ids=["search", "export", "watch-add"],
)
def test_too_deep_a_query_is_one_line_and_exit_2(db_path, args):
    result = scnews(*args, db=db_path, ok=False)
    assert result.returncode == 2 and result.stdout == ""
    assert_one_line_error(result, "query nested too deeply (at most 16 levels of parentheses and NOT)")


@pytest.mark.parametrize(
    "command",
    [
        ["search", "成都"],
        ["show", "1001"],
        ["export", "--format", "json"],
        ["stats"],
        ["watch", "list"],
        ["watch", "run"],
    ],
)
def test_missing_database_is_one_line(tmp_path, command):
    result = scnews(*command, db=tmp_path / "missing.db", ok=False)
    assert result.returncode == 2
    assert_one_line_error(result, "database not found")
    assert not (tmp_path / "missing.db").exists()


def test_not_a_database_is_one_line(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not sqlite " * 100)
    assert_one_line_error(scnews("search", "成都", db=bad, ok=False), "not a usable scnews database")


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "'; DROP TABLE articles; --",
        "NEAR(成都 大运会, 2)",
        "成都*",
        '"',
        "*",
        "{title}:成都",
        "1=1) OR (1=1",
        "\\x00",
        "%",
        "_",
    ],
)
def test_injection_strings(db_path, query):
    result = scnews("search", query, "--format", "json", "--source", "%' OR 1=1 --", db=db_path, ok=False)
    assert result.returncode in (0, 2), result.stderr  # 2: a malformed query is a usage error
    if result.returncode == 0:
        assert json.loads(result.stdout) == []  # the source filter is a literal text no article has
    else:
        assert_one_line_error(result)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(ARTICLES)
    conn.close()


def test_source_filter_is_literal_not_like_pattern(db_path):
    out = scnews("export", "--format", "ndjson", "--source", "%", db=db_path).stdout
    assert out == ""
    out = scnews("export", "--format", "ndjson", "--source", "四川", db=db_path).stdout
    assert sorted(json.loads(line)["article_id"] for line in out.splitlines()) == ["1002", "1003", "1005"]


def test_show_by_id_and_url_variants(db_path):
    out = scnews("show", "1001", db=db_path).stdout
    assert out.startswith("成都大运会开幕 世界青年相聚蓉城\n")
    assert "王逸飞、杨勇" in out
    assert "Duplicates of this article (1):" in out and "#1006" in out
    assert "Earlier versions (1):" in out and "成都大运会今晚开幕" in out
    variant = "http://www.sc.chinanews.com/whty/2023-07-28/1001.shtml"
    assert scnews("show", variant, db=db_path).stdout == out


def test_show_json_of_a_duplicate(db_path):
    record = json.loads(scnews("show", "1006", "--format", "json", db=db_path).stdout)
    assert record["duplicate_of"] == "1001"
    assert record["duplicate_of_article"]["title"] == "成都大运会开幕 世界青年相聚蓉城"
    assert record["authors"] == ["杨勇"]
    assert record["versions"] == [] and record["duplicates"] == []


def test_export_csv_to_file(db_path, tmp_path):
    out = tmp_path / "cjbd.csv"
    result = scnews("export", "--channel", "cjbd", "--format", "csv", "--output", str(out), db=db_path)
    assert "2 articles written" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["article_id"] for r in rows] == ["1008", "1003"]  # newest first
    assert json.loads(rows[1]["authors"]) == ["黄爱林"]
    assert json.loads(rows[1]["images"]) == []
    assert rows[1]["mirror"] == "false"
    assert list(rows[0])[:6] == ["url", "article_id", "channel", "channel_name", "title", "published_at"]


def test_export_json_with_query(db_path):
    records = json.loads(scnews("export", "--query", "大运会", "--format", "json", db=db_path).stdout)
    assert {r["article_id"] for r in records} == {"1001", "1006"}
    assert {r["body"][:6] for r in records} == {"中新网成都7", "第31届世界"}


def test_stats(db_path):
    out = scnews("stats", db=db_path).stdout
    assert "articles: 8  (duplicates: 1" in out
    assert "generic layer: 0 articles, 0.0% of all" in out
    assert "      2  cjbd     财经报道       latest 2024-06-01T10:00:00+08:00" in out
    assert "  #1  2024-06-01 10:00 +08:00  ok  took 5 min\n      1 failed\n      stored 8\n" in out
    data = json.loads(scnews("stats", "--format", "json", db=db_path).stdout)
    assert {r["source"]: r["articles"] for r in data["by_source"]}["中国新闻网"] == 3
    assert data["by_day"][0] == {"day": "2024-06-01", "articles": 1}


@pytest.mark.parametrize(
    "command",
    [
        ["search"],
        ["show"],
        ["export"],
        ["stats"],
        ["watch"],
        ["watch", "add"],
        ["watch", "run"],
        ["watch", "list"],
        ["watch", "rm"],
        ["serve"],
    ],
)
def test_every_command_help_has_an_example(command):
    out = scnews(*command, "--help").stdout
    assert "Example: scnews " in out


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["search", "成都", "--limit", "0"], "--limit"),
        (["search"], "Missing argument 'QUERY'"),
        (["export"], "Missing option '--format'. Choose from: json, ndjson, csv"),
        (["search", "成都", "--format", "xml"], "'xml' is not one of"),
        (["watch", "run", "--format", "rss"], "'rss' is not one of"),
    ],
)
def test_usage_errors_are_one_line(db_path, args, fragment):
    result = scnews(*args, db=db_path, ok=False)
    assert result.returncode == 2
    assert_one_line_error(result, fragment)


def test_many_pending_articles_are_announced_then_found(tmp_path):
    path = tmp_path / "big.db"
    open_database(path).conn.close()
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO articles (article_id, url, title, published_at, body) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    str(i),
                    f"https://www.sc.chinanews.com.cn/scxw/2024-01-01/{i}.html",
                    f"标题{i}",
                    "2024-01-01T08:00:00+08:00",
                    "乐山大佛" if i % 100 == 0 else "峨眉山",
                )
                for i in range(2100)
            ],
        )
    conn.close()
    result = scnews("search", "大佛", "--format", "ndjson", "--limit", "100", db=path)
    assert "indexing 2100 new or changed articles for search (once) ..." in result.stderr
    assert len(result.stdout.splitlines()) == 21
    assert scnews("search", "大佛", "--format", "ndjson", db=path).stderr == ""


def test_export_to_a_folder_that_does_not_exist_is_one_line(db_path, tmp_path):
    target = tmp_path / "missing" / "out.csv"
    result = scnews("export", "--format", "csv", "--output", str(target), db=db_path, ok=False)
    assert_one_line_error(result, "No such file or directory")
    assert result.returncode == 1
