"""Every output of the reading commands escapes what its format needs: stored text from a hostile page (or any
tool) cannot drive the terminal, split a CSV row or an NDJSON line, and comes back exact from JSON and CSV."""

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
from search_corpus import ARTICLES, row, write_corpus  # noqa: E402

from crawler.database import open_database  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")
# ESC sequences (colour, window title, clear screen), a C1 CSI, a bidi override, carriage returns, the line
# separators JSON leaves raw, a CSV delimiter and quote
TITLE = "熊猫\x1b[31m红色\x1b]0;pwned\x07标题\u202e倒序\r覆盖"
BODY = '熊猫基地\x1b[2J清屏。\r\n第二段\u2028第三段\x85第四段\x9b31m。\n第五段，"引号"\r末尾'
SOURCE = '四川\x1b[5m日报,"来源"\r'
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\r", "\u2028", "\x85")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("escaping") / "scnews.db"
    write_corpus(path)
    subprocess.run(
        [SCNEWS, "watch", "add", "panda", "熊猫", "--db", str(path)], check=True, capture_output=True
    )
    hostile = {
        **row(ARTICLES[1]),
        "article_id": "6001",
        "url": "https://www.sc.chinanews.com.cn/scxw/2024-06-02/6001.html",
        "title": TITLE,
        "body": BODY,
        "source": SOURCE,
        "channel_name": "四川\x1b[0m新闻",
        "published_at": "2024-06-02T10:00:00+08:00",
    }
    db = open_database(path)
    with db.atomic():
        db.table("articles").insert(hostile)
    db.conn.close()
    return path


def run(path: Path, *args: str) -> str:
    result = subprocess.run([SCNEWS, *args, "--db", str(path)], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8")  # bytes as written: no newline translation


@pytest.mark.parametrize(
    "args",
    [
        ["search", "熊猫"],
        ["show", "6001"],
        ["stats"],
        ["watch", "run", "--peek"],
    ],
    ids=["search", "show", "stats", "watch-run"],
)
def test_text_outputs_show_controls_as_visible_escapes(hostile_db, args):
    out = run(hostile_db, *args)
    for raw in RAW:
        assert raw not in out, (raw, out)
    assert "\\x1b[" in out  # shown, not obeyed


def test_table_title_and_show_body_keep_their_shape(hostile_db):
    out = run(hostile_db, "search", "熊猫")
    assert "  熊猫\\x1b[31m红色\\x1b]0;pwned\\x07标题\\u202e倒序 覆盖\n" in out  # one line
    shown = run(hostile_db, "show", "6001")
    assert "熊猫基地\\x1b[2J清屏。\n第二段" in shown  # CRLF is a line break in a body
    assert '第五段，"引号"\n末尾' in shown


@pytest.mark.parametrize("args", [["search", "熊猫", "--format", "ndjson"], ["export", "--format", "ndjson"]])
def test_ndjson_is_one_line_per_record_and_exact(hostile_db, args):
    out = run(hostile_db, *args)
    lines = out.splitlines()  # splits on \r, \u2028, \x85 too
    records = [json.loads(line) for line in lines]
    assert "\u2028" not in out and "\x85" not in out and "\r" not in out
    hostile = next(r for r in records if r["article_id"] == "6001")
    assert hostile["title"] == TITLE and hostile["source"] == SOURCE
    if "body" in hostile:
        assert hostile["body"] == BODY


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "json"],
        ["show", "6001", "--format", "json"],
        ["watch", "run", "--peek", "--format", "json"],
    ],
    ids=["export", "show", "watch-run"],
)
def test_json_outputs_are_exact(hostile_db, args):
    out = run(hostile_db, *args)
    assert "\u2028" not in out and "\x85" not in out
    data = json.loads(out)
    found = json.dumps(data, ensure_ascii=False)
    assert json.dumps(TITLE, ensure_ascii=False) in found


def test_stats_json_is_exact(hostile_db):
    data = json.loads(run(hostile_db, "stats", "--format", "json"))
    assert SOURCE in {r["source"] for r in data["by_source"]}


def test_csv_rows_survive_carriage_returns_commas_and_quotes(hostile_db):
    out = run(hostile_db, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert len(rows) == len(ARTICLES) + 1
    hostile = next(r for r in rows if r["article_id"] == "6001")
    assert (hostile["title"], hostile["body"], hostile["source"]) == (TITLE, BODY, SOURCE)
    # rows without a carriage return keep the usual minimal quoting
    starts = [line[:8] for line in out.split("\n")[1:] if line.startswith(("https://", '"https://'))]
    assert starts.count('"https:/') == 1 and starts.count("https://") == len(ARTICLES)


def test_text_that_is_not_utf8_is_shown_replaced_not_fatal(tmp_path):
    path = tmp_path / "scnews.db"
    write_corpus(path)
    conn = sqlite3.connect(path)
    with conn:  # another tool stored bytes that are not UTF-8 as text
        conn.execute("UPDATE articles SET source = CAST(x'e59b9bff' AS TEXT) WHERE article_id = '1001'")
    conn.close()
    assert "四\ufffd" in run(path, "search", "大运会")
    assert "四\ufffd" in run(path, "stats")
    assert json.loads(run(path, "show", "1001", "--format", "json"))["source"] == "四\ufffd"
    assert len(run(path, "export", "--format", "ndjson").splitlines()) == len(ARTICLES)
