"""``scnews changes`` and the watches' change reports, as real subprocesses over a real database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import ARTICLES, write_corpus  # noqa: E402

from crawler.database import open_database  # noqa: E402
from crawler.storage import (  # noqa: E402
    ArticleWriter,
    PendingArticle,
    article_row,
    get_article,
    mark_removed,
    row_to_article,
)

SCNEWS = str(Path(sys.executable).parent / "scnews")
A = "{http://www.w3.org/2005/Atom}"
TITLES = {a["article_id"]: a["title"] for a in ARTICLES}


def scnews(db, *args, code=0):
    result = subprocess.run([SCNEWS, *args, "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert result.returncode == code, result.stderr
    return result


def edit(path, article_id: str, **fields) -> None:
    db = open_database(path)
    record = row_to_article(get_article(db, article_id))
    for name, value in fields.items():
        setattr(record, name, value)
    writer = ArticleWriter(db)
    writer.add(PendingArticle(article_row(record)))
    assert writer.flush()["changed"] == 1
    db.close()


def withdraw(path, article_id: str, reason: str = "HTTP 404", status: int | None = 404) -> None:
    db = open_database(path)
    assert mark_removed(db, article_id, reason, status)
    db.close()


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "scnews.db"
    write_corpus(path)
    return path


def test_table_json_and_kind(db_path):
    assert scnews(db_path, "changes").stdout == ""  # nothing changed: nothing printed (cron mails nothing)
    edit(db_path, "1003", editor="王磊")
    withdraw(db_path, "1002")
    table = scnews(db_path, "changes").stdout
    assert table.index(TITLES["1002"]) < table.index(TITLES["1003"])  # newest first
    assert "  removed: HTTP 404" in table
    assert "  edited: editor\n    editor: 王蕾 → 王磊\n" in table
    found = json.loads(scnews(db_path, "changes", "--kind", "removed", "--format", "json").stdout)
    assert [(c["kind"], c["article_id"], c["reason"], c["http_status"]) for c in found] == [
        ("removed", "1002", "HTTP 404", 404)
    ]
    assert scnews(db_path, "changes", "--since", "2030-01-01").stdout == ""


def test_atom_is_valid_xml_even_with_control_characters(db_path):
    edit(db_path, "1005", title="标题里有控制字符\x0b和\x1f")
    withdraw(db_path, "1006", "redirect to https://www.sc.chinanews.com.cn/", 302)
    feed = ET.fromstring(scnews(db_path, "changes", "--format", "atom").stdout)
    entries = feed.findall(f"{A}entry")
    assert [e.find(f"{A}category").get("term") for e in entries] == ["removed", "edited"]
    assert entries[1].find(f"{A}title").text == "[edited] 标题里有控制字符和"
    assert "redirect to https://www.sc.chinanews.com.cn/" in entries[0].find(f"{A}content").text


def test_bad_options_are_one_line_with_status_2(db_path):
    for args in (["--since", "last tuesday"], ["--kind", "deleted"], ["--format", "rss"]):
        result = scnews(db_path, "changes", *args, code=2)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("Error: ")


def test_a_watch_reports_edits_and_withdrawals_of_its_matches_once(db_path):
    scnews(db_path, "watch", "add", "dayun", "大运会")
    edit(db_path, "1001", body=ARTICLES[0]["body"] + "\n更正：运动员来自113个国家和地区。")
    withdraw(db_path, "1003")  # not a match of the watch
    (result,) = json.loads(scnews(db_path, "watch", "run", "--format", "json").stdout)
    assert result["articles"] == []
    assert [(c["kind"], c["article_id"]) for c in result["changes"]] == [("edited", "1001")]
    assert "{+" not in result["changes"][0]["diff"]  # a new paragraph: a + line
    assert "  + 更正：运动员来自113个国家和地区。" in result["changes"][0]["diff"]
    assert scnews(db_path, "watch", "run").stdout == ""  # reported once
    withdraw(db_path, "1001")
    text = scnews(db_path, "watch", "run").stdout
    assert "== watch dayun: 大运会 — 1 changed or withdrawn ==" in text
    assert "removed: HTTP 404" in text


def test_show_gives_the_history_with_diffs(db_path):
    edit(db_path, "1003", title="四川如何因地制宜发展AIGC产业")
    withdraw(db_path, "1003")
    text = scnews(db_path, "show", "1003").stdout
    assert "    removed: " in text and "(withdrawn from the site; last content kept)" in text
    history = text.split("History (2, China time):\n", 1)[1].splitlines()
    assert history[0].endswith("edited: title")
    assert history[1:3] == [
        "    title: 四川如何因地制宜发展AIGC产业？ → 四川如何因地制宜发展AIGC产业",
        "      ~ 四川如何因地制宜发展AIGC产业[-？-]",
    ]
    assert history[3].endswith("removed: HTTP 404")
    details = json.loads(scnews(db_path, "show", "1003", "--format", "json").stdout)
    assert [c["kind"] for c in details["history"]] == ["edited", "removed"]
