"""Incremental crawls of the replica over real HTTP: first run, a second run, an article added in between."""

from e2e_helpers import crawl, last_run, rows

from crawler.urls import parse_article_url


def _article_requests(log) -> list[str]:
    return [r.path for r in log if parse_article_url(r.path)]


def test_first_run_stores_all_second_fetches_none_then_an_added_article(tmp_path, replica_factory):
    server = replica_factory(faults=False)
    site = server.site
    db = tmp_path / "news.db"

    first = crawl(db, server.url)
    assert first.returncode == 0, first.stderr
    served = {parse_article_url(p).article_id for p in site.article_paths()}
    stored = {row[0] for row in rows(db, "SELECT article_id FROM articles")}
    assert stored == served
    assert rows(db, "SELECT url FROM articles WHERE url NOT LIKE 'https://www.sc.chinanews.com.cn/%'") == []
    assert rows(db, "SELECT url, stage, reason FROM failures") == []
    assert last_run(db)[0] == "ok"
    assert "scnews crawl: ok" in first.stdout
    # The run leaves the search index up to date: nothing queued, every stored article indexed.
    assert rows(db, "SELECT count(*) FROM search_dirty") == [(0,)]
    assert rows(db, "SELECT count(*) FROM search_docs") == [(len(stored),)]
    assert last_run(db)[1]["indexed"] == len(stored)

    before = len(site.requests())
    second = crawl(db, server.url)
    assert second.returncode == 0, second.stderr
    assert _article_requests(site.requests()[before:]) == []
    assert last_run(db)[1]["articles"] == 0

    path = site.add_article("cjbd", title="新增稿件：四川新建高速公路通车")
    before = len(site.requests())
    third = crawl(db, server.url)
    assert third.returncode == 0, third.stderr
    assert _article_requests(site.requests()[before:]) == [path]
    article_id = parse_article_url(path).article_id
    assert rows(db, "SELECT title, url FROM articles WHERE article_id = ?", (article_id,)) == [
        ("新增稿件：四川新建高速公路通车", f"https://www.sc.chinanews.com.cn{path}")
    ]


def test_multi_page_article_is_one_record(tmp_path, replica_factory):
    server = replica_factory(faults=False)
    db = tmp_path / "news.db"
    result = crawl(db, server.url, "--channels", "scxw")
    assert result.returncode == 0, result.stderr
    # The 05-cns-main fixture links a _2 page; the replica serves a continuation page for it.
    (body,) = rows(db, "SELECT body FROM articles WHERE article_id = '252318'")[0]
    first_page = "全省未发生较大旅游安全事故。(完)"
    assert first_page in body
    assert body.index(first_page) < len(body) - len(first_page)  # the second page's text follows
    assert "/scxw/2026-10-06/252318_2.shtml" in [r.path for r in server.site.requests()]
    assert rows(db, "SELECT COUNT(*) FROM articles WHERE url LIKE '%252318_2%'") == [(0,)]


def test_max_pages_and_refresh(tmp_path, replica_factory):
    server = replica_factory(faults=False)
    site = server.site
    db = tmp_path / "news.db"
    cjbd = site.channel_entries("cjbd")
    assert len(cjbd) > site.page_size  # the channel's list has more than one page

    first = crawl(db, server.url, "--channels", "cjbd", "--max-pages", "1")
    assert first.returncode == 0, first.stderr
    lists = [r.path for r in site.requests() if "/index" in r.path]
    assert lists == ["/cjbd/index.shtml"]
    stored = {row[0] for row in rows(db, "SELECT article_id FROM articles")}
    assert stored == {str(e.article_id) for e in cjbd[: site.page_size]}

    before = len(site.requests())
    again = crawl(
        db, server.url, "--channels", "cjbd", "--max-pages", "1", "--since", "2000-01-01", "--refresh"
    )
    assert again.returncode == 0, again.stderr
    refetched = {parse_article_url(p).article_id for p in _article_requests(site.requests()[before:])}
    assert refetched == stored
    assert last_run(db)[1]["new"] == 0
