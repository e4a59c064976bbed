"""A reader in another process queries while a crawl writes batches: it never sees "database is locked"."""

import subprocess
import sys
import textwrap
import time

from crawler.database import open_database
from crawler.record import Article
from crawler.storage import ArticleWriter, PendingArticle, article_row

READER = textwrap.dedent(
    """
    import sys, time
    from crawler.database import open_database
    db = open_database(sys.argv[1], create=False)
    queries = 0
    deadline = time.monotonic() + 20
    print("ready", flush=True)
    while time.monotonic() < deadline:
        n = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        db.execute("SELECT article_id, title FROM articles ORDER BY published_at DESC LIMIT 20").fetchall()
        queries += 1
        if n >= int(sys.argv[2]):
            break
    print(queries, n, flush=True)
    """
)


def test_reader_process_during_writes(tmp_path):
    path = tmp_path / "busy.db"
    db = open_database(path)
    total = 3000
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(total)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "ready"
    writer = ArticleWriter(db, batch_size=100)
    for i in range(total):
        article = Article(
            url=f"https://www.sc.chinanews.com.cn/cjbd/2024-04-11/{400000 + i}.html",
            article_id=str(400000 + i),
            channel="cjbd",
            channel_name="财经报道",
            title=f"第{i}条",
            published_at="2024-04-11T10:57:00+08:00",
            body="四川新闻正文" * 40,
        )
        if writer.add(PendingArticle(article_row(article))):
            writer.flush()
            time.sleep(0.002)
    writer.flush()
    out, err = reader.communicate(timeout=60)
    db.close()
    assert reader.returncode == 0, err
    assert "locked" not in err
    queries, seen = map(int, out.split())
    assert queries > 10 and seen == total
