"""A small hand-written corpus: each article is there to test one thing (see ``why``)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ARTICLES: list[dict[str, Any]] = [
    {
        "article_id": "1001",
        "why": "大运会 in title and body; 成都 many times",
        "channel": "whty",
        "channel_name": "文化体育",
        "title": "成都大运会开幕 世界青年相聚蓉城",
        "published_at": "2023-07-28T20:00:00+08:00",
        "source": "中国新闻网",
        "editor": "张晓",
        "authors": ["王逸飞", "杨勇"],
        "body": "中新网成都7月28日电 (记者 王逸飞 杨勇)第31届世界大学生夏季运动会28日晚在成都开幕。\n"
        "大运会期间，成都将迎接来自113个国家和地区的运动员。(完)",
    },
    {
        "article_id": "1002",
        "why": "成 and 都 only apart: 完成。都江堰 must not match 成都",
        "channel": "scxw",
        "channel_name": "四川新闻",
        "title": "都江堰灌区春灌工作全面完成",
        "published_at": "2024-01-05T09:30:00+08:00",
        "source": "四川日报",
        "editor": "李明",
        "authors": [],
        "body": "记者从四川省水利厅获悉，今年春灌任务已经全面完成。都江堰灌区灌溉面积超过1000万亩。",
    },
    {
        "article_id": "1003",
        "why": "Latin and digits: AIGC, 5G网络; 人工智能 in body only",
        "channel": "cjbd",
        "channel_name": "财经报道",
        "title": "四川如何因地制宜发展AIGC产业？",
        "published_at": "2024-04-11T10:57:00+08:00",
        "source": "四川日报",
        "editor": "王蕾",
        "authors": ["黄爱林"],
        "body": "生成式人工智能（AIGC）正在改变内容生产。四川已建成5G基站超过20万个，5G网络覆盖全部县城。",
    },
    {
        "article_id": "1004",
        "why": "traps across punctuation: 大运。运会, 人工、智能; 成 alone",
        "channel": "shms",
        "channel_name": "社会民生",
        "title": "社区活动丰富多彩",
        "published_at": "2024-03-02T08:00:00+08:00",
        "source": "华西都市报",
        "editor": "张晓",
        "authors": ["李华"],
        "body": "居民说今年大运。运会场馆开放后很热闹；人工、智能设备进社区，志愿服务成效明显。",
    },
    {
        "article_id": "1005",
        "why": "Latin not as a whole word: 15G, aigc2 must not match 5G / AIGC",
        "channel": "kjws",
        "channel_name": "科教卫生",
        "title": "实验室发布15G光模块",
        "published_at": "2024-05-20T16:43:00+08:00",
        "source": "中新网四川",
        "editor": None,
        "authors": [],
        "body": "该光模块型号为aigc2，带宽15G，研发团队来自成都。",
    },
    {
        "article_id": "1006",
        "why": "a near-duplicate of 1001 (duplicate_of), later; also has 熊猫",
        "channel": "scxw",
        "channel_name": "四川新闻",
        "title": "成都大运会开幕",
        "published_at": "2023-07-29T08:00:00+08:00",
        "source": "成都日报",
        "editor": "李明",
        "authors": ["杨勇"],
        "body": "第31届世界大学生夏季运动会在成都开幕，大运会吉祥物蓉宝是一只熊猫。",
        "duplicate_of": "1001",
        "similarity": 0.91,
    },
    {
        "article_id": "1007",
        "why": "FTS syntax as text: NEAR, quotes, star",
        "channel": "glgj",
        "channel_name": "国内国际",
        "title": "“NEAR”与*号：标点测试",
        "published_at": "2022-12-31T23:59:00+08:00",
        "source": "中国新闻网",
        "editor": "王蕾",
        "authors": [],
        "body": '文中出现 NEAR 一词和 "引号"，以及 OR 1=1 这样的字样。',
    },
    {
        "article_id": "1008",
        "why": "人工智能 in the title (ranks above 1003, where it is in the body only)",
        "channel": "cjbd",
        "channel_name": "财经报道",
        "title": "人工智能产业大会在成都举行",
        "published_at": "2024-06-01T10:00:00+08:00",
        "source": "中国新闻网",
        "editor": "李明",
        "authors": ["王逸飞"],
        "body": "大会发布了一批应用场景。",
    },
]


def row(article: dict[str, Any]) -> dict[str, Any]:
    """The article as the pipelines store it: JSON-encoded lists, ISO dates, a canonical URL."""
    out = {k: v for k, v in article.items() if k != "why"}
    out["url"] = (
        f"https://www.sc.chinanews.com.cn/{article['channel']}/{article['published_at'][:10]}/"
        f"{article['article_id']}.html"
    )
    for key in ("authors", "images", "warnings"):
        out[key] = json.dumps(article.get(key, []), ensure_ascii=False)
    out["field_layers"] = json.dumps({}, ensure_ascii=False)
    out["template"] = article.get("template", "sc-2024")
    out["mirror"] = 0
    out.setdefault("duplicate_of", None)
    out["disclaimer"] = None
    out["fetched_at"] = article["published_at"]
    out["first_seen"] = article["published_at"]
    return out


def write_corpus(path) -> None:
    """A real SQLite file holding the corpus, written with sqlite-utils as the store pipeline does."""
    from crawler.database import open_database

    db = open_database(path)
    with db.atomic():
        db.table("articles").upsert_all([row(a) for a in ARTICLES], pk="article_id", alter=True)
    db.conn.close()


def insert_sqlite3(path, article: dict[str, Any]) -> None:
    """Write one article with plain sqlite3, as another tool would (no scnews code involved)."""
    data = row(article)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            f"INSERT INTO articles ({', '.join(data)}) VALUES ({', '.join('?' * len(data))})",
            list(data.values()),
        )
    conn.close()


SCNEWS = str(Path(sys.executable).parent / "scnews")


def scnews(db, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    """Run ``scnews ARGS --db DB``; with ``ok``, assert it exited 0."""
    result = subprocess.run([SCNEWS, *args, "--db", str(db)], capture_output=True, text=True, timeout=60)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def new_article(
    db, article_id: str, title: str, body: str, published_at="2024-07-01T09:00:00+08:00", **extra
):
    """Store one more article (a copy of the corpus's second with these fields) as another tool would."""
    insert_sqlite3(
        db,
        {
            **ARTICLES[1],
            "article_id": article_id,
            "title": title,
            "body": body,
            "published_at": published_at,
            **extra,
        },
    )
