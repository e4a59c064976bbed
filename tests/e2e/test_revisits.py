"""Revisits over real HTTP: the replica changes its articles (PUT, DELETE, a redirect, faults), the crawler
finds out. One shared sequence of runs (each a subprocess crawl) serves every test of the module:

1. ``scnews crawl`` stores nine articles published yesterday;
2. one of them is made to look checked two days ago (as if time passed): the next ``scnews crawl`` revisits
   it and nothing else;
3. the site edits A, deletes B (404), redirects C to the channel page, leaves D alone, answers 500 for E
   and is too slow for F, answers 500 for the second page of the two-page H and an error page (status 200)
   for I; ``scnews revisit --all`` checks all nine;
4. B comes back (PUT); ``scnews revisit --all`` again.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta

import pytest
from e2e_helpers import crawl

from crawler.replica import ReplicaServer, ReplicaSite
from crawler.replica.pages import soft_404_page
from crawler.replica.site import Fault, Page
from crawler.timewindow import CHINA
from crawler.urls import parse_article_url

REVISIT = [sys.executable, "-c", "from crawler.cli import main; main()", "revisit"]
NAMES = "ABCDEFGI"


def _request(url: str, method: str, data: dict | None = None) -> dict:
    body = json.dumps(data, ensure_ascii=False).encode() if data is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=body, method=method), timeout=10) as r:
        return json.loads(r.read())


def _snapshot(db) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {
            "articles": {r["article_id"]: dict(r) for r in conn.execute("SELECT * FROM articles")},
            "versions": [dict(r) for r in conn.execute("SELECT * FROM article_versions ORDER BY id")],
            "changes": [dict(r) for r in conn.execute("SELECT * FROM changes ORDER BY id")],
            "failures": [dict(r) for r in conn.execute("SELECT * FROM failures ORDER BY id")],
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    db = tmp_path_factory.mktemp("revisits") / "news.db"
    site = ReplicaSite(faults=False, synthetic_per_channel=0)
    yesterday = (datetime.now(CHINA) - timedelta(days=1)).date().isoformat()
    paths = {
        name: site.add_article("whty", date=yesterday, title=f"四川体育稿件{name}，赛事筹备进展顺利")
        for name in NAMES
    }
    paths["H"] = site.add_article("whty", date=yesterday, title="四川体育稿件H，分两页", multipage=True)
    ids = {name: parse_article_url(path).article_id for name, path in paths.items()}
    out: dict = {"ids": ids, "paths": paths}
    with ReplicaServer(site) as server:
        api = f"{server.url}/_replica/articles"
        first = crawl(db, server.url, "--channels", "whty")
        assert first.returncode == 0, first.stderr
        out["first"] = _snapshot(db)

        # 2. G was last fetched two days ago: due (its 6 h and 1 day checks are missed); the others are not.
        conn = sqlite3.connect(db)
        two_days_ago = (datetime.now(CHINA) - timedelta(days=2)).isoformat(timespec="seconds")
        conn.execute("UPDATE articles SET last_seen = ? WHERE article_id = ?", [two_days_ago, ids["G"]])
        conn.commit()
        conn.close()
        before = len(site.requests())
        scheduled = crawl(db, server.url, "--channels", "whty")
        assert scheduled.returncode == 0, scheduled.stderr
        out["scheduled_requests"] = [r.path for r in site.requests()[before:] if parse_article_url(r.path)]
        out["scheduled_stdout"] = scheduled.stdout

        # 3. The site changes.
        body = site.specs[paths["A"]].paragraphs
        edited = [body[0].replace("。", "，据悉已于今日完成。", 1), *body[1:-1], "本文已更正。"]
        out["edited_body"] = edited
        _request(f"{api}/{ids['A']}", "PUT", {"title": "四川体育稿件A（更正）", "paragraphs": edited})
        _request(f"{api}/{ids['B']}", "DELETE")
        _request(f"{api}/{ids['C']}", "PUT", {"redirect_to": "/whty/index.shtml"})
        site.fault_state[paths["E"]] = Fault("flaky500", remaining=10**9)
        site.fault_state[paths["F"]] = Fault("slow", remaining=10**9, seconds=1.5)  # timeout: 1 s
        site.fault_state[paths["H"].replace(".html", "_2.html")] = Fault("flaky500", remaining=10**9)
        site.pages[paths["I"]] = Page(soft_404_page())
        before = len(site.requests())
        third = subprocess.run(
            [*REVISIT, "--all", "--db", str(db), "--replica-url", server.url, "--quiet"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        out["revisit"] = third
        out["revisit_requests"] = [r.path for r in site.requests()[before:]]
        out["after_revisit"] = _snapshot(db)

        # 4. B comes back, unchanged.
        _request(f"{api}/{ids['B']}", "PUT", {})
        site.fault_state.clear()
        fourth = subprocess.run(
            [*REVISIT, "--all", "--db", str(db), "--replica-url", server.url, "--quiet"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert fourth.returncode == 0, fourth.stderr
        out["after_restore"] = _snapshot(db)
    return out


def test_scnews_crawl_revisits_only_the_due_article(story):
    assert story["scheduled_requests"] == [story["paths"]["G"]]
    assert "revisits   1 sent: online 1" in story["scheduled_stdout"]


def test_revisit_all_checks_every_young_article_once(story):
    assert story["revisit"].returncode == 0, story["revisit"].stderr
    assert "scnews revisit: ok" in story["revisit"].stdout
    requested = {parse_article_url(p).article_id for p in story["revisit_requests"] if parse_article_url(p)}
    assert requested == set(story["ids"].values())
    # no list page, and the redirect of C is read, not followed
    assert not [p for p in story["revisit_requests"] if "index" in p]


def test_an_edit_writes_a_version_with_a_readable_diff(story):
    a = story["ids"]["A"]
    before, after = story["first"]["articles"][a], story["after_revisit"]["articles"][a]
    assert after["title"] == "四川体育稿件A（更正）"
    assert after["body"] == "\n".join(story["edited_body"])
    assert after["removed_at"] is None
    (version,) = [v for v in story["after_revisit"]["versions"] if v["article_id"] == a]
    assert (version["title"], version["body"], version["content_hash"]) == (
        before["title"],
        before["body"],
        before["content_hash"],
    )
    diff = version["diff"].splitlines()
    assert diff[0] == "title: 四川体育稿件A，赛事筹备进展顺利 → 四川体育稿件A（更正）"
    assert "body:" in diff
    assert "  @@ ¶1" in diff
    assert any(line.startswith("  ~ ") and "{+，据悉已于今日完成+}。" in line for line in diff)
    assert diff[-2:] == ["  - " + story["first"]["articles"][a]["body"].split("\n")[-1], "  + 本文已更正。"]
    (change,) = [c for c in story["after_revisit"]["changes"] if c["article_id"] == a]
    assert (change["kind"], change["fields"], change["version_id"]) == ("edited", "title,body", version["id"])


def test_a_withdrawal_by_404_keeps_the_last_content(story):
    b = story["ids"]["B"]
    row = story["after_revisit"]["articles"][b]
    assert row["removed_at"] is not None
    assert row["title"] == story["first"]["articles"][b]["title"]
    assert row["body"] == story["first"]["articles"][b]["body"]
    (change,) = [c for c in story["after_revisit"]["changes"] if c["article_id"] == b]
    assert (change["kind"], change["reason"], change["http_status"]) == ("removed", "HTTP 404", 404)


def test_a_withdrawal_by_redirect_to_the_channel_page(story):
    c = story["ids"]["C"]
    assert story["after_revisit"]["articles"][c]["removed_at"] is not None
    (change,) = [x for x in story["after_revisit"]["changes"] if x["article_id"] == c]
    assert change["kind"] == "removed"
    assert change["reason"] == "redirect to https://www.sc.chinanews.com.cn/whty/index.shtml"
    assert change["http_status"] == 302


def test_a_page_that_is_no_longer_an_article_is_a_withdrawal(story):
    i = story["ids"]["I"]
    assert story["after_revisit"]["articles"][i]["removed_at"] is not None
    (change,) = [x for x in story["after_revisit"]["changes"] if x["article_id"] == i]
    assert change["kind"] == "removed" and change["http_status"] == 200
    assert change["reason"].startswith("no longer an article: ")


def test_an_unchanged_revisit_writes_only_the_check_time(story):
    d = story["ids"]["D"]
    before, after = story["first"]["articles"][d], story["after_revisit"]["articles"][d]
    assert after["last_seen"] > before["last_seen"]
    assert {k: v for k, v in after.items() if k not in ("last_seen", "fetched_at")} == {
        k: v for k, v in before.items() if k not in ("last_seen", "fetched_at")
    }
    assert [v for v in story["after_revisit"]["versions"] if v["article_id"] == d] == []
    assert [c for c in story["after_revisit"]["changes"] if c["article_id"] == d] == []


def test_a_failed_fetch_is_no_withdrawal(story):
    snapshot = story["after_revisit"]
    for name, reason in (("E", "HTTP 500"), ("F", "timeout after 1 s"), ("H", "page 2: HTTP 500")):
        article_id = story["ids"][name]
        assert snapshot["articles"][article_id]["removed_at"] is None, name
        assert snapshot["articles"][article_id] == story["first"]["articles"][article_id], name
        assert [c for c in snapshot["changes"] if c["article_id"] == article_id] == [], name
        (failure,) = [f for f in snapshot["failures"] if f["url"].endswith(story["paths"][name])]
        assert (failure["stage"], failure["reason"], failure["resolved_at"]) == ("revisit", reason, None)
    # ... and the next revisit that reaches the page resolves the failure
    assert all(f["resolved_at"] for f in story["after_restore"]["failures"] if f["stage"] == "revisit")


def test_a_reappearance_is_noted(story):
    b = story["ids"]["B"]
    row = story["after_restore"]["articles"][b]
    assert row["removed_at"] is None
    kinds = [c["kind"] for c in story["after_restore"]["changes"] if c["article_id"] == b]
    assert kinds == ["removed", "restored"]  # the same content: no edit
    # C is still redirected: still removed, no second "removed"
    c = story["ids"]["C"]
    assert [x["kind"] for x in story["after_restore"]["changes"] if x["article_id"] == c] == ["removed"]
    assert (
        story["after_restore"]["articles"][c]["checked_at"]
        >= story["after_revisit"]["articles"][c]["checked_at"]
    )


def test_revisit_usage_errors_are_one_line(tmp_path):
    result = subprocess.run(
        [*REVISIT, "--db", str(tmp_path / "x.db"), "-s", "SCNEWS_REVISIT_MAX_AGE=soon"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: SCNEWS_REVISIT_MAX_AGE: 'soon' is not a duration such as 6h, 3d or 1w"
    ]
