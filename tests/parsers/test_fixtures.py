"""The parser against the hand-written fixtures in fixtures/articles/ and fixtures/real-pages/: one test per
(case, field).

Each article case yields one test per field of its expected.json (warnings compared sorted, images in order,
field_layers only for the listed keys), one for its checks.json snippets, and refused cases one test that
NotAnArticle is raised. Review a failing case side by side with: python tests/parsers/review_fixture.py CASE
"""

from __future__ import annotations

from functools import cache

import pytest
from fixture_cases import ARTICLES, REAL_PAGES, Case, compared_fields, load_cases, matches, normalise

from crawler.parsers import NotAnArticle
from crawler.record import RECORD_FIELDS

CASES = load_cases()
ARTICLE_CASES = [c for c in CASES if not c.refused]
REFUSED_CASES = [c for c in CASES if c.refused]
REQUIRED_FIELDS = [f for f in RECORD_FIELDS if f != "field_layers"]


@cache
def outcome(name: str):
    """The parser's record for a case as a dict, or the exception it raised (parsed once per case)."""
    case = next(c for c in CASES if c.name == name)
    try:
        return case.parse().to_dict()
    except Exception as exc:  # reported per field below, naming the case
        return exc


def record_of(case: Case) -> dict:
    result = outcome(case.name)
    if isinstance(result, Exception):
        pytest.fail(f"[{case.name}] parse_article raised {type(result).__name__}: {result}", pytrace=False)
    return result


def _field_params():
    for case in ARTICLE_CASES:
        for field in compared_fields(case.expected):
            yield pytest.param(case, field, id=f"{case.name}-{field}")
        for layer_field in case.expected.get("field_layers") or {}:
            yield pytest.param(
                case, f"field_layers.{layer_field}", id=f"{case.name}-field_layers.{layer_field}"
            )


def test_fixture_set_is_complete():
    assert len(load_cases(ARTICLES)) >= 18, "too few Sichuan fixture cases"
    assert len(load_cases(REAL_PAGES)) >= 9, "too few real-page fixture cases"
    for case in CASES:
        for name in ("page.html", "meta.json", "expected.json"):
            assert (case.path / name).is_file(), f"[{case.name}] missing {name}"
        assert case.description, f"[{case.name}] meta.json has no description"
        if case.real:
            unknown = set(case.expected) - set(RECORD_FIELDS) - {"error"}
            assert not unknown, f"[{case.name}] expected.json: unknown {unknown}"
        elif not case.refused:
            missing = set(REQUIRED_FIELDS) - set(case.expected)
            unknown = set(case.expected) - set(RECORD_FIELDS)
            assert not missing and not unknown, (
                f"[{case.name}] expected.json: missing {missing}, unknown {unknown}"
            )


@pytest.mark.parametrize(("case", "field"), list(_field_params()))
def test_field(case: Case, field: str):
    record = record_of(case)
    if field.startswith("field_layers."):
        key = field.split(".", 1)[1]
        want = case.expected["field_layers"][key]
        got = (record.get("field_layers") or {}).get(key)
        assert got == want, f"[{case.name}] field_layers[{key!r}]: expected {want!r}, got {got!r}"
        return
    want = case.expected[field]
    got = record.get(field)
    assert matches(field, want, got), (
        f"[{case.name}] field {field!r}:\n  expected {normalise(field, want)!r}\n  got      {got!r}"
    )


@pytest.mark.parametrize("case", [c for c in ARTICLE_CASES if c.checks], ids=lambda c: f"{c.name}-checks")
def test_body_snippets(case: Case):
    body = record_of(case).get("body") or ""
    missing = [s for s in case.checks.get("body_must_contain", []) if s not in body]
    leaked = [s for s in case.checks.get("body_must_not_contain", []) if s in body]
    assert not missing, f"[{case.name}] body lacks {missing}"
    assert not leaked, f"[{case.name}] body contains noise {leaked}"


@pytest.mark.parametrize("case", REFUSED_CASES, ids=lambda c: f"{c.name}-refused")
def test_refused(case: Case):
    result = outcome(case.name)
    assert isinstance(result, NotAnArticle), f"[{case.name}] expected NotAnArticle, got " + (
        f"{type(result).__name__}: {result}" if isinstance(result, Exception) else f"a record: {result}"
    )
    assert getattr(result, "reason", None), f"[{case.name}] NotAnArticle without a .reason"
