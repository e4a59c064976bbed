"""Which articles are due for a revisit: the back-off schedule and the age limit (a real SQLite file)."""

from datetime import datetime, timedelta

import pytest

from crawler.crawl_args import CrawlArgumentError
from crawler.database import open_database
from crawler.revisit import RevisitPolicy, revisit_candidates
from crawler.timewindow import CHINA

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=CHINA)
H, D = timedelta(hours=1), timedelta(days=1)
POLICY = RevisitPolicy.from_settings({}.get)  # the defaults: 1h,6h,1d,3d,7d within 7 days


def test_the_default_policy():
    assert POLICY.schedule == (H, 6 * H, D, 3 * D, 7 * D)
    assert (POLICY.max_age, POLICY.limit) == (7 * D, 500)


@pytest.mark.parametrize(
    ("age", "last_fetch_age", "point"),
    [
        (30 * timedelta(minutes=1), 0 * H, None),  # younger than the first check
        (2 * H, 0 * H, H),  # fetched at publication: the 1 h check is due
        (2 * H, 1.5 * H, None),  # fetched after its 1 h mark: done until 6 h
        (7 * H, 1.5 * H, 6 * H),
        (30 * H, 7 * H, D),
        (30 * H, 0 * H, D),  # a late run does one check (the latest mark), not three
        (80 * H, 30 * H, 3 * D),
        (7 * D + 5 * H, 4 * D, 7 * D),  # the last check, on the first run after the age limit
        (7 * D + 5 * H, 7 * D + H, None),  # ... once
        (8 * D + H, 4 * D, None),  # past the limit and its day of grace: never again
    ],
)
def test_due_points(age, last_fetch_age, point):
    published = NOW - age
    assert POLICY.due_point(published, published + last_fetch_age, NOW) == point


def test_with_hourly_runs_an_article_gets_exactly_five_revisits():
    published = NOW
    last_fetch = published + timedelta(minutes=10)  # stored by the run after publication
    revisits = []
    for hour in range(1, 24 * 10):
        now = published + timedelta(minutes=10) + hour * H
        if POLICY.is_due(published, last_fetch, now):
            revisits.append(round((now - published) / H, 1))
            last_fetch = now
    assert revisits == [1.2, 6.2, 24.2, 72.2, 168.2]


def test_settings_shape_the_policy():
    settings = {
        "SCNEWS_REVISIT_SCHEDULE": "30m, 2h, 2d",
        "SCNEWS_REVISIT_MAX_AGE": "1d",
        "SCNEWS_REVISIT_LIMIT": "3",
    }
    policy = RevisitPolicy.from_settings(settings.get)
    assert policy.schedule == (timedelta(minutes=30), 2 * H)  # 2d is past the age limit
    assert (policy.max_age, policy.limit) == (D, 3)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "SCNEWS_REVISIT_MAX_AGE",
            "soon",
            "SCNEWS_REVISIT_MAX_AGE: 'soon' is not a duration such as 6h, 3d or 1w",
        ),
        (
            "SCNEWS_REVISIT_SCHEDULE",
            "1h,0d",
            "SCNEWS_REVISIT_SCHEDULE: '0d' is not a duration such as 6h, 3d or 1w",
        ),
        ("SCNEWS_REVISIT_LIMIT", "many", "SCNEWS_REVISIT_LIMIT: 'many' is not a number"),
        ("SCNEWS_REVISIT_LIMIT", "-1", "SCNEWS_REVISIT_LIMIT must be 0 (no revisits) or more"),
    ],
)
def test_bad_settings_are_one_clear_line(name, value, message):
    with pytest.raises(CrawlArgumentError) as exc:
        RevisitPolicy.from_settings({name: value}.get)
    assert str(exc.value) == message


@pytest.fixture
def db(tmp_path):
    db = open_database(tmp_path / "scnews.db")
    yield db
    db.close()


def _store(db, article_id: str, age: timedelta, last_fetch_age: timedelta | None, checked_age=None) -> None:
    published = NOW - age
    db.execute(
        "INSERT INTO articles (article_id, url, title, published_at, first_seen, last_seen, checked_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            article_id,
            f"https://www.sc.chinanews.com.cn/cjbd/{published.date()}/{article_id}.html",
            f"稿件{article_id}",
            published.isoformat(),
            (published + last_fetch_age).astimezone().isoformat() if last_fetch_age is not None else None,
            (published + last_fetch_age).isoformat() if last_fetch_age is not None else None,
            (published + checked_age).isoformat() if checked_age is not None else None,
        ],
    )


def test_candidates_in_the_database_stop_at_the_age_limit(db):
    _store(db, "1", 2 * H, 0 * H)  # due (1 h)
    _store(db, "2", 2 * H, 1.5 * H)  # checked after its 1 h mark
    _store(db, "3", 5 * D, 2 * D)  # due (3 d), overdue since two days: first
    _store(db, "4", 7 * D + 2 * H, 4 * D)  # its last check (7 d), the first run after the limit
    _store(db, "5", 9 * D, 0 * H)  # too old: never
    _store(db, "6", 30 * H, 0 * H, checked_age=29 * H)  # withdrawn, checked after its 1 d mark
    _store(db, "7", -H, None)  # published in the future (a wrong date): not yet
    urls = revisit_candidates(db, POLICY, NOW)
    assert [u.rsplit("/", 1)[1] for u in urls] == ["3.html", "4.html", "1.html"]


def test_all_takes_every_article_younger_than_the_age_and_limit_caps(db):
    for n, age in enumerate((2 * H, 3 * D, 6 * D + 23 * H, 7 * D + H, 20 * D), start=1):
        _store(db, str(n), age, 0 * H)
    every = revisit_candidates(db, POLICY, NOW, every=True)
    assert [u.rsplit("/", 1)[1] for u in every] == ["3.html", "2.html", "1.html"]
    capped = RevisitPolicy(POLICY.schedule, POLICY.max_age, limit=2)
    assert len(revisit_candidates(db, capped, NOW, every=True)) == 2
    assert revisit_candidates(db, RevisitPolicy(POLICY.schedule, POLICY.max_age, limit=0), NOW) == []
