"""The dashboard's numbers, from a real SQLite file through a read-only connection (no browser needed)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import ARTICLES, insert_sqlite3, write_corpus  # noqa: E402

from crawler.database import open_database  # noqa: E402
from crawler.datasette.dashboard.data import OTHERS, BadParameter, dashboard_data, parse_params  # noqa: E402
from crawler.search.index import index_pending  # noqa: E402

CODES = ["scxw", "glgj", "bwbd", "tpxw", "szjj", "spxw", "szbd", "zxjzzsc", "gatq", "gsbd"]


def read_only(path: Path) -> sqlite3.Connection:
    db = open_database(path, create=False)
    index_pending(db)  # as scnews serve does before it serves
    db.conn.close()
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def test_an_empty_database_has_no_charts(tmp_path):
    path = tmp_path / "empty.db"
    open_database(path).conn.close()
    data = dashboard_data(read_only(path), term="成都")
    assert data["total"] == 0 and data["labels"] == [] and data["channels"] == [] and data["trend"] is None


def test_more_than_eight_channels_sum_the_rest_as_others(tmp_path):
    path = tmp_path / "scnews.db"
    write_corpus(path)
    # ten channels, channel i with i + 1 articles on 2024-06-01 (China time), one without a source
    for i, code in enumerate(CODES):
        for j in range(i + 1):
            insert_sqlite3(
                path,
                {
                    **ARTICLES[0],
                    "article_id": f"5{i:02d}{j:02d}",
                    "channel": code,
                    "published_at": "2024-06-01T23:30:00+08:00",
                    "source": None if (i, j) == (0, 0) else "四川日报",
                },
            )
    data = dashboard_data(read_only(path), days=1)
    assert (data["first"], data["last"]) == ("2024-06-01", "2024-06-01")
    # 55 added, plus 1008 (cjbd, 2024-06-01 10:00)
    assert data["total"] == 56
    names = [c["name"] for c in data["channels"]]
    assert len(names) == 9 and names[-1] == OTHERS
    assert names[0] == "公司报道"  # gsbd: 10 articles
    # the eight largest are gsbd 10 .. szbd 7 + ... ; left: scxw 1, cjbd 1 and glgj 2 -> others 4
    assert data["channels"][-1]["counts"] == [4]
    assert {"source": "(none)", "count": 1} in data["sources"]
    assert data["sources"][0] == {"source": "四川日报", "count": 54}


@pytest.mark.parametrize(
    "args, message",
    [({"days": "0"}, "days must be"), ({"days": "x"}, "days must be"), ({"by": "year"}, "unknown period")],
)
def test_bad_parameters(args, message):
    with pytest.raises(BadParameter, match=message):
        parse_params(args)


def test_default_parameters():
    assert parse_params({}) == {"days": 90, "by": "week", "term": ""}
