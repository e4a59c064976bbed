"""Can one visitor starve `scnews serve`? python bench/serve_limits.py [--size N] [--articles N]

Side by side in one run, over real HTTP on 127.0.0.1, the same database served by:
  plain   Datasette with its default settings and SQL allowed (what an unbounded serve amounts to);
  scnews  `scnews serve --allow-sql` (raw SQL on, so the hostile statements can be sent at all; without the
          flag they are refused with 403 before running).
For each: the median time of `select 1` alone; then three hostile statements sent at once
(`printf('%.*c', N, 'x')`, `randomblob(N)`, `format('%.*c', N, 'y')`, and on scnews also `scnews_snippet`
of a 30 MB text) with `select 1`
sent while they run; how long each took, how long `select 1` waited, and the server's peak memory (VmHWM).
N (--size) defaults to 200,000,000 to spare a shared machine; the issue used 900,000,000.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from crawler.database import open_database

SCNEWS = str(Path(sys.executable).parent / "scnews")


def build(path: Path, articles: int) -> None:
    db = open_database(path)
    rows = [
        {
            "article_id": str(100000 + i),
            "url": f"https://www.sc.chinanews.com.cn/scxw/2024-05-01/{100000 + i}.html",
            "title": f"成都新闻第{i}条",
            "body": "中新网成都5月1日电 成都市今日发布消息。" * 20,
            "published_at": f"2024-05-01T{i % 24:02d}:{i % 60:02d}:00+08:00",
            "channel": "scxw",
        }
        for i in range(articles)
    ]
    with db.atomic():
        db.table("articles").insert_all(rows, pk="article_id", alter=True)
    db.conn.close()


def start(cmd: list[str], log: Path) -> tuple[subprocess.Popen, str]:
    err = log.open("w")
    proc = subprocess.Popen(cmd, stderr=err, stdout=err, env={**os.environ, "SCNEWS_SERVE_REFRESH": "600"})
    port = cmd[cmd.index("--port") + 1]
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    sys.exit(f"server did not start: {log.read_text()[-500:]}")


def free_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def timed(base: str, db: str, sql: str) -> tuple[float, int]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{base}/{db}.json?sql={quote(sql)}", timeout=600) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0
    return time.monotonic() - started, status


def peak_mb(pid: int) -> float:
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        if text.startswith("VmHWM:"):
            return int(text.split()[1]) / 1024
    return float("nan")


def measure(name: str, proc: subprocess.Popen, base: str, db: str, hostile: list[str]) -> dict:
    alone = statistics.median(timed(base, db, "select 1")[0] for _ in range(10))
    results: dict[str, tuple[float, int]] = {}

    def send(sql: str) -> None:
        results[sql] = timed(base, db, sql)

    threads = [threading.Thread(target=send, args=(sql,)) for sql in hostile]
    for t in threads:
        t.start()
    time.sleep(0.2)
    waited, _ = timed(base, db, "select 1")
    for t in threads:
        t.join()
    return {"name": name, "alone": alone, "waited": waited, "hostile": results, "peak_mb": peak_mb(proc.pid)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000_000, help="N in printf/randomblob")
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()
    n = args.size
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build(path, args.articles)
        common = [  # three: as many as Datasette's connections (num_sql_threads)
            f"select length(printf('%.*c', {n}, 'x'))",
            f"select length(randomblob({n}))",
            f"select length(format('%.*c', {n}, 'y'))",
        ]
        snippet = (
            "select length(scnews_snippet(replace(hex(zeroblob(15000000)), '0', 'x') || '成都', '成都'))"
        )
        rows = []
        plain_cmd = [sys.executable, "-m", "datasette", "serve", str(path), "--port", free_port()]
        proc, base = start(plain_cmd, Path(tmp) / "plain.log")
        try:
            rows.append(measure("plain", proc, base, "bench", common))
        finally:
            proc.terminate()
            proc.wait()
        scnews_cmd = [SCNEWS, "serve", "--allow-sql", "--db", str(path), "--port", free_port()]
        proc, base = start(scnews_cmd, Path(tmp) / "scnews.log")
        try:
            rows.append(measure("scnews", proc, base, "bench", [*common, snippet]))
        finally:
            proc.terminate()
            proc.wait()
        proc, base = start(
            [SCNEWS, "serve", "--db", str(path), "--port", free_port()], Path(tmp) / "nosql.log"
        )
        try:
            refused = timed(base, "bench", common[0])
        finally:
            proc.terminate()
            proc.wait()
    print(f"hostile statements with N = {n:,}; {args.articles} articles")
    for row in rows:
        print(
            f"\n{row['name']}: select 1 alone {row['alone'] * 1000:.1f} ms; while hostile statements run "
            f"{row['waited'] * 1000:.1f} ms ({row['waited'] / row['alone']:.0f}x); "
            f"peak memory {row['peak_mb']:.0f} MB"
        )
        for sql, (seconds, status) in row["hostile"].items():
            print(f"  {seconds:7.2f} s  HTTP {status}  {sql[:70]}")
    plain, ours = rows
    print(
        f"\nplain/scnews: select 1 wait {plain['waited'] / ours['waited']:.1f}x, "
        f"peak memory {plain['peak_mb'] / ours['peak_mb']:.1f}x, slowest hostile statement "
        f"{max(s for s, _ in plain['hostile'].values()) / max(s for s, _ in ours['hostile'].values()):.1f}x"
    )
    print(
        f"scnews serve without --allow-sql: printf statement answered HTTP {refused[1]} "
        f"in {refused[0] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
