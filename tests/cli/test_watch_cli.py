"""``scnews watch`` as real subprocesses: state in the database, new matches once (feeds: test_watch_feed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import new_article, scnews, write_corpus  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "scnews.db"
    write_corpus(path)
    return path


def run_json(db, *args):
    return json.loads(scnews(db, "watch", "run", *args, "--format", "json").stdout)


def test_watch_reports_new_matches_once(db_path):
    scnews(db_path, "watch", "add", "dayun", "大运会")
    assert "dayun\t大运会\t-\tlast run: never" in scnews(db_path, "watch", "list").stdout
    assert scnews(db_path, "watch", "run").stdout == ""  # existing articles are not news
    new_article(db_path, "5001", "大运会场馆向市民开放", "东安湖体育公园。")
    new_article(db_path, "5002", "春耕进行时", "田间地头一片繁忙。")
    (result,) = run_json(db_path)
    assert result["name"] == "dayun"
    assert [a["article_id"] for a in result["articles"]] == ["5001"]
    assert "«大运会»" in result["articles"][0]["snippet"]
    assert run_json(db_path)[0]["articles"] == []  # reported once
    assert "last run: 20" in scnews(db_path, "watch", "list").stdout


def test_peek_does_not_advance(db_path):
    scnews(db_path, "watch", "add", "ai", "人工智能 OR AIGC")
    new_article(db_path, "5003", "AIGC创作大赛启动", "参赛作品须注明使用的工具。")
    assert len(run_json(db_path, "--peek")[0]["articles"]) == 1
    assert len(run_json(db_path, "ai")[0]["articles"]) == 1
    assert run_json(db_path, "ai")[0]["articles"] == []


def test_watch_filters(db_path):
    scnews(db_path, "watch", "add", "chengdu-whty", "成都", "--channel", "whty", "--since", "2024-01-01")
    new_article(
        db_path, "5004", "成都马拉松鸣枪", "三万名跑者参赛。", channel="whty", channel_name="文化体育"
    )
    new_article(db_path, "5005", "成都地铁新线开通", "新线全长四十公里。", channel="scxw")
    new_article(
        db_path,
        "5006",
        "成都老照片展",
        "展出百余幅照片。",
        channel="whty",
        published_at="2023-12-31T10:00:00+08:00",
    )
    assert [a["article_id"] for a in run_json(db_path)[0]["articles"]] == ["5004"]


def test_table_output_and_file(db_path, tmp_path):
    scnews(db_path, "watch", "add", "xiongmao", "熊猫")
    new_article(db_path, "5007", "大熊猫“和花”过生日", "游客排起长队。")
    out = tmp_path / "new.txt"
    result = scnews(db_path, "watch", "run", "--output", str(out))
    assert "1 new article written" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("== watch xiongmao: 熊猫 — 1 new ==\n")
    assert "\n  大熊猫“和花”过生日\n  大«熊猫»“和花”过生日\n" in text  # title, then the snippet


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["watch", "add", "x", "NOT 成都"], "cannot only exclude"),
        (["watch", "add", "x", "成都", "--since", "someday"], "not a valid date"),
        (["watch", "add", "bad name", "成都"], "bad watch name"),
        (["watch", "rm", "nosuch"], "no watch named"),
        (["watch", "run", "nosuch"], "no watch named"),
    ],
)
def test_watch_errors_are_one_line(db_path, args, fragment):
    result = scnews(db_path, *args, ok=False)
    assert result.returncode == 2  # what was asked is wrong: a usage error
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and lines[0].startswith("Error: ")


def test_duplicate_name_and_rm(db_path):
    scnews(db_path, "watch", "add", "dayun", "大运会")
    result = scnews(db_path, "watch", "add", "dayun", "成都", ok=False)
    assert result.returncode == 2 and "already exists" in result.stderr
    scnews(db_path, "watch", "rm", "dayun")
    assert json.loads(scnews(db_path, "watch", "list", "--format", "json").stdout) == []


def test_an_output_file_that_cannot_be_written_loses_nothing(db_path, tmp_path):
    scnews(db_path, "watch", "add", "xiongmao", "熊猫")
    new_article(db_path, "5009", "大熊猫新馆开放", "熊猫馆今日开放。")
    result = scnews(db_path, "watch", "run", "--output", str(tmp_path / "missing" / "new.txt"), ok=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'missing' / 'new.txt'}: No such file or directory"
    ]
    # Not delivered, so not marked as reported: the next run still has it.
    assert [a["article_id"] for a in run_json(db_path)[0]["articles"]] == ["5009"]
