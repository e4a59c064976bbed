"""Benchmark: Chinese search over ~10 years of synthetic articles, side by side with a plain LIKE scan.

    python bench/search.py            # 200,000 articles (about ten years at ~50 a day)
    python bench/search.py --n 20000  # a quick run

Articles are built from the fixtures' texts (fixtures/articles/*/expected.json, else built-in paragraphs):
their text is cut into 2-3 character pieces that are drawn with a Zipf law, so common characters are in
most articles and named terms in few, as on the real site. Prints the index build time and size, p50/p95
latency per query class (search top 20 by relevance, search count of all matches, LIKE scan count) and the
recall of the search against the LIKE scan (1.0 = every article the scan finds, the search finds).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.database import open_database  # noqa: E402
from crawler.search.engine import Search  # noqa: E402
from crawler.search.filters import Filters  # noqa: E402
from crawler.search.index import index_pending  # noqa: E402
from crawler.search.query import matches, parse, to_fts  # noqa: E402
from crawler.search.trend import trend  # noqa: E402

BUILTIN = """
中新网成都5月23日电 四川省人民政府新闻办公室23日举行新闻发布会，介绍四川推动人工智能产业发展的最新进展。
今年以来，成都市加快建设国家新一代人工智能创新发展试验区，一批AIGC企业落户天府新区，5G基站数量持续增长。
第31届世界大学生夏季运动会在成都举行，大运会场馆赛后向市民开放，带动全民健身热潮。
四川省气象台发布暴雨蓝色预警，预计未来三天盆地西部和南部有大雨到暴雨，局部地方有大暴雨。
大熊猫国家公园四川片区持续加强生态保护，野生大熊猫种群数量稳中有升。
川渝两地携手推进成渝地区双城经济圈建设，交通互联互通水平不断提高。
"""
# Terms planted in a share of the articles, as named topics are on the site.
PLANTED = {"人工智能": 0.01, "大运会": 0.004, "AIGC": 0.003, "5G": 0.02, "乡村振兴": 0.006, "熊猫": 0.01}
QUERIES = {
    "1 char": ["成", "熊", "雨", "债", "鹤"],
    "2 chars": ["成都", "熊猫", "暴雨", "旅游", "发布"],
    "4 chars": ["人工智能", "乡村振兴", "成渝地区", "新闻发布", "大熊猫基"],
    "multi-term": ["成都 大运会", "人工智能 OR AIGC", "熊猫 NOT 成都", '"5G基站" 四川', "暴雨 预警 盆地"],
}
# Whole-archive relevance for the terms found in half the archive or more, and where its time goes.
COMMON = ["成", "雨", "成都"]
BM25 = "bm25(search_index, 5.0, 1.0)"
RELEVANCE_WAYS = {
    # what `search --sort relevance` runs (crawler/search/engine.py, _ranked_sql): bm25 of every match,
    # the best 20 kept by SQLite's sorter
    "as built": f"SELECT rowid, {BM25} AS s FROM search_index WHERE search_index MATCH ? "
    "ORDER BY s, rowid DESC LIMIT 20",
    # FTS5's own ORDER BY rank, the ranking function given in the query
    "FTS5 rank": "SELECT rowid, rank FROM search_index WHERE search_index MATCH ? "
    "AND rank MATCH 'bm25(5.0, 1.0)' ORDER BY rank LIMIT 20",
    # bm25 of every match, nothing kept: the cost of scoring alone
    "score all": f"SELECT count(*) FROM search_index WHERE search_index MATCH ? AND {BM25} < 1e9",
    # the matches counted, nothing scored: walking the doclists (no positions, no document sizes)
    "count only": "SELECT count(*) FROM search_index WHERE search_index MATCH ?",
}


def texts() -> list[str]:
    found = []
    for path in sorted(glob.glob(str(ROOT / "fixtures/articles/*/expected.json"))):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        found.extend(t for t in (data.get("title"), data.get("body")) if t)
    return found or [BUILTIN]


def vocabulary(pool: list[str], rng: random.Random) -> list[str]:
    pieces: set[str] = set()
    for text in pool:
        for sentence in re.split(r"[。！？\n]", text):
            i = 0
            while i < len(sentence):
                step = rng.choice((2, 2, 3))
                pieces.add(sentence[i : i + step])
                i += step
    words = sorted(p for p in pieces if p.strip())
    rng.shuffle(words)
    return words


def synthetic(n: int, seed: int = 5):
    rng = random.Random(seed)
    words = vocabulary(texts() + [BUILTIN], rng)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(words))]
    punct = "，，，。、；"
    start = datetime(2015, 1, 1, 8, 0)
    step = timedelta(days=3650) / n
    channels = ["scxw", "cjbd", "shms", "lyxw", "whty", "kjws", "szjj", "bwbd"]
    sources = ["中国新闻网", "四川日报", "成都日报", "川观新闻", "四川在线"]
    for i in range(n):
        length = rng.randint(120, 400)
        chunks = rng.choices(words, weights, k=length)
        body_parts = []
        for j, chunk in enumerate(chunks):
            body_parts.append(chunk)
            if j % rng.randint(6, 14) == 0:
                body_parts.append(rng.choice(punct))
        for term, share in PLANTED.items():
            if rng.random() < share:
                pos = rng.randrange(len(body_parts))
                body_parts.insert(pos, term)
        body = "".join(body_parts)
        title = "".join(rng.choices(words, weights, k=rng.randint(6, 12)))
        published = start + step * i
        yield (
            str(100000 + i),
            f"https://www.sc.chinanews.com.cn/{channels[i % 8]}/{published:%Y-%m-%d}/{100000 + i}.html",
            channels[i % 8],
            title,
            published.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            sources[i % 5],
            body,
            "[]",
            "sc-2024",
        )


def like_scan(db, tree) -> set[int]:
    """The reference: a plain LIKE scan over title and body (terms of a query combined in SQL)."""
    sql, params = like_sql(tree)
    return {r[0] for r in db.execute(f"SELECT rowid FROM articles WHERE {sql}", params)}


def like_sql(node):
    from crawler.search.query import And, Not, Term

    if isinstance(node, Term):
        if all(u.cjk for u in node.units) and len(node.units) == 1:
            text = node.units[0].text
            return "(title LIKE ? OR body LIKE ?)", [f"%{text}%", f"%{text}%"]
        # Latin letters and digits match whole words: LIKE finds the candidates, the reference the boundaries
        like = f"%{node.units[0].text}%"
        sql = "((title LIKE ? OR body LIKE ?) AND bench_match(?, title || ' ' || body))"
        return sql, [like, like, node.text]
    if isinstance(node, Not):
        sql, params = like_sql(node.child)
        return f"NOT {sql}", params
    joiner = " AND " if isinstance(node, And) else " OR "
    parts = [like_sql(c) for c in node.children]
    return "(" + joiner.join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200_000, help="number of articles (default 200000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--like-repeat", type=int, default=2, help="timed runs per LIKE scan (default 2)")
    parser.add_argument("--db", help="keep the database at this path (default: a temporary file)")
    parser.add_argument("--reuse", action="store_true", help="time queries on an existing --db, no build")
    parser.add_argument(
        "--common-only",
        action="store_true",
        help="only the whole-archive relevance breakdown and the trend timings (no LIKE scans)",
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = args.db or os.path.join(tmp.name, "bench.db")
    reuse = args.reuse and os.path.exists(path)
    if os.path.exists(path) and not reuse:
        os.remove(path)
    db = open_database(path)
    db.conn.create_function("bench_match", 2, lambda q, t: matches(parse(q), t or ""), deterministic=True)
    if reuse:
        print(f"reusing {path}: {db.conn.execute('SELECT count(*) FROM articles').fetchone()[0]:,} articles")
    else:
        t0 = time.perf_counter()
        with db.conn:
            db.conn.executemany(
                "INSERT INTO articles (article_id, url, channel, title, published_at, source, body, authors, "
                "template) VALUES (?,?,?,?,?,?,?,?,?)",
                synthetic(args.n),
            )
        insert_s = time.perf_counter() - t0
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages_before = db.conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = db.conn.execute("PRAGMA page_size").fetchone()[0]
        text_mb = (
            db.conn.execute("SELECT sum(length(CAST(title || body AS BLOB))) FROM articles").fetchone()[0]
            / 1e6
        )
        t0 = time.perf_counter()
        index_pending(db)
        build_s = time.perf_counter() - t0
        db.conn.execute("INSERT INTO search_index(search_index) VALUES ('optimize')")
        db.conn.commit()
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages_after = db.conn.execute("PRAGMA page_count").fetchone()[0]
        index_mb = (pages_after - pages_before) * page_size / 1e6
        print(f"articles: {args.n:,} ({text_mb:,.0f} MB of title+body text, inserted in {insert_s:.1f} s)")
        print(
            f"index build: {build_s:.1f} s ({args.n / build_s:,.0f} articles/s); "
            f"index size: {index_mb:,.0f} MB"
        )
    print(
        f"SQLite {db.conn.execute('select sqlite_version()').fetchone()[0]}, python {sys.version.split()[0]}"
    )
    print()
    if args.common_only:
        relevance_breakdown(db, args.repeat)
        trend_timings(db, args.repeat)
        return
    last = db.execute("SELECT max(published_at) FROM articles").fetchone()[0]
    since = (datetime.fromisoformat(last) - timedelta(days=30)).strftime("%Y-%m-%d")
    modes = {
        "newest": dict(sort="newest"),
        "relevance": dict(sort="relevance"),
        "rel. 30d": dict(sort="relevance", filters=Filters(since=since)),
    }
    print(f"top 20 per query: newest first; by relevance (bm25); by relevance with --since {since}")
    header = (
        f"{'class':<11} {'query':<16} {'matches':>8}"
        + "".join(f" {name + ' p50':>14} {'p95':>6}" for name in [*modes, "LIKE"])
        + f" {'recall':>6}"
    )
    print(header)
    print("-" * len(header))
    summary = []
    for cls, queries in QUERIES.items():
        times: dict[str, list[float]] = {name: [] for name in [*modes, "LIKE"]}
        recalls = []
        for q in queries:
            tree = parse(q)
            row = {}
            for name, kwargs in modes.items():
                search = Search(q, limit=20, **kwargs)
                row[name] = timed(lambda s=search: list(s.run(db, refresh=False)), args.repeat)
            row["LIKE"] = timed(lambda t=tree: like_scan(db, t), args.like_repeat)
            found = {
                r[0]
                for r in db.execute(
                    "SELECT d.doc FROM search_index JOIN search_docs d ON d.docid = search_index.rowid "
                    "WHERE search_index MATCH ?",
                    [to_fts(tree)],
                )
            }
            expected = like_scan(db, tree)
            recall = len(found & expected) / len(expected) if expected else 1.0
            extra = len(found - expected)
            recalls.append(recall)
            for name, values in row.items():
                times[name] += values
            print(
                f"{cls:<11} {q:<16} {len(expected):>8,}"
                + "".join(f" {pct(v, 50):>14.1f} {pct(v, 95):>6.1f}" for v in row.values())
                + f" {recall:>6.3f}"
                + (f"  (+{extra} not in LIKE)" if extra else "")
            )
        summary.append((cls, times, min(recalls)))
    print()
    print("per class (all runs of its 5 queries), ms:")
    print(
        f"{'class':<11}"
        + "".join(f" {name + ' p50/p95':>22}" for name in [*modes, "LIKE"])
        + f" {'LIKE/newest p50':>16} {'min recall':>10}"
    )
    for cls, times, recall in summary:
        print(
            f"{cls:<11}"
            + "".join(f" {pct(v, 50):>12.1f} / {pct(v, 95):>7.1f}" for v in times.values())
            + f" {statistics.median(times['LIKE']) / max(statistics.median(times['newest']), 0.01):>15.0f}x"
            + f" {recall:>10.3f}"
        )
    print("(targets: search p95 <= 50 ms, recall 1.0; 'matches' = articles the LIKE scan finds)")
    relevance_breakdown(db, args.repeat)
    trend_timings(db, args.repeat)


def relevance_breakdown(db, repeat: int) -> None:
    """Whole-archive relevance for the most common terms, four ways side by side (ms, p50 / p95)."""
    print()
    print(f"whole-archive relevance for the commonest terms, {repeat} runs each, ms (p50 / p95):")
    names = "".join(f" {name:>17}" for name in RELEVANCE_WAYS)
    print(f"{'query':<6} {'matches':>8}{names}  same top 20")
    for q in COMMON:
        fts = to_fts(parse(q))
        row, tops = [], {}
        for name, sql in RELEVANCE_WAYS.items():
            values = timed(lambda s=sql, f=fts: db.execute(s, [f]).fetchall(), repeat)
            row.append(f" {pct(values, 50):>7.1f} / {pct(values, 95):>6.1f}")
            tops[name] = [r[0] for r in db.execute(sql, [fts]).fetchall()]
        n = tops["count only"][0]
        same = "yes" if tops["FTS5 rank"] == tops["as built"] else "no (ties ordered differently)"
        print(f"{q:<6} {n:>8,}" + "".join(row) + f"  {same}")


def trend_timings(db, repeat: int) -> None:
    """`scnews trend TERM --by month` over the whole archive (counts from the index alone)."""
    print()
    print(f"trend per month over the whole archive, {repeat} runs each, ms (p50 / p95):")
    for q in [*COMMON, "人工智能"]:
        values = timed(lambda q=q: trend(db, [q], by="month", refresh=False), repeat)
        periods = len(trend(db, [q], by="month", refresh=False).periods)
        print(f"{q:<6} {periods:>4} months  {pct(values, 50):>7.1f} / {pct(values, 95):>6.1f}")


if __name__ == "__main__":
    main()
