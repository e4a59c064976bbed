"""The replica's PUT and DELETE of an article over real HTTP: edit, withdraw (404), redirect, restore."""

import http.client
import json

import pytest

from crawler.parsers import parse_article
from crawler.replica import ReplicaServer, ReplicaSite


@pytest.fixture
def server():
    with ReplicaServer(ReplicaSite(faults=False, synthetic_per_channel=1)) as running:
        yield running


def call(server, method, path, data=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    body = json.dumps(data, ensure_ascii=False).encode() if data is not None else None
    conn.request(method, path, body=body)
    response = conn.getresponse()
    result = (response.status, response.getheader("Location"), response.read())
    conn.close()
    return result


def test_put_edits_the_article_in_place(server):
    path = server.site.add_article("cjbd", date="2030-01-01", article_id=310001, title="原标题")
    status, _, body = call(
        server,
        "PUT",
        "/_replica/articles/310001",
        {"title": "新标题", "body": "第一段改写后的内容。\n第二段。", "editor": "王磊", "source": "四川日报"},
    )
    assert (status, json.loads(body)) == (200, {"path": path, "status": "edited"})
    status, _, page = call(server, "GET", path)
    article = parse_article(page, f"https://www.sc.chinanews.com.cn{path}")
    assert (status, article.title, article.body) == (200, "新标题", "第一段改写后的内容。\n第二段。")
    assert (article.editor, article.source) == ("王磊", "四川日报")
    assert "新标题" in call(server, "GET", "/cjbd/index.shtml")[2].decode()


def test_delete_withdraws_and_put_restores(server):
    path = server.site.add_article("cjbd", date="2030-01-01", article_id=310002, title="将被删除的稿件")
    assert call(server, "DELETE", "/_replica/articles/310002")[0] == 200
    assert call(server, "GET", path)[0] == 404
    assert "将被删除的稿件" not in call(server, "GET", "/cjbd/index.shtml")[2].decode()
    assert call(server, "DELETE", "/_replica/articles/310002")[0] == 404  # already withdrawn
    status, _, body = call(server, "PUT", "/_replica/articles/310002", {})
    assert (status, json.loads(body)["status"]) == (200, "restored")
    assert call(server, "GET", path)[0] == 200


def test_redirect_and_errors(server):
    path = server.site.add_article("cjbd", date="2030-01-01", article_id=310003)
    call(server, "PUT", "/_replica/articles/310003", {"redirect_to": "/cjbd/index.shtml"})
    assert call(server, "GET", path)[:2] == (302, "/cjbd/index.shtml")
    assert call(server, "PUT", "/_replica/articles/999999", {"title": "x"})[0] == 404
    assert call(server, "PUT", "/_replica/articles/310003", {"colour": "red"})[0] == 400
    assert call(server, "PUT", "/_replica/articles/310003", ["not", "an", "object"])[0] == 400
    assert call(server, "DELETE", "/_replica/articles/abc")[0] == 404
