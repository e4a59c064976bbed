"""Revisits: which stored articles to fetch again, and what a revisit's answer means.

News is edited and withdrawn after publication, mostly in its first hours. A stored article younger than
``SCNEWS_REVISIT_MAX_AGE`` (7 days by publication time) is checked again when it passes each age of
``SCNEWS_REVISIT_SCHEDULE`` (1 h, 6 h, 1 day, 3 days, 7 days): it is due when the latest of those ages it has
reached is later than its last fetch (``last_seen``, or ``checked_at`` for a revisit that found it
withdrawn). A run that comes late does one check, not one per missed age, so with hourly crawls an article
costs at most five revisits. The last check (at the age limit) is made by the first run after the limit,
up to ``GRACE`` later; older articles are never revisited. ``SCNEWS_REVISIT_LIMIT`` caps the revisits of one
run (the most overdue first), so revisits stay within the crawl's politeness budget.

What an answer means (``classify_status``, ``not_an_article``): 404 or 410, a redirect to a page that is not
this article (a channel or the home page), or a 200 page the parser refuses as another page (an error page, a
list; no longer an article) is a withdrawal. A timeout, a 5xx, an empty or cut-off answer or any other failure
only failed: it goes to ``failures`` (stage ``revisit``) and the article stays as it was.
No Scrapy here: the spider (``crawler/spiders/sc_chinanews.py``) asks this module and records the outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crawler.crawl_args import CrawlArgumentError
from crawler.timewindow import CHINA
from crawler.urls import parse_article_url

DEFAULT_SCHEDULE = "1h,6h,1d,3d,7d"
DEFAULT_MAX_AGE = "7d"
DEFAULT_LIMIT = 500
GRACE = timedelta(days=1)
WITHDRAWN_STATUSES = (404, 410)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")


def parse_duration(text: str, name: str) -> timedelta:
    """``30m``, ``6h``, ``3d``, ``1w`` -> a timedelta; anything else is a ``CrawlArgumentError``."""
    match = _DURATION.match(str(text))
    if not match or int(match.group(1)) == 0:
        raise CrawlArgumentError(f"{name}: {text!r} is not a duration such as 6h, 3d or 1w")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


@dataclass(frozen=True)
class RevisitPolicy:
    schedule: tuple[timedelta, ...]
    max_age: timedelta
    limit: int = DEFAULT_LIMIT

    @classmethod
    def from_settings(cls, get: Any) -> RevisitPolicy:
        """From a settings getter (``settings.get``): SCNEWS_REVISIT_SCHEDULE, _MAX_AGE and _LIMIT."""
        schedule_text = str(get("SCNEWS_REVISIT_SCHEDULE") or DEFAULT_SCHEDULE)
        points = sorted(
            parse_duration(part, "SCNEWS_REVISIT_SCHEDULE")
            for part in schedule_text.split(",")
            if part.strip()
        )
        max_age = parse_duration(get("SCNEWS_REVISIT_MAX_AGE") or DEFAULT_MAX_AGE, "SCNEWS_REVISIT_MAX_AGE")
        raw_limit = get("SCNEWS_REVISIT_LIMIT")
        try:
            limit = int(raw_limit) if raw_limit not in (None, "") else DEFAULT_LIMIT
        except (TypeError, ValueError):
            raise CrawlArgumentError(f"SCNEWS_REVISIT_LIMIT: {raw_limit!r} is not a number") from None
        if limit < 0:
            raise CrawlArgumentError("SCNEWS_REVISIT_LIMIT must be 0 (no revisits) or more")
        if not points:
            raise CrawlArgumentError("SCNEWS_REVISIT_SCHEDULE is empty")
        return cls(tuple(p for p in points if p <= max_age) or (max_age,), max_age, limit)

    def due_point(self, published: datetime, last_fetch: datetime | None, now: datetime) -> timedelta | None:
        """The schedule age this article is due for at ``now``, or None when it is not due."""
        age = now - published
        if age > self.max_age + GRACE:
            return None
        reached = [p for p in self.schedule if p <= age]
        if not reached:
            return None
        point = reached[-1]
        if last_fetch is not None and last_fetch >= published + point:
            return None
        return point

    def is_due(self, published: datetime, last_fetch: datetime | None, now: datetime) -> bool:
        return self.due_point(published, last_fetch, now) is not None


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def revisit_candidates(db: Any, policy: RevisitPolicy, now: datetime, *, every: bool = False) -> list[str]:
    """Site URLs of the articles to revisit now, the most overdue first, at most ``policy.limit``.

    ``every``: every article younger than the age limit, due or not (``scnews revisit --all``).
    """
    if policy.limit == 0:
        return []
    oldest = now - policy.max_age - (timedelta(0) if every else GRACE)
    # The text comparison (China time, as stored) narrows the rows through the published_at index, a day
    # wide to be safe with any other offset; julianday() then compares the moments exactly.
    rough = (oldest - timedelta(days=1)).astimezone(CHINA).isoformat(timespec="seconds")
    rows = db.execute(
        "SELECT url, published_at, last_seen, checked_at FROM articles WHERE published_at >= ? "
        "AND julianday(published_at) >= julianday(?) AND julianday(published_at) <= julianday(?) "
        "ORDER BY published_at",
        [rough, oldest.isoformat(), now.isoformat()],
    ).fetchall()
    due: list[tuple[datetime, str]] = []
    for url, published_at, last_seen, checked_at in rows:
        published = _time(published_at)
        if published is None:
            continue
        fetches = [t for t in (_time(last_seen), _time(checked_at)) if t is not None]
        last_fetch = max(fetches) if fetches else None
        if every:
            due.append((published, url))
            continue
        point = policy.due_point(published, last_fetch, now)
        if point is not None:
            due.append((published + point, url))  # when it became due: the most overdue first
    due.sort()
    return [url for _, url in due[: policy.limit]]


# --- what an answer means ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Withdrawn:
    reason: str
    http_status: int | None = None


def classify_status(status: int, site_url: str, location: str | None) -> Withdrawn | str | None:
    """What a revisit's HTTP status says before the page is read.

    A ``Withdrawn``; a site URL to follow (a redirect to this same article, e.g. another host form); or None
    (read the page: 200 and the like).
    """
    if status in WITHDRAWN_STATUSES:
        return Withdrawn(f"HTTP {status}", status)
    if status in REDIRECT_STATUSES:
        if not location:
            return Withdrawn(f"HTTP {status} without a Location", status)
        target = parse_article_url(location)
        here = parse_article_url(site_url)
        if target is not None and here is not None and target.article_id == here.article_id:
            return location
        return Withdrawn(f"redirect to {location}", status)
    return None


# The parser's refusals that say the answer was broken, not that the page changed: a failed fetch.
BROKEN_ANSWERS = ("empty document", "truncated document", "not an HTML document")


def not_an_article(reason: str) -> Withdrawn | None:
    """A page at the article's URL that the parser refuses: withdrawn when it is another page (an error page
    served with 200, a channel list, a page without a title or text); None when the answer itself was broken
    (empty, cut off, not HTML), which is only a failed fetch."""
    if reason.startswith(BROKEN_ANSWERS):
        return None
    return Withdrawn(f"no longer an article: {reason}", 200)
