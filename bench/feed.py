"""Benchmark: building a watch's Atom feed (the last 50 matches stored) beside the newest-first search.

    python bench/feed.py --n 20000                       # a quick run
    python bench/feed.py --db /tmp/bench.db --reuse      # reuse a database built by bench/search.py --db

A feed lists the last matches *stored* (``articles.rowid``), which the index's publication-time keys do not
order, so for a term in most articles it has to join every match; the newest-first search of the same term
stops after 50. Prints p50/p95 per term for both and their ratio, measured side by side in one run, plus the
cost of rendering the Atom document. Articles come from bench/search.py's generator (Zipf-drawn fixture text).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search import synthetic  # noqa: E402

from crawler.database import open_database  # noqa: E402
from crawler.search.engine import Search  # noqa: E402
from crawler.search.feed import latest_matches, watch_feed  # noqa: E402
from crawler.search.index import index_pending  # noqa: E402

TERMS = ["成", "成都", "人工智能", "大熊猫", "AIGC", "成都 OR 大运会"]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200_000, help="number of articles (default 200000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per term (default 7)")
    parser.add_argument("--db", help="keep the database at this path (default: a temporary file)")
    parser.add_argument("--reuse", action="store_true", help="time an existing --db, no build")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = args.db or os.path.join(tmp.name, "bench.db")
    reuse = args.reuse and os.path.exists(path)
    if os.path.exists(path) and not reuse:
        os.remove(path)
    db = open_database(path)
    if not reuse:
        t0 = time.perf_counter()
        with db.conn:
            db.conn.executemany(
                "INSERT INTO articles (article_id, url, channel, title, published_at, source, body, authors, "
                "template) VALUES (?,?,?,?,?,?,?,?,?)",
                synthetic(args.n),
            )
        index_pending(db)
        print(f"built {args.n:,} articles in {time.perf_counter() - t0:.1f} s")
    total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"articles: {total:,}; {args.repeat} runs per term, ms\n")
    print(
        f"{'term':<16}{'matches':>9}  {'feed p50/p95':>16}  {'newest p50/p95':>16}  {'feed/newest p50':>15}"
    )
    render = []
    for term in TERMS:
        watch = {"name": "bench", "query": term, "filters": {}, "created_at": None}
        matches = Search(term, sort="newest", limit=None).count(db)
        feed = timed(lambda w=watch: latest_matches(db, w, 50), args.repeat)
        newest = timed(
            lambda t=term: list(Search(t, sort="newest", limit=50).run(db, refresh=False)), args.repeat
        )
        articles = latest_matches(db, watch, 50)
        render += timed(lambda w=watch, a=articles: watch_feed(w, a), args.repeat)
        print(
            f"{term:<16}{matches:>9,}  {pct(feed, 50):>7.1f} /{pct(feed, 95):>7.1f}  "
            f"{pct(newest, 50):>7.1f} /{pct(newest, 95):>7.1f}  {pct(feed, 50) / pct(newest, 50):>14.1f}x"
        )
    print(f"\nrendering 50 entries as Atom: p50 {pct(render, 50):.1f} ms, p95 {pct(render, 95):.1f} ms")


if __name__ == "__main__":
    main()
