"""Property-based fuzzing of the article and list parsers: whatever the bytes, only a record or NotAnArticle.

Pages are the fixtures (Sichuan and real pages of other Chinanews sites) mangled: truncated, byte-flipped,
tags deleted, charsets lying or naming no text codec (in the <meta>, in the header), plus random bytes and
generated huge or deeply nested pages. The record must serialise as JSON free of the characters XML cannot
carry; the list parser must return a Listing. A crasher found here becomes a fixture (docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import re

from fixture_cases import load_cases
from hypothesis import example, given
from hypothesis import strategies as st

from crawler.parsers import NotAnArticle, parse_article
from crawler.parsers.listing import parse_listing
from crawler.parsers.text import XML_INVALID

PAGES = [case.page for case in load_cases()]
URLS = [
    None,
    "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html",
    "https://www.chinanews.com.cn/gj/2017/02-23/8158019.shtml",
    "https://wap.chinanews.com/wap/detail/chs/zw/8314564.shtml",
    "http://[bad/cjbd/2024-04-11/1.html",
    "https://www.sc.chinanews.com.cn/cjbd/index.shtml",
]
LABELS = [
    None, "utf-8", "gb2312", "gbk", "gb18030", "big5", "latin-1", "utf-16", "utf-32", "utf-7",
    "base64", "zlib", "rot13", "hex", "idna", "punycode", "unicode_escape", "x-user-defined", "klingon",
    "", " ", "\x00",
]  # fmt: skip
_TAG = re.compile(rb"<[^<>]{0,200}>")
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?[\w-]+", re.I)


@st.composite
def mangled(draw) -> bytes:
    page = draw(st.sampled_from(PAGES))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["truncate", "flip", "untag", "charset", "splice"]))
        if how == "truncate" and page:
            page = page[: draw(st.integers(0, len(page)))]
        elif how == "flip" and page:
            data = bytearray(page)
            for _ in range(draw(st.integers(1, 50))):
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
            page = bytes(data)
        elif how == "untag":
            tags = list(_TAG.finditer(page))
            if tags:
                drop = set(draw(st.lists(st.integers(0, len(tags) - 1), max_size=40)))
                out, at = [], 0
                for i, m in enumerate(tags):
                    if i in drop:
                        out.append(page[at : m.start()])
                        at = m.end()
                page = b"".join(out) + page[at:]
        elif how == "charset":
            label = draw(st.sampled_from([label for label in LABELS if label])).encode("latin-1")
            page = _META_CHARSET.sub(b"charset=" + label, page, count=1)
        elif how == "splice":
            at = draw(st.integers(0, len(page)))
            page = page[:at] + draw(st.binary(max_size=200)) + page[at:]
    return page


@st.composite
def generated(draw) -> bytes:
    """Huge and deeply nested pages (small in CI, as large as SCNEWS_FUZZ_SCALE asks in a long run)."""
    kind = draw(st.sampled_from(["nest", "links", "para", "cells", "text"]))
    n = draw(st.integers(0, SCALE))
    if kind == "nest":
        tag = draw(st.sampled_from(["div", "p", "a", "span", "table", "li"]))
        text = "正文内容。" * draw(st.integers(0, 100))
        inner = f"<{tag}>" * n + text + f"</{tag}>" * draw(st.integers(0, n))
    elif kind == "links":
        inner = "".join(f'<a href="/cjbd/2024-04-11/{i}.html">标题{i}</a>' for i in range(n))
    elif kind == "para":
        meta = "<h1>标题</h1><p>2024年04月11日 10:57 来源：四川日报</p>"
        inner = meta + "<p>" + "很长的段落。" * n * 10 + "</p>"
    elif kind == "cells":
        inner = "<table>" + "".join(f"<tr><td>格{i}</td><td>值</td></tr>" for i in range(n)) + "</table>"
    else:
        inner = draw(st.text(max_size=2000))
    return f"<html><head><title>标题</title></head><body>{inner}</body></html>".encode(
        draw(st.sampled_from(["utf-8", "gb18030", "utf-16"])), errors="replace"
    )


# Sizes of the generated pages: small in CI (each example stays fast), large in a long run.
SCALE = int(os.environ.get("SCNEWS_FUZZ_SCALE", "2000"))
PAGES_ANY = st.one_of(mangled(), generated(), st.binary(max_size=3000))


def _check_record(record) -> None:
    text = record.to_json()
    json.loads(text)
    assert not XML_INVALID.search(text), "a character XML cannot carry reached the record"
    assert record.title, "a record without a title"


@given(page=PAGES_ANY, url=st.sampled_from(URLS), encoding=st.sampled_from(LABELS))
def test_article_parser_gives_a_record_or_not_an_article(page, url, encoding):
    try:
        record = parse_article(page, url, fetched_at="2024-04-11T12:00:00+08:00", encoding=encoding)
    except NotAnArticle as exc:
        assert exc.reason
        return
    _check_record(record)


@given(text=st.text(max_size=3000), url=st.sampled_from(URLS))
def test_article_parser_on_any_text(text, url):
    try:
        record = parse_article(f"<html><body><h1>标题</h1><p>{text}</p></body></html>", url)
    except NotAnArticle:
        return
    _check_record(record)


@given(page=PAGES_ANY, url=st.sampled_from(URLS), encoding=st.sampled_from(LABELS))
# crashers found by this test (ValueError from urljoin; ValueError from bytes.decode("\x00")), kept for good
@example(page=b"", url="http://[bad/cjbd/2024-04-11/1.html", encoding=None)
@example(page=b"", url=None, encoding="\x00")
def test_list_parser_gives_a_listing(page, url, encoding):
    listing = parse_listing(page, url, encoding=encoding)
    for item in listing.items:
        assert item.url
