"""Articles stored by the real crawl pipeline (``scnews crawl --replica``) are all found by search."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SCNEWS = str(Path(sys.executable).parent / "scnews")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    path = tmp_path_factory.mktemp("crawl") / "scnews.db"
    result = subprocess.run(
        [SCNEWS, "crawl", "--replica", "--quiet", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode in (0, 3), result.stderr[-2000:]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 20
    conn.close()
    return path


def search_ids(path, query):
    out = subprocess.run(
        [SCNEWS, "search", query, "--limit", "100000", "--format", "ndjson", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return {json.loads(line)["article_id"] for line in out.stdout.splitlines()}


@pytest.mark.parametrize(
    "term", ["成", "川", "成都", "游客", "大熊猫", "新能源", "人工智能", "四川省", "高标准农田"]
)
def test_chinese_terms_find_what_like_finds(crawled, term):
    conn = sqlite3.connect(crawled)
    expected = {
        r[0]
        for r in conn.execute(
            "SELECT article_id FROM articles WHERE title LIKE ? OR body LIKE ?", [f"%{term}%", f"%{term}%"]
        )
    }
    conn.close()
    assert search_ids(crawled, term) == expected


def test_latin_word(crawled):
    conn = sqlite3.connect(crawled)
    expected = {
        aid
        for aid, text in conn.execute("SELECT article_id, title || ' ' || body FROM articles")
        if re.search(r"(?<![A-Za-z0-9])AIGC(?![A-Za-z0-9])", text, re.IGNORECASE)
    }
    conn.close()
    assert expected  # the replica has the AIGC article
    assert search_ids(crawled, "aigc") == expected
