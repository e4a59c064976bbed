"""Copy the article fixtures into the replica's package data: ``python -m crawler.replica.build [FIXTURES]``.

The replica must work from a plain (non-editable) install, so it serves copies of ``fixtures/articles`` kept
in ``crawler/replica/site/articles/<case>/``: ``page.html`` byte for byte, and ``meta.json`` with the URL and
headers plus the title its list shows (the fixture's hand-checked ``expected.json`` title) and
``not_article`` for a fixture the parser must refuse. Run it after fixtures change, review, commit.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from crawler.urls import parse_article_url

HERE = Path(__file__).resolve().parent / "site" / "articles"


def build(fixtures: Path, target: Path = HERE) -> list[str]:
    copied = []
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for folder in sorted(p for p in fixtures.iterdir() if (p / "meta.json").exists()):
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        expected_file = folder / "expected.json"
        if not parse_article_url(meta.get("url")) or not expected_file.exists():
            continue
        expected = json.loads(expected_file.read_text("utf-8"))
        out = target / folder.name
        out.mkdir()
        shutil.copyfile(folder / "page.html", out / "page.html")
        served = {"url": meta["url"], "headers": meta.get("headers", {})}
        if expected.get("error"):
            served["not_article"] = True
            served["title"] = "错误页"
        else:
            served["title"] = expected.get("title")
            served["template"] = expected.get("template")
        (out / "meta.json").write_text(json.dumps(served, ensure_ascii=False, indent=2) + "\n", "utf-8")
        copied.append(folder.name)
    return copied


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    fixtures = Path(args[0]) if args else Path("fixtures/articles")
    for name in build(fixtures):
        print(name)


if __name__ == "__main__":
    main()
