"""Memory of a crawl against hostile pages, side by side with a benign crawl: python bench/hostile.py

Each crawl is ``scnews crawl --replica-url`` in a subprocess against the hostile test server
(``tests/hostile/hostile_site.py``, real HTTP on 127.0.0.1) serving one channel list with one good article
plus one kind of trap; the crawl process's peak resident memory comes from ``wait4``. Printed: the peak RSS
of each crawl and its ratio to the benign one (target: every ratio below 1.6, i.e. no trap costs memory in
proportion to its size: the bodies are 50 MB and the bombs expand to ``--bomb-mib`` MiB each, 256 by
default).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hostile"))

from hostile_helpers import run_crawl  # noqa: E402
from hostile_site import HostileServer, big, bomb, encoded, page  # noqa: E402

from crawler.replica.pages import ListEntry, article_page, list_page, synthetic_paragraphs  # noqa: E402

DAY = "2024-04-10"


def path(article_id: int) -> str:
    return f"/cjbd/{DAY}/{article_id}.html"


def site_routes(traps: dict[str, object], extra_links: str = "") -> dict:
    ids = [910001, *range(910100, 910100 + len(traps))]
    entries = [ListEntry(path(n), f"稿件{n}", DAY) for n in ids]
    listing = list_page("cjbd", entries, 1, 1).replace(b"</ul>", extra_links.encode() + b"\n</ul>", 1)
    routes: dict = {
        "/robots.txt": page(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/cjbd/index.shtml": page(listing),
        path(910001): page(
            article_page(path=path(910001), title="好稿件", date=DAY, paragraphs=synthetic_paragraphs(910001))
        ),
    }
    for article_id, route in zip(ids[1:], traps.values(), strict=True):
        routes[path(article_id)] = route
    return routes


def peak_mb(routes: dict) -> float:
    with HostileServer(routes) as site, tempfile.TemporaryDirectory() as tmp:
        result = run_crawl(Path(tmp) / "news.db", site.url, "--channels", "cjbd", "--since", "2024-04-01")
        if result.returncode != 0:
            raise SystemExit(f"crawl failed ({result.returncode}): {result.stderr.strip()}")
        return result.max_rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-mib", type=int, default=256, help="decompressed size of each bomb (MiB)")
    args = parser.parse_args()
    size = args.bomb_mib << 20
    links = "\n".join(
        f'<li>[{DAY}]<a href="http://localhost:9/cjbd/{DAY}/{930000 + n}.html">x</a></li>'
        for n in range(10_000)
    )
    cases = {
        "benign (one article)": site_routes({}),
        "50 MB declared + chunked": site_routes(
            {"declared": big(50 << 20, chunked=False), "chunked": big(50 << 20, chunked=True)}
        ),
        f"bombs gzip/deflate/br/zstd ({args.bomb_mib} MiB each)": site_routes(
            {name: encoded(bomb(name, size), name) for name in ("gzip", "deflate", "br", "zstd")}
        ),
        "10,000 off-site links": site_routes({}, links),
    }
    baseline = None
    print(f"{'crawl':<44} {'peak RSS':>9} {'ratio':>6}")
    for name, routes in cases.items():
        mb = peak_mb(routes)
        baseline = baseline or mb
        print(f"{name:<44} {mb:7.0f} MB {mb / baseline:6.2f}")


if __name__ == "__main__":
    main()
