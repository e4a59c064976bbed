"""The replica's page copies match fixtures/articles (if not, run: python -m crawler.replica.build)."""

import json
from pathlib import Path

import pytest

import crawler.replica
from crawler.urls import parse_article_url

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "articles"
COPIES = Path(crawler.replica.__file__).parent / "site" / "articles"


def _has_article_url(folder: Path) -> bool:
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    return (folder / "expected.json").exists() and parse_article_url(meta["url"]) is not None


CASES = sorted(p.name for p in FIXTURES.iterdir() if _has_article_url(p))


def test_every_fixture_with_an_article_url_is_copied():
    assert CASES and sorted(p.name for p in COPIES.iterdir()) == CASES, "run: python -m crawler.replica.build"


@pytest.mark.parametrize("case", CASES)
def test_copy_is_current(case):
    meta = json.loads((FIXTURES / case / "meta.json").read_text("utf-8"))
    expected = json.loads((FIXTURES / case / "expected.json").read_text("utf-8"))
    copy = json.loads((COPIES / case / "meta.json").read_text("utf-8"))
    assert (COPIES / case / "page.html").read_bytes() == (FIXTURES / case / "page.html").read_bytes()
    assert (copy["url"], copy["headers"]) == (meta["url"], meta.get("headers", {}))
    assert copy.get("not_article", False) == ("error" in expected)
    if "error" not in expected:
        assert copy["title"] == expected["title"]
