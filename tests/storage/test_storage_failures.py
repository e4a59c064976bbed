import pytest

from crawler import storage
from crawler.database import open_database


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "f.db")
    yield database
    database.close()


def rows(db):
    return list(db.query("SELECT url, stage, reason, http_status, attempts, resolved_at FROM failures"))


def test_a_repeated_failure_is_one_row_with_more_attempts(db):
    url = "http://www.sc.chinanews.com/cjbd/2024-04-11/207510.html"
    storage.record_failure(db, url, "fetch", "timeout")
    storage.record_failure(db, url, "fetch", "HTTP 503", http_status=503)
    storage.record_failure(db, url, "parse", "NotAnArticle: empty document")
    assert rows(db) == [
        {"url": url, "stage": "fetch", "reason": "HTTP 503", "http_status": 503, "attempts": 2,
         "resolved_at": None},
        {"url": url, "stage": "parse", "reason": "NotAnArticle: empty document", "http_status": None,
         "attempts": 1, "resolved_at": None},
    ]  # fmt: skip


def test_retry_list_holds_unresolved_fetch_and_parse_failures_only(db):
    storage.record_failure(db, "https://a.example/1", "fetch", "timeout")
    storage.record_failure(db, "https://a.example/2", "parse", "no body")
    storage.record_failure(db, "https://a.example/3", "validate", "no title")
    assert storage.failed_urls_to_retry(db) == ["https://a.example/1", "https://a.example/2"]
    assert storage.failed_urls_to_retry(db, limit=1) == ["https://a.example/1"]


def test_a_success_under_another_url_variant_clears_the_failure(db):
    storage.record_failure(db, "http://sc.chinanews.com/cjbd/2024-04-11/207510.html?p=1", "fetch", "timeout")
    assert storage.clear_failures(db, "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html") == 1
    assert storage.failed_urls_to_retry(db) == []
    assert rows(db)[0]["resolved_at"] is not None
    storage.record_failure(db, "http://sc.chinanews.com/cjbd/2024-04-11/207510.html?p=1", "fetch", "timeout")
    assert rows(db)[0]["resolved_at"] is None and rows(db)[0]["attempts"] == 2


def test_an_unknown_stage_is_refused(db):
    with pytest.raises(ValueError, match="unknown failure stage 'download'"):
        storage.record_failure(db, "https://a.example/1", "download", "x")


def test_known_article_ids(db):
    db["articles"].insert_all([{"article_id": str(i), "url": f"u{i}"} for i in range(1000, 1600)])
    assert storage.known_article_ids(db, [str(i) for i in range(1590, 1610)]) == {
        str(i) for i in range(1590, 1600)
    }
