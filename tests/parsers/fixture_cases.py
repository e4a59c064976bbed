"""The saved-page fixtures: loading a case and running the parser on it.

Shared by the fixture tests (test_fixtures.py), the review command (review_fixture.py) and bench/parse.py.
One folder per case: ``page.html`` (bytes as served), ``meta.json`` (url, fetched_at, headers, description),
``expected.json`` (the hand-written record, or ``{"error": "NotAnArticle"}``), optional ``checks.json``.

Two sets: ``fixtures/articles/`` (Sichuan pages; the offline replica serves them as the site) and
``fixtures/real-pages/`` (pages of other Chinanews sites saved in public repositories, 2001-2020, bytes as
stored; never served by the replica). A real-page ``expected.json`` lists only the fields checked by hand
(``description`` in meta.json is called ``notes`` there), and its ``published_at`` may be a list of the
values the page supports (the minute shown and the second in a hidden field).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "fixtures" / "articles"
REAL_PAGES = ROOT / "fixtures" / "real-pages"
ROOTS = (ARTICLES, REAL_PAGES)

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


@dataclass(frozen=True)
class Case:
    name: str
    path: Path

    @cached_property
    def meta(self) -> dict[str, Any]:
        return json.loads((self.path / "meta.json").read_text(encoding="utf-8"))

    @cached_property
    def expected(self) -> dict[str, Any]:
        return json.loads((self.path / "expected.json").read_text(encoding="utf-8"))

    @cached_property
    def checks(self) -> dict[str, list[str]] | None:
        path = self.path / "checks.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    @cached_property
    def page(self) -> bytes:
        return (self.path / "page.html").read_bytes()

    @property
    def real(self) -> bool:
        """A page of another Chinanews site (fixtures/real-pages/): partial expected.json."""
        return self.path.parent == REAL_PAGES

    @property
    def description(self) -> str | None:
        return self.meta.get("description") or self.meta.get("notes")

    @property
    def refused(self) -> bool:
        return self.expected.get("error") == "NotAnArticle"

    @property
    def url(self) -> str | None:
        return self.meta.get("url")

    @property
    def fetched_at(self) -> str | None:
        return self.meta.get("fetched_at")

    @property
    def encoding(self) -> str | None:
        """The charset of the HTTP Content-Type header, if any (what a crawler would pass on)."""
        headers = {k.lower(): v for k, v in (self.meta.get("headers") or {}).items()}
        match = _CHARSET.search(headers.get("content-type", ""))
        return match.group(1) if match else None

    def parse(self):
        """Run the project's parser the way the crawler does; returns an Article or raises NotAnArticle."""
        from crawler.parsers import parse_article

        return parse_article(self.page, self.url, fetched_at=self.fetched_at, encoding=self.encoding)


def load_cases(*roots: Path) -> list[Case]:
    """The cases of ``roots`` (default: both sets), in folder order."""
    return [
        Case(p.name, p)
        for root in roots or ROOTS
        for p in sorted(root.iterdir())
        if p.is_dir() and (p / "expected.json").exists()
    ]


def get_case(name: str, *roots: Path) -> Case:
    """A case by folder name or by a unique prefix of it ("05" -> "05-cns-main")."""
    cases = load_cases(*roots)
    exact = [c for c in cases if c.name == name]
    matches = exact or [c for c in cases if c.name.startswith(name)]
    if len(matches) != 1:
        known = ", ".join(c.name for c in cases)
        raise LookupError(f"no single fixture case matches {name!r} (cases: {known})")
    return matches[0]


def matches(field: str, want: Any, got: Any) -> bool:
    """Whether a parsed field equals its expected value (a list of alternatives for ``published_at``)."""
    if field == "published_at" and isinstance(want, list):
        return got in want
    return normalise(field, got) == normalise(field, want)


def normalise(field: str, value: Any) -> Any:
    """The comparison form of a field: warnings are compared as a sorted list, everything else as is."""
    if field == "warnings" and value is not None:
        return sorted(value)
    return value


def compared_fields(expected: dict[str, Any]) -> list[str]:
    """Fields of an expected record that the fixture tests compare (field_layers separately, by key)."""
    return [f for f in expected if f != "field_layers"]
