"""Review one fixture case: the parser's output beside the hand-written expected record.

    python tests/parsers/review_fixture.py 05-cns-main        # a case by name (or unique prefix: 05)
    python tests/parsers/review_fixture.py --all              # one summary line per case
    python tests/parsers/review_fixture.py 05 --write         # also write output.new.json in the case folder

For each field it prints "ok" or "DIFF" with the expected and the parsed value (long texts line by line).
``--write`` saves the parser's record as ``output.new.json`` beside ``expected.json`` for a human to read and,
if right, copy over by hand; this command never touches expected.json. Exit status: 0 when the case matches,
1 when any field differs, 2 for a bad argument.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys

from fixture_cases import Case, compared_fields, get_case, load_cases, matches, normalise


def _run(case: Case) -> tuple[dict | None, str | None]:
    """(record, None), (None, "NotAnArticle: reason") or, for a parser bug, (None, "ERROR Type: message")."""
    from crawler.parsers import NotAnArticle

    try:
        return case.parse().to_dict(), None
    except NotAnArticle as exc:
        return None, f"NotAnArticle: {getattr(exc, 'reason', exc)}"
    except Exception as exc:  # a crash is shown as such, not as a refusal
        return None, f"ERROR {type(exc).__name__}: {exc}"


def differences(case: Case, record: dict | None, error: str | None) -> list[str]:
    """Names of the fields (or 'refused'/'error') where the parser disagrees with expected.json."""
    if case.refused:
        return [] if (error or "").startswith("NotAnArticle") else ["refused"]
    if record is None:
        return ["error"]
    diffs = [f for f in compared_fields(case.expected) if not matches(f, case.expected[f], record.get(f))]
    for key, layer in (case.expected.get("field_layers") or {}).items():
        if (record.get("field_layers") or {}).get(key) != layer:
            diffs.append(f"field_layers.{key}")
    return diffs


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def report(case: Case, record: dict | None, error: str | None) -> None:
    print(f"== {case.name}: {case.description or ''}")
    print(f"   url={case.url} encoding={case.encoding} fetched_at={case.fetched_at}")
    if case.refused or record is None:
        verdict = "ok" if (case.refused and (error or "").startswith("NotAnArticle")) else "DIFF"
        print(f"{verdict:4} expected: {_show(case.expected)}")
        print(f"     parsed:   {error or _show(record)}")
        return
    for field in compared_fields(case.expected):
        want, got = normalise(field, case.expected[field]), normalise(field, record.get(field))
        if matches(field, case.expected[field], record.get(field)):
            print(f"ok   {field}: {_show(got)[:100]}")
        elif isinstance(want, str) and isinstance(got, str) and ("\n" in want or "\n" in got):
            print(f"DIFF {field} (- expected, + parsed):")
            for line in difflib.unified_diff(want.split("\n"), got.split("\n"), lineterm="", n=0):
                if not line.startswith(("---", "+++", "@@")):
                    print(f"     {line}")
        else:
            print(f"DIFF {field}:\n     expected {_show(want)}\n     parsed   {_show(got)}")
    layers = case.expected.get("field_layers") or {}
    got_layers = record.get("field_layers") or {}
    for key, layer in layers.items():
        mark = "ok  " if got_layers.get(key) == layer else "DIFF"
        print(f"{mark} field_layers.{key}: expected {layer!r}, parsed {got_layers.get(key)!r}")
    extra = {k: v for k, v in got_layers.items() if k not in layers}
    if extra:
        print(f"     (parsed layers not in expected.json: {extra})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("case", nargs="?", help="case folder name under fixtures/articles, or a unique prefix")
    ap.add_argument("--all", action="store_true", help="one summary line per case")
    ap.add_argument("--write", action="store_true", help="write output.new.json (never expected.json)")
    args = ap.parse_args(argv)
    if not args.all and not args.case:
        ap.error("give a CASE or --all")
    try:
        cases = load_cases() if args.all else [get_case(args.case)]
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failing = 0
    for case in cases:
        record, error = _run(case)
        diffs = differences(case, record, error)
        failing += bool(diffs)
        if args.all:
            print(
                f"{'ok  ' if not diffs else 'DIFF'} {case.name}" + (f": {', '.join(diffs)}" if diffs else "")
            )
        else:
            report(case, record, error)
        if args.write:
            out = case.path / "output.new.json"
            if record is not None:
                data = record
            else:  # the expected.json shape for a refusal, with the reason for the reviewer
                kind, _, reason = (error or "").partition(": ")
                data = {"error": kind, "reason": reason}
            out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {out} (review it; expected.json is unchanged)")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
