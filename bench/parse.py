"""Benchmark: our article parser against lxml's bare parse, trafilatura and GNE, on the saved fixtures.

    python bench/parse.py                # about 4 CPU seconds of timing, then the accuracy table
    python bench/parse.py --seconds 10   # a steadier measurement
    python bench/parse.py --per-case     # also ours vs lxml per fixture, slowest first

Speed: every article fixture (fixtures/articles/*, refused pages left out) is run through four contestants on
ONE core (the process is pinned to one CPU where the OS allows), after one warm-up pass each. Time is the CPU
time of this process (time.process_time), not wall clock: time spent waiting for the CPU while other work runs
is charged to no one. The contestants are interleaved in rounds (about 0.1 CPU s each per round, order
shuffled per round): in every round each contestant runs whole passes over all fixtures until it has spent
its slice, so all four run from the start of the timing to its end and a change of load or CPU clock hits them
alike. Together the rounds take about --seconds of CPU time, a quarter for each contestant:
  ours         crawler.parsers.parse_article(bytes, url, fetched_at=..., encoding=<header charset>)
  lxml         lxml.html.fromstring(bytes): the floor, a bare HTML parse of the same bytes
On the real pages one more reference is timed (not a target): lxml.html.fromstring of the text as our decoder
reads it ("lxml text"). libxml2 believes a page's <meta> charset, and on a page that declares gb2312 over
UTF-8 bytes it stops at the first character it cannot decode: its bare parse of those bytes is a near-empty
tree in microseconds, so the floor of such a page is no parse of the article at all.
  trafilatura  decode + trafilatura.bare_extraction(html, url, with_metadata=True)
  gne          decode + gne.GeneralNewsExtractor().extract(html, host=<site>)
Each line gives articles/s (CPU) and the CPU time per article as a multiple of the lxml floor; then the
ours/lxml ratio per round (median, min, max), a check that the figure is steady.

Accuracy: every contestant's output is scored field by field against the hand-written expected.json records.
How peers' outputs are mapped to our fields (as generously as their output allows):
  title          trafilatura `title`, GNE `title`; compared exactly after collapsing whitespace.
  published_at   the peer's date string read as Y-M-D [h:m[:s]] (China time); a peer that gives no time of
                 day gets 00:00:00, so "published day" is scored separately on the date alone.
  source         neither peer has a 来源 field: n/a.
  editor/authors GNE has one `author` field filled by patterns such as 作者/记者/编辑/责任编辑,
                 trafilatura one `author` string; after removing such labels and brackets, the value is
                 split on ; , 、 and spaces, and scored against BOTH our editor (its first name) and our
                 authors (the name list).
  body           trafilatura `text`, GNE `content`: body >= 0.9 is difflib's similarity ratio >= 0.9 with all
                 whitespace removed (line breaks and indentation do not count); body exact is the contract.
  disclaimer     neither peer separates it: n/a (ours scored on the cases whose expected value is not null).
  images         GNE `images` (URL list, in order) against our image URLs; trafilatura gives none: n/a.
  refused        on the refused pages (list, truncated, error page): ours must raise NotAnArticle; a peer
                 counts as refusing when it returns nothing or an empty body.
Scores are "correct / cases scored"; "n/a" where the peer has no such output. Two summary lines: the mean
over the rows all three produce, and the mean over all rows with n/a counted as a miss.

Targets printed against: >= 1,000 articles/s, <= 3x the lxml floor, better accuracy than both peers.
Needs the test extras (trafilatura, gne): pip install -e '.[test]'.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "parsers"))

from fixture_cases import ARTICLES, REAL_PAGES, Case, load_cases  # noqa: E402

SITE = "https://www.sc.chinanews.com.cn"
TARGET_RATE = 1000.0
TARGET_RATIO = 3.0
ROUND_SLICE = 0.1  # CPU seconds per contestant per round
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)
_DATE = re.compile(
    r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?(?:\s*T?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_AUTHOR_LABEL = re.compile(r"(责任编辑|编辑|作者|记者|来源)\s*[:：]|[【】\[\]()（）]")
_WS = re.compile(r"[\s\u3000\xa0]+")


def pin_one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity here)"


def decode(case: Case) -> str:
    """What a peer gets: the page as our decoder reads it (header, BOM, <meta> and detection, each checked
    against the bytes), so peers are judged on extraction, not on charsets that lie."""
    from crawler.parsers.encoding import decode as decode_bytes

    return decode_bytes(case.page, case.encoding).text


# -- contestants -------------------------------------------------------------------------------------------


def run_ours(case: Case):
    return case.parse()


def run_lxml_text(case: Case):
    import lxml.html

    return lxml.html.fromstring(decode(case))


def run_lxml(case: Case):
    import lxml.html

    return lxml.html.fromstring(case.page)


def run_trafilatura(case: Case):
    """trafilatura's record, or None when it finds nothing or fails (a failure counts as an empty result)."""
    import trafilatura

    try:
        return _trafilatura(trafilatura, case)
    except Exception:
        return None


def _trafilatura(trafilatura, case: Case):
    return trafilatura.bare_extraction(
        decode(case),
        url=case.url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%d %H:%M:%S",
        },
    )


_GNE = None


def run_gne(case: Case):
    global _GNE
    if _GNE is None:
        import gne

        _GNE = gne.GeneralNewsExtractor()
    try:  # GNE raises NoContentException when it finds no body: counted as an empty result
        return _GNE.extract(decode(case), host=SITE)
    except Exception:
        return None


CONTESTANTS: dict[str, Callable[[Case], object]] = {
    "ours": run_ours,
    "lxml": run_lxml,
    "lxml text": run_lxml_text,
    "trafilatura": run_trafilatura,
    "gne": run_gne,
}


def measure(
    cases: list[Case], seconds: float, names: tuple[str, ...] = ("ours", "lxml", "trafilatura", "gne")
) -> tuple[dict[str, tuple[int, float]], list[float]]:
    """Interleaved rounds over all cases, timed in CPU seconds (time.process_time). In each round every
    contestant (shuffled order) runs whole passes over ``cases`` until it has spent its slice of the round.
    Returns name -> (articles parsed, CPU seconds spent), and the ours/lxml per-article time ratio of every
    round."""
    contestants = {name: CONTESTANTS[name] for name in names}
    for fn in contestants.values():  # warm-up: imports, caches, OpenCC dictionaries
        for case in cases:
            fn(case)
    share = seconds / len(contestants)
    rounds = max(4, round(share / ROUND_SLICE))
    slice_ = share / rounds
    totals = {name: [0, 0.0] for name in contestants}
    order = list(contestants)
    rng = random.Random(0)
    clock = time.process_time
    round_ratios: list[float] = []
    for _ in range(rounds):
        rng.shuffle(order)
        per_article: dict[str, float] = {}
        for name in order:
            fn = contestants[name]
            n, spent = 0, 0.0
            while spent < slice_:
                t0 = clock()
                for case in cases:
                    fn(case)
                spent += clock() - t0
                n += len(cases)
            totals[name][0] += n
            totals[name][1] += spent
            per_article[name] = spent / n
        round_ratios.append(per_article["ours"] / per_article["lxml"])
    return {name: (n, s) for name, (n, s) in totals.items()}, round_ratios


# -- mapping peers' outputs to our fields ------------------------------------------------------------------


def iso_date(text: str | None) -> str | None:
    match = _DATE.search(text or "")
    if not match:
        return None
    y, mo, d, h, mi, s = (int(v or 0) for v in match.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}+08:00"


def names(author: str | None) -> list[str]:
    cleaned = _AUTHOR_LABEL.sub(" ", author or "")
    return [n for n in re.split(r"[;,，、\s]+", cleaned) if n]


def squash(text: str | None) -> str:
    return _WS.sub("", text or "")


def similar(a: str | None, b: str | None) -> float:
    a, b = squash(a), squash(b)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def peer_fields(name: str, out) -> dict | None:
    """A peer's output in our field names; None when it returned nothing."""
    if out is None:
        return None
    if name == "trafilatura":
        return {
            "title": out.title,
            "date": out.date,
            "author": out.author,
            "body": out.text,
            "images": None,
        }
    return {
        "title": out.get("title"),
        "date": out.get("publish_time"),
        "author": out.get("author"),
        "body": out.get("content"),
        "images": out.get("images"),
    }


ROWS = [
    "title",
    "published_at",
    "published day",
    "source",
    "editor",
    "authors",
    "body >= 0.9",
    "body exact",
    "disclaimer",
    "images",
    "refused",
]
COMMON_ROWS = ["title", "published_at", "published day", "authors", "body >= 0.9"]


def same_date(got: str | None, want) -> bool:
    """A real page's expected published_at may list the values the page supports."""
    return got in want if isinstance(want, list) else got == want


def day_of(want) -> str:
    return ((want[0] if isinstance(want, list) else want) or "")[:10]


def score_ours(case: Case) -> dict[str, bool | None]:
    from crawler.parsers import NotAnArticle

    if case.refused:
        try:
            run_ours(case)
        except NotAnArticle:
            return {"refused": True}
        return {"refused": False}
    try:
        rec = run_ours(case).to_dict()
    except Exception:  # scored as all wrong
        rec = {}
    exp = case.expected
    scores = {
        "title": rec.get("title") == exp.get("title"),
        "published_at": same_date(rec.get("published_at"), exp.get("published_at")),
        "published day": (rec.get("published_at") or "")[:10] == day_of(exp.get("published_at")),
        "source": rec.get("source") == exp.get("source"),
        "editor": rec.get("editor") == exp.get("editor"),
        "authors": rec.get("authors") == exp.get("authors"),
        "body >= 0.9": similar(rec.get("body"), exp.get("body")) >= 0.9,
        "body exact": rec.get("body") == exp.get("body"),
    }
    if "images" in exp:
        scores["images"] = [i["url"] for i in rec.get("images") or []] == [i["url"] for i in exp["images"]]
    if exp.get("disclaimer") is not None:
        scores["disclaimer"] = rec.get("disclaimer") == exp["disclaimer"]
    return {row: ok for row, ok in scores.items() if _scored(exp, row)}


_ROW_FIELD = {"published day": "published_at", "body >= 0.9": "body", "body exact": "body"}


def _scored(exp: dict, row: str) -> bool:
    """A real page's expected.json lists only the fields checked by hand: the others are not scored."""
    return _ROW_FIELD.get(row, row) in exp


def score_peer(name: str, case: Case) -> dict[str, bool | None]:
    try:
        out = CONTESTANTS[name](case)
    except Exception:
        out = None
    got = peer_fields(name, out)
    if case.refused:
        return {"refused": got is None or not squash(got["body"])}
    exp = case.expected
    got = got or {"title": None, "date": None, "author": None, "body": None, "images": None}
    date = iso_date(got["date"])
    people = names(got["author"])
    scores: dict[str, bool | None] = {
        "title": _WS.sub(" ", got["title"] or "").strip() == exp.get("title"),
        "published_at": same_date(date, exp.get("published_at")),
        "published day": (date or "")[:10] == day_of(exp.get("published_at")),
        "source": None,
        "editor": (people[:1] or [None])[0] == exp.get("editor")
        if got["author"] is not None
        else exp.get("editor") is None,
        "authors": people == exp.get("authors"),
        "body >= 0.9": similar(got["body"], exp.get("body")) >= 0.9,
        "body exact": got["body"] == exp.get("body"),
    }
    if "images" in exp:
        scores["images"] = (
            None if got["images"] is None else list(got["images"]) == [i["url"] for i in exp["images"]]
        )
    if exp.get("disclaimer") is not None:
        scores["disclaimer"] = None
    return {row: ok for row, ok in scores.items() if _scored(exp, row)}


def accuracy(cases: list[Case]) -> dict[str, dict[str, tuple[int, int] | None]]:
    """contestant -> row -> (correct, scored) or None (n/a)."""
    table: dict[str, dict[str, tuple[int, int] | None]] = {}
    for name in ("ours", "trafilatura", "gne"):
        counts: dict[str, list[int]] = {}
        na: set[str] = set()
        for case in cases:
            scores = score_ours(case) if name == "ours" else score_peer(name, case)
            for row, ok in scores.items():
                if ok is None:
                    na.add(row)
                    continue
                c = counts.setdefault(row, [0, 0])
                c[0] += bool(ok)
                c[1] += 1
        table[name] = {row: (tuple(counts[row]) if row in counts else None) for row in ROWS}
        for row in na - set(counts):
            table[name][row] = None
    return table


def mean(table: dict[str, tuple[int, int] | None], rows: list[str], total: dict) -> float:
    values = []
    for row in rows:
        cell = table.get(row)
        if cell is None:
            values.append(0.0 if total.get(row) else None)
        else:
            values.append(cell[0] / cell[1] if cell[1] else None)
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else 0.0


def print_per_case(cases: list[Case], repeat: int = 30) -> None:
    """CPU ms per parse of each fixture, ours and lxml, best of ``repeat`` runs each: where our time goes."""
    rows = []
    for case in cases:
        best = {}
        for name in ("ours", "lxml"):
            fn = CONTESTANTS[name]
            times = []
            for _ in range(repeat):
                t0 = time.process_time()
                fn(case)
                times.append(time.process_time() - t0)
            best[name] = min(times)
        rows.append((best["ours"], best["lxml"], case.name, len(case.page)))
    print(f"\nper fixture, best of {repeat} (ms): {'ours':>8} {'lxml':>8} {'x lxml':>7} {'bytes':>7}")
    for ours, floor, name, size in sorted(rows, reverse=True):
        print(f"  {name:32} {ours * 1000:8.3f} {floor * 1000:8.3f} {ours / floor:7.2f} {size:7d}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Parse benchmark: ours vs lxml floor, trafilatura and GNE.")
    ap.add_argument(
        "--seconds", type=float, default=4.0, help="CPU seconds of timing, all contestants (default 4)"
    )
    ap.add_argument(
        "--per-case", action="store_true", help="also print ours vs lxml per fixture, slowest first"
    )
    args = ap.parse_args(argv)
    if args.seconds <= 0:
        print("error: --seconds must be positive", file=sys.stderr)
        return 2
    try:
        import gne  # noqa: F401
        import trafilatura  # noqa: F401
    except ImportError as exc:
        print(
            f"error: cannot import a peer ({exc}); install the test extras: pip install -e '.[test]'",
            file=sys.stderr,
        )
        return 2
    logging.disable(logging.CRITICAL)  # trafilatura/htmldate log per page

    all_cases = load_cases(ARTICLES)
    articles = [c for c in all_cases if not c.refused]
    refused = [c for c in all_cases if c.refused]
    pinned = pin_one_core()
    print(f"{len(articles)} article fixtures ({len(refused)} refused pages for the accuracy table); {pinned}")

    timings, round_ratios = measure(articles, args.seconds)
    floor = print_speed(timings, round_ratios, args.seconds)

    if args.per_case:
        print_per_case(articles)

    table, common, overall = print_accuracy(articles + refused)

    rate = timings["ours"][0] / timings["ours"][1]
    ratio = (timings["ours"][1] / timings["ours"][0]) / floor
    better = all(overall["ours"] > overall[p] and common["ours"] > common[p] for p in ("trafilatura", "gne"))

    # -- real pages of other Chinanews sites (fixtures/real-pages/) ----------------------------------------
    real_all = load_cases(REAL_PAGES)
    real = [c for c in real_all if not c.refused]
    print(
        f"\n== real pages: {len(real)} articles of other Chinanews sites, {len(real_all) - len(real)} refused"
    )
    real_timings, real_rounds = measure(real, args.seconds * 3 / 4, names=("ours", "lxml", "lxml text"))
    real_floor = print_speed(real_timings, real_rounds, args.seconds * 3 / 4)
    near_empty = [c.name for c in real if len(list(run_lxml(c).iter())) < 10]
    text_floor = real_timings["lxml text"][1] / real_timings["lxml text"][0]
    print(
        f"lxml's bare parse gives a near-empty tree (<10 elements) on {len(near_empty)} of {len(real)} pages "
        f"({', '.join(near_empty) or '-'}); ours / lxml text: "
        f"{(real_timings['ours'][1] / real_timings['ours'][0]) / text_floor:.2f}x (a reference, not a target)"
    )
    real_ratio = (real_timings["ours"][1] / real_timings["ours"][0]) / real_floor
    real_table, real_common, real_overall = print_accuracy(real_all)
    beaten = fields_not_beaten(real_table)

    # -- pathological pages -------------------------------------------------------------------------------
    patho = pathological()

    print("\ntargets")
    met = {True: "MET", False: "MISSED"}
    print(f"  >= {TARGET_RATE:,.0f} articles/s on one core: {rate:,.0f}  {met[rate >= TARGET_RATE]}")
    print(f"  <= {TARGET_RATIO:g}x the lxml floor:           {ratio:.2f}x  {met[ratio <= TARGET_RATIO]}")
    print(
        f"  better accuracy than both peers:    ours {overall['ours']:.1%} (common {common['ours']:.1%}) vs "
        f"trafilatura {overall['trafilatura']:.1%} ({common['trafilatura']:.1%}), "
        f"gne {overall['gne']:.1%} ({common['gne']:.1%})  {met[better]}"
    )
    print(
        f"  real pages, <= {TARGET_RATIO:g}x the lxml floor: {real_ratio:.2f}x  "
        f"{met[real_ratio <= TARGET_RATIO]}"
    )
    print(
        f"  real pages, every shared field at least as good as both peers: "
        f"{'yes' if not beaten else 'no: ' + ', '.join(beaten)}  {met[not beaten]}"
        f"  (ours {real_overall['ours']:.1%}, trafilatura {real_overall['trafilatura']:.1%}, "
        f"gne {real_overall['gne']:.1%})"
    )
    for name, ratio_p in patho:
        print(
            f"  pathological {name:24} <= {TARGET_PATHOLOGICAL:g}x lxml: {ratio_p:6.2f}x  "
            f"{met[ratio_p <= TARGET_PATHOLOGICAL]}"
        )
    return 0


def print_speed(timings, round_ratios, seconds: float) -> float:
    """Prints the speed table; returns the lxml floor (CPU seconds per article)."""
    floor = timings["lxml"][1] / timings["lxml"][0]
    print(
        f"\nspeed, one core, CPU time (process_time), {len(round_ratios)} interleaved rounds, "
        f"{seconds / len(timings):g} CPU s per contestant"
    )
    print(f"{'':12} {'articles/s':>11} {'ms/article':>11} {'x lxml':>8} {'articles':>9}")
    for name, (n, secs) in timings.items():
        per = secs / n
        print(f"{name:12} {n / secs:11.0f} {per * 1000:11.3f} {per / floor:8.2f} {n:9d}")
    if round_ratios:
        rr = sorted(round_ratios)
        print(
            f"ours / lxml per round: median {statistics.median(rr):.2f}x, min {rr[0]:.2f}x, max {rr[-1]:.2f}x"
        )
    return floor


def print_accuracy(cases: list[Case]):
    table = accuracy(cases)
    print("\naccuracy against expected.json (correct/scored; n/a = the peer has no such output)")
    print(f"{'field':14} " + " ".join(f"{n:>12}" for n in table))
    for row in ROWS:
        cells = []
        for name in table:
            cell = table[name][row]
            cells.append(f"{'n/a' if cell is None else f'{cell[0]}/{cell[1]}':>12}")
        print(f"{row:14} " + " ".join(cells))
    scored_rows = {row: table["ours"][row] for row in ROWS}
    common = {n: mean(table[n], COMMON_ROWS, scored_rows) for n in table}
    overall = {n: mean(table[n], ROWS, scored_rows) for n in table}
    print(f"{'mean (common)':14} " + " ".join(f"{common[n]:12.1%}" for n in table))
    print(f"{'mean (all)':14} " + " ".join(f"{overall[n]:12.1%}" for n in table))
    return table, common, overall


def fields_not_beaten(table) -> list[str]:
    """Rows where a peer scores and gets more right than ours."""
    worse = []
    for row in ROWS:
        ours = table["ours"][row]
        for peer in ("trafilatura", "gne"):
            cell = table[peer][row]
            if cell is not None and ours is not None and cell[0] > ours[0]:
                worse.append(f"{row} ({peer})")
    return worse


TARGET_PATHOLOGICAL = 10.0


def pathological_pages() -> dict[str, bytes]:
    def page(body: str) -> bytes:
        return f"<html><head><title>标题</title></head><body>{body}</body></html>".encode()

    para = "文字内容很长。" * (5_000_000 // 21)
    return {
        "100,000 links": page(
            "".join(f'<a href="/cjbd/2024-04-11/{i}.html">链接{i}</a>' for i in range(100_000))
        ),
        "10,000-deep nesting": page(
            "<div>" * 10_000 + "<p>" + "正文内容。" * 50 + "</p>" + "</div>" * 10_000
        ),
        "5 MB in one paragraph": page(
            f"<h1>标题</h1><p>2024年04月11日 10:57 来源：四川日报</p><p>{para}</p>"
        ),
        "100,000 table cells": page(
            "<table>"
            + "".join(
                "<tr>" + "".join(f"<td>格{i}{j}</td>" for j in range(10)) + "</tr>" for i in range(10_000)
            )
            + "</table>"
        ),
    }


def pathological(repeat: int = 3, spend: float = 0.2) -> list[tuple[str, float]]:
    """Ours and lxml's bare parse on each pathological page: the best CPU time of at least ``repeat`` runs
    each, and of as many as fit in ``spend`` CPU seconds (a floor of 40 us, the 10,000-deep nesting that
    libxml2 stops reading at 256 levels, is no steady figure from 3 runs)."""
    import lxml.html

    from crawler.parsers import NotAnArticle, parse_article

    url = SITE + "/cjbd/2024-04-11/1.html"

    def ours(body: bytes) -> str:
        try:
            parse_article(body, url)
            return "record"
        except NotAnArticle as exc:
            return f"NotAnArticle: {exc.reason}"

    def best(fn, body: bytes) -> float:
        times: list[float] = []
        total = 0.0
        while len(times) < repeat or (total < spend and len(times) < 10_000):
            t0 = time.process_time()
            fn(body)
            times.append(time.process_time() - t0)
            total += times[-1]
        return min(times)

    print(f"\n== pathological pages, best of {repeat} or more runs ({spend:g} CPU s), CPU ms")
    print(f"  {'page':24} {'bytes':>10} {'lxml':>9} {'ours':>9} {'x lxml':>7}  outcome")
    results = []
    for name, body in pathological_pages().items():
        floor = best(lxml.html.fromstring, body)
        mine = best(ours, body)
        ratio = mine / floor if floor else float("inf")
        results.append((name, ratio))
        print(
            f"  {name:24} {len(body):10,d} {floor * 1000:9.1f} {mine * 1000:9.1f} {ratio:7.2f}  {ours(body)}"
        )
    return results


if __name__ == "__main__":
    sys.exit(main())
