from pipeline_helpers import article, text


def test_a_changed_article_keeps_its_old_content_as_a_version(crawl, query):
    body = text("aigc_original")
    crawl([article("207510", body, title="四川如何因地制宜发展AIGC产业？")])
    first = query("SELECT content_hash, last_seen, first_seen FROM articles")[0]

    corrected = body.replace("2.7万余名", "2.8万余名")
    run = crawl([article("207510", corrected, title="四川如何因地制宜发展AIGC产业", editor="王磊")])

    assert run.stat("changed") == 1
    stored = query("SELECT title, body, editor, first_seen FROM articles")
    assert stored == [
        {
            "title": "四川如何因地制宜发展AIGC产业",
            "body": corrected,
            "editor": "王磊",
            "first_seen": first["first_seen"],
        }
    ]
    versions = query(
        "SELECT article_id, seen_at, title, body, source, editor, content_hash FROM article_versions"
    )
    assert versions == [
        {
            "article_id": "207510",
            "seen_at": first["last_seen"],
            "title": "四川如何因地制宜发展AIGC产业？",
            "body": body,
            "source": "四川日报",
            "editor": "曹惠君",
            "content_hash": first["content_hash"],
        }
    ]


def test_each_change_adds_one_version(crawl, query):
    crawl([article("207510", "第一稿" * 20)])
    crawl([article("207510", "第二稿" * 20)])
    crawl([article("207510", "第二稿" * 20)])  # unchanged
    crawl([article("207510", "第三稿" * 20)])
    assert query("SELECT substr(body, 1, 3) AS b FROM article_versions ORDER BY id") == [
        {"b": "第一稿"},
        {"b": "第二稿"},
    ]
    assert query("SELECT substr(body, 1, 3) AS b FROM articles") == [{"b": "第三稿"}]
