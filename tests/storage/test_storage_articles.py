import json
from pathlib import Path

from crawler.database import open_database
from crawler.record import Article
from crawler.storage import ArticleWriter, PendingArticle, article_row, get_article, row_to_article

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "articles"


def test_a_stored_article_reads_back_as_the_same_record(tmp_path):
    data = json.loads((FIXTURES / "08-images-captions" / "expected.json").read_text(encoding="utf-8"))
    article = Article.from_dict(data)
    assert article.images  # the case has images with captions
    db = open_database(tmp_path / "a.db")
    writer = ArticleWriter(db)
    writer.add(PendingArticle(article_row(article)))
    assert writer.flush() == {"new": 1}

    row = get_article(db, article.article_id)
    assert row is not None and row["first_seen"] == row["last_seen"]
    assert row_to_article(row) == article
    assert json.loads(row["images"]) == [{"url": i.url, "caption": i.caption} for i in article.images]
    assert get_article(db, "1") is None
    db.close()
