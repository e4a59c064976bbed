"""Faults of the replica end up in ``failures`` with their reason, and the next run retries them."""

import json
from pathlib import Path
from urllib.parse import urlsplit

from e2e_helpers import crawl, rows

import crawler.replica
from crawler.urls import parse_article_url

SITE = "https://www.sc.chinanews.com.cn"


def _refused_fixture_paths(channels: set[str]) -> set[str]:
    found = set()
    for meta_file in (Path(crawler.replica.__file__).parent / "site" / "articles").glob("*/meta.json"):
        meta = json.loads(meta_file.read_text("utf-8"))
        expected = json.loads(meta_file.with_name("expected.json").read_text("utf-8"))
        parsed = parse_article_url(meta["url"])
        if parsed and "error" in expected and parsed.channel in channels:
            found.add(urlsplit(parsed.canonical).path)
    return found


def _reason(failures, path):
    """The parser's reason for refusing a page (its wording is the parser's; it must say something)."""
    reason = failures.get(path, (None, ""))[1]
    assert reason and reason.strip()
    return reason


def _open_failures(db):
    return {
        url.removeprefix(SITE): (stage, reason, status, attempts)
        for url, stage, reason, status, attempts in rows(
            db, "SELECT url, stage, reason, http_status, attempts FROM failures WHERE resolved_at IS NULL"
        )
    }


def test_faults_are_recorded_then_retried(tmp_path, replica_factory):
    server = replica_factory(faults=True, slow_seconds=3)
    site = server.site
    db = tmp_path / "news.db"

    first = crawl(db, server.url, "--channels", "shms,lyxw")
    assert first.returncode == 0, first.stderr
    failures = _open_failures(db)
    faults = {
        "/shms/2024-04-10/299404.html": ("fetch", "HTTP 404", 404, 1),
        "/shms/2024-04-10/299408.html": ("fetch", "timeout after 1 s", None, 1),
        "/shms/2024-04-10/299200.html": ("parse", _reason(failures, "/shms/2024-04-10/299200.html"), None, 1),
        "/private/2024-04-10/299403.html": ("fetch", "forbidden by robots.txt", None, 1),
    }
    assert {path: failures.get(path) for path in faults} == faults
    # The refused-page fixtures served in these channels (a truncated page, an error page) are parse failures.
    refused = {path for path, (stage, *_rest) in failures.items() if path not in faults and stage == "parse"}
    assert refused == _refused_fixture_paths({"shms", "lyxw"})
    assert set(failures) == set(faults) | refused
    log = site.requests()
    paths = [r.path for r in log]
    assert {r.user_agent.split(" ")[0] for r in log} == {"scnews/0.1"}  # the descriptive User-Agent
    # robots.txt was read and obeyed
    assert "/robots.txt" in paths and not any(p.startswith("/private/") for p in paths)
    # the 500 and the 429 succeeded on retry; the retry after the 429 waited for Retry-After (1 s)
    flaky = [r.status for r in log if r.path == "/shms/2024-04-10/299500.html"]
    assert flaky == [500, 200]
    limited = [r for r in log if r.path == "/shms/2024-04-10/299429.html"]
    assert [r.status for r in limited] == [429, 200]
    assert limited[1].at - limited[0].at >= 0.95
    # the .com host form was redirected and the article stored under its canonical URL
    redirected = [r for r in log if r.host == "www.sc.chinanews.com"]
    assert redirected and {r.status for r in redirected} == {301}
    stored = dict(rows(db, "SELECT article_id, url FROM articles"))
    assert stored["121876"] == f"{SITE}/lyxw/2019-08-12/121876.shtml"
    for request in redirected:
        assert stored[parse_article_url(request.path).article_id] == f"{SITE}{request.path}"
    assert {"299500", "299429"} <= set(stored)
    assert not {"299404", "299408", "299200", "299403"} & set(stored)
    # Every article the run discovered ended somewhere, and the summary says so.
    counts = json.loads(rows(db, "SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][0])
    article_failures = [path for path in failures if parse_article_url(SITE + path)]
    assert (counts["skipped_known"], counts["dropped"], counts["unaccounted"]) == (0, 0, 0)
    assert counts["failed_articles"] == len(article_failures) == 4 + len(refused)
    assert counts["discovered"] == len(stored) + len(article_failures)
    assert (
        f"outcome    {counts['discovered']} articles discovered: 0 already stored, {len(stored)} stored, "
        f"0 dropped, {len(article_failures)} failed\n"
    ) in first.stdout

    # The deleted article comes back; the next run retries every open failure and resolves that one.
    site.add_article("shms", date="2024-04-10", article_id=299404, title="恢复的稿件")
    before = len(site.requests())
    second = crawl(db, server.url, "--channels", "shms,lyxw")
    assert second.returncode == 0, second.stderr
    retried = {r.path for r in site.requests()[before:]}
    assert {
        "/shms/2024-04-10/299404.html",
        "/shms/2024-04-10/299408.html",
        "/shms/2024-04-10/299200.html",
    } <= retried
    assert rows(db, "SELECT title FROM articles WHERE article_id = '299404'") == [("恢复的稿件",)]
    counts = json.loads(rows(db, "SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][0])
    assert counts["unaccounted"] == 0 and counts["discovered"] > counts["stored"] >= 1
    failures = _open_failures(db)
    assert "/shms/2024-04-10/299404.html" not in failures
    assert failures["/shms/2024-04-10/299408.html"][3] == 2
    assert failures["/shms/2024-04-10/299200.html"][3] == 2
    assert rows(db, "SELECT resolved_at IS NOT NULL FROM failures WHERE url LIKE '%299404%'") == [(1,)]
