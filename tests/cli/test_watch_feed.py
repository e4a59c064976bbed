"""``scnews watch feed``: an Atom feed of a watch's latest matches, read back with feedparser."""

from __future__ import annotations

import sys
from pathlib import Path

import feedparser
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import new_article, scnews, write_corpus  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "scnews.db"
    write_corpus(path)
    return path


def feed_of(db, name, *args):
    text = scnews(db, "watch", "feed", name, *args).stdout
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return text, parsed


def test_feed_lists_the_matches_already_stored(db_path):
    scnews(db_path, "watch", "add", "dayun", "大运会")
    _, feed = feed_of(db_path, "dayun")
    assert feed.version == "atom10"
    assert feed.feed.id == "urn:scnews:watch:dayun"
    assert feed.feed.title == "scnews: dayun"
    # 1001 and 1006 mention 大运会; same first_seen order as stored: 1006 was stored after 1001.
    assert [e.id for e in feed.entries] == ["urn:scnews:article:1006", "urn:scnews:article:1001"]
    first = feed.entries[1]
    assert first.title == "成都大运会开幕 世界青年相聚蓉城"
    assert first.link == "https://www.sc.chinanews.com.cn/whty/2023-07-28/1001.html"
    assert first.published == "2023-07-28T20:00:00+08:00"
    assert [a.name for a in first.authors] == ["王逸飞", "杨勇"]
    assert first.tags[0].term == "whty" and first.tags[0].label == "文化体育"
    assert first.summary.startswith("文化体育 · 中国新闻网 — ")
    assert "«大运会»" in first.summary


def test_regenerated_feed_keeps_ids_and_never_loses_an_item(db_path):
    scnews(db_path, "watch", "add", "xiongmao", "熊猫")
    before, feed = feed_of(db_path, "xiongmao")
    assert before == feed_of(db_path, "xiongmao")[0]  # same data, same bytes (updated included)
    ids = [e.id for e in feed.entries]
    assert ids == ["urn:scnews:article:1006"]
    new_article(db_path, "5001", "大熊猫“和花”过生日", "游客排起长队。")
    scnews(db_path, "watch", "run")  # the mail report takes its articles: the feed must keep them
    new_article(db_path, "5002", "熊猫基地春节开放", "开放时间延长。")
    _, later = feed_of(db_path, "xiongmao")
    assert [e.id for e in later.entries] == [
        "urn:scnews:article:5002",
        "urn:scnews:article:5001",
        "urn:scnews:article:1006",
    ]
    assert later.feed.updated != feed.feed.updated


def test_feed_does_not_move_the_run_marker(db_path):
    scnews(db_path, "watch", "add", "xiongmao", "熊猫")
    new_article(db_path, "5003", "熊猫邮局开业", "明信片很受欢迎。")
    feed_of(db_path, "xiongmao")
    feed_of(db_path, "xiongmao")
    out = scnews(db_path, "watch", "run", "xiongmao").stdout
    assert out.startswith("== watch xiongmao: 熊猫 — 1 new ==")
    assert "#5003" in out


def test_limit_keeps_the_last_stored_not_the_last_published(db_path, tmp_path):
    scnews(db_path, "watch", "add", "chuncha", "春茶")
    new_article(db_path, "5004", "春茶开采", "蒙顶山春茶开采。", published_at="2024-03-01T08:00:00+08:00")
    new_article(db_path, "5005", "春茶上市", "春茶陆续上市。", published_at="2024-03-20T08:00:00+08:00")
    # stored last, but published long before: a reader must still be shown it
    new_article(db_path, "5006", "去年春茶回顾", "回顾春茶产销。", published_at="2023-04-01T08:00:00+08:00")
    out = tmp_path / "chuncha.atom"
    result = scnews(db_path, "watch", "feed", "chuncha", "--limit", "2", "-o", str(out))
    assert result.stderr.strip() == f"feed of 2 entries written to {out}"
    feed = feedparser.parse(out.read_bytes())
    assert feed.bozo == 0
    assert [e.id for e in feed.entries] == ["urn:scnews:article:5006", "urn:scnews:article:5005"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_text_xml_cannot_carry_is_removed(db_path):
    scnews(db_path, "watch", "add", "kongzhi", "控制")
    new_article(db_path, "5007", "控制\x01字符\x0b与<标签>&符号", "正文里有控制\x1f字符和\ufffe。")
    text, feed = feed_of(db_path, "kongzhi")
    assert "\x01" not in text and "\x0b" not in text and "\x1f" not in text and "\ufffe" not in text
    assert [e.title for e in feed.entries] == ["控制字符与<标签>&符号"]


def test_empty_feed_is_valid(db_path):
    scnews(db_path, "watch", "add", "none", "不存在的词")
    _, feed = feed_of(db_path, "none")
    assert feed.entries == [] and feed.feed.updated


def test_feed_errors(db_path, tmp_path):
    result = scnews(db_path, "watch", "feed", "nosuch", ok=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["Error: no watch named 'nosuch' (see: scnews watch list)"]
    scnews(db_path, "watch", "add", "dayun", "大运会")
    result = scnews(db_path, "watch", "feed", "dayun", "-o", str(tmp_path / "missing" / "f.atom"), ok=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'missing' / 'f.atom'}: No such file or directory"
    ]


def test_run_refuses_atom_and_points_to_feed(db_path):
    scnews(db_path, "watch", "add", "dayun", "大运会")
    result = scnews(db_path, "watch", "run", "--format", "atom", ok=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "scnews watch feed NAME" in lines[0]


def test_edits_and_withdrawals_of_matches_are_entries(db_path):
    from test_changes_cli import edit, withdraw

    scnews(db_path, "watch", "add", "dayun", "大运会")
    edit(db_path, "1001", editor="王磊")
    withdraw(db_path, "1006", "HTTP 404", 404)
    withdraw(db_path, "1003")  # not a match of the watch
    text, feed = feed_of(db_path, "dayun")
    ids = [e.id for e in feed.entries]
    assert ids[:2] == ["urn:scnews:article:1006", "urn:scnews:article:1001"]
    changes = feed.entries[2:]
    assert [(e.title, e.tags[0].term) for e in changes] == [
        ("[removed] 成都大运会开幕", "removed"),
        ("[edited] 成都大运会开幕 世界青年相聚蓉城", "edited"),
    ]
    assert [e.id.rsplit(":", 1)[0] for e in changes] == ["urn:scnews:change"] * 2
    assert changes[0].content[0].value == "removed: HTTP 404"
    assert changes[1].content[0].value.startswith("edited: editor\n")
    assert feed.feed.updated == max(e.updated for e in changes)  # the newest thing in it
    assert text == feed_of(db_path, "dayun")[0]  # still the same bytes when regenerated
    scnews(db_path, "watch", "run")  # the report's marker moves; the feed keeps everything
    assert [e.id for e in feed_of(db_path, "dayun")[1].entries] == ids
