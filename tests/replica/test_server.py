"""The replica over real HTTP: pages as saved, list pages with a pager, faults, redirects, additions."""

import http.client
import json
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import crawler.replica
from crawler.parsers.listing import parse_listing
from crawler.replica import ReplicaServer, ReplicaSite

SITE_DIR = Path(crawler.replica.__file__).parent / "site" / "articles"


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(faults=True, slow_seconds=0.5)) as running:
        yield running


def get(server, path, host=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", path, headers={"Host": host} if host else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def test_old_layout_list_is_gb2312_declared_in_meta_only(server):
    status, headers, body = get(server, "/bwbd/index.shtml")
    assert (status, headers["Content-Type"]) == (200, "text/html")
    assert b"charset=gb2312" in body and b'<ul class="paging">' in body
    assert "本网报道".encode("gb18030") in body


def test_gbk_fixture_served_byte_for_byte(server):
    meta = json.loads((SITE_DIR / "02-sc2019-gbk" / "meta.json").read_text("utf-8"))
    status, headers, body = get(server, "/lyxw/2019-08-12/121876.shtml")
    assert status == 200
    assert body == (SITE_DIR / "02-sc2019-gbk" / "page.html").read_bytes()
    assert headers["Content-Type"] == meta["headers"]["Content-Type"]


def test_com_host_is_redirected_to_the_replica(server):
    status, headers, _ = get(server, "/lyxw/2019-08-12/121876.shtml", host="www.sc.chinanews.com")
    assert status == 301
    assert headers["Location"] == f"{server.url}/lyxw/2019-08-12/121876.shtml"


@pytest.mark.parametrize("channel", ["cjbd", "bwbd"])  # 2024 list layout; 2019 layout (GB2312, numbers)
def test_channel_pages_chain_through_the_pager_and_list_every_article(server, channel):
    url, seen, pages = f"{server.url}/{channel}/index.shtml", [], 0
    while url:
        _, _, body = get(server, url.removeprefix(server.url))
        listing = parse_listing(body, url)
        seen += [urlsplit(item.url).path for item in listing.items]  # a .com host form keeps its host
        url, pages = listing.next_url, pages + 1
    expected = [e.path for e in server.site.channel_entries(channel)]
    assert pages >= 3 and seen == expected


def test_faults(server):
    assert get(server, "/shms/2024-04-10/299404.html")[0] == 404
    assert [get(server, "/shms/2024-04-10/299500.html")[0] for _ in range(2)] == [500, 200]
    status, headers, _ = get(server, "/shms/2024-04-10/299429.html")
    assert (status, headers["Retry-After"]) == (429, "1")
    assert get(server, "/shms/2024-04-10/299429.html")[0] == 200
    assert b"Disallow: /private/" in get(server, "/robots.txt")[2]
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=0.2)
    try:
        with pytest.raises(TimeoutError):
            conn.request("GET", "/shms/2024-04-10/299408.html")
            conn.getresponse()
    finally:
        conn.close()


def test_article_added_over_http_is_listed_first(server):
    request = urllib.request.Request(
        f"{server.url}/_replica/articles",
        data=json.dumps({"channel": "bwbd", "title": "运行时新增的稿件", "date": "2030-01-02"}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        path = json.loads(response.read())["path"]
    assert path.startswith("/bwbd/2030-01-02/")
    listing = parse_listing(get(server, "/bwbd/index.shtml")[2], f"{server.url}/bwbd/index.shtml")
    assert (listing.items[0].url, listing.items[0].title) == (f"{server.url}{path}", "运行时新增的稿件")
    assert get(server, path)[0] == 200
    log = json.loads(get(server, "/_replica/requests")[2])
    assert ("/bwbd/index.shtml", 200) in [(r["path"], r["status"]) for r in log]


def test_bad_post_is_a_400(server):
    request = urllib.request.Request(f"{server.url}/_replica/articles", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 400
    info.value.close()


def test_without_faults_only_good_pages():
    site = ReplicaSite(faults=False)
    assert site.answer("/shms/2024-04-10/299500.html")[0] == 404
    assert all(site.answer(path)[0] == 200 for path in site.article_paths())


@pytest.mark.parametrize("length, status", [("abc", 400), ("-1", 400), ("1e3", 400), (str(2 << 20), 413)])
def test_a_post_with_a_bad_content_length_is_answered_not_left_hanging(server, length, status):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"POST /_replica/articles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: " + length.encode() + b"\r\n\r\n{}"
        )
        answer = b""
        while chunk := sock.recv(4096):  # the server answers and closes; a hang is a socket timeout here
            answer += chunk
    assert answer.startswith(f"HTTP/1.1 {status} ".encode()), answer[:80]


def test_pages_of_other_chinanews_sites_are_never_served_as_sichuan_articles():
    real_pages = Path(__file__).resolve().parents[2] / "fixtures" / "real-pages"
    site = ReplicaSite(faults=True, synthetic_per_channel=0, fixtures_dir=real_pages)
    ids = {json.loads(meta.read_text("utf-8"))["url"].rsplit("/", 1)[1].split(".")[0]
           for meta in real_pages.glob("*/meta.json")}  # fmt: skip
    assert len(ids) >= 9
    assert not [e.path for e in site.entries.values() if str(e.article_id) in ids]
    assert not [path for path in site.pages if path.rsplit("/", 1)[-1].split(".")[0] in ids]
