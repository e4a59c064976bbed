"""The list-page parser against the hand-written list fixtures (fixtures/lists/<case>/)."""

import json
from pathlib import Path

import pytest

from crawler.parsers.listing import parse_listing

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "lists"


def _charset(headers: dict) -> str | None:
    content_type = headers.get("Content-Type", "")
    return content_type.split("charset=", 1)[1].strip() if "charset=" in content_type else None


def _load(case: str):
    folder = CASES / case
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    listing = parse_listing(
        (folder / "page.html").read_bytes(), meta["url"], encoding=_charset(meta.get("headers", {}))
    )
    return listing.to_dict(), expected


CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "expected.json").exists())


def test_there_are_list_fixtures():
    assert {"2019-paging", "2024-index", "2024-middle", "2024-last"} <= set(CASE_NAMES)


@pytest.mark.parametrize("case", CASE_NAMES)
@pytest.mark.parametrize("key", ["items", "next_url", "pages"])
def test_listing_field(case, key):
    got, expected = _load(case)
    assert got[key] == expected[key], f"{case}: {key} differs"


def test_str_input_and_no_url():
    html = (
        '<ul><li><a href="https://www.sc.chinanews.com.cn/bwbd/2024-05-01/208000.html">t</a>'
        " [2024-05-01]</li></ul>"
    )
    listing = parse_listing(html)
    assert [(i.url, i.date) for i in listing.items] == [
        ("https://www.sc.chinanews.com.cn/bwbd/2024-05-01/208000.html", "2024-05-01")
    ]
    assert listing.next_url is None and listing.pages == []


def test_empty_page_gives_empty_listing():
    listing = parse_listing(b"", "https://www.sc.chinanews.com.cn/cjbd/index.shtml")
    assert listing.items == [] and listing.next_url is None


def test_the_article_fixtures_channel_list_reads_as_a_list():
    """fixtures/articles/14-channel-list (written for the article parser, which must refuse it) is a list."""
    folder = CASES.parent / "articles" / "14-channel-list"
    listing = parse_listing(
        (folder / "page.html").read_bytes(), "https://www.sc.chinanews.com.cn/cjbd/index.shtml"
    )
    cjbd = [item for item in listing.items if "/cjbd/" in item.url]
    assert len(cjbd) == 12 and not any(item.date_from_url for item in cjbd)
    assert (cjbd[0].title, cjbd[0].date) == ("四川如何因地制宜发展AIGC产业？", "2024-04-11")
    assert (cjbd[-1].url, cjbd[-1].date) == (
        "https://www.sc.chinanews.com.cn/cjbd/2024-04-03/207102.html",
        "2024-04-03",
    )
    assert listing.next_url == "https://www.sc.chinanews.com.cn/cjbd/index_2.shtml"
    assert listing.pages[-1] == "https://www.sc.chinanews.com.cn/cjbd/index_50.shtml"
