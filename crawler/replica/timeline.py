"""A timeline for the replica: articles that appear over simulated days, for tests of the crawl's coverage.

``build_timeline(start, days)`` gives a deterministic timeline (no randomness beyond a fixed seed) with
what makes a crawl miss articles on the real site:

- ``scxw``: a steady rate, an article every four hours;
- ``cjbd``: a steadier, busier channel (every three hours) with a burst of ``burst`` articles within two
  hours on the burst day (more than a few list pages at once);
- ``shms``: every sixth hour, and each third article is *listed late*: it appears on the list 20 hours after
  its publication time (the CMS stamps the time a story was filed, not the time it went online), so a run
  in between sees the list without it; one article is listed and removed a day later;
- ``lyxw`` (the 2019-2020 list layout): quiet for ``quiet_days`` days after a backlog, then one article a
  day;
- ``cjbd``'s second list page answers 500 for one day (``ListOutage``).

Each channel also holds a backlog of older articles, so every list has several pages from the start.
``ReplicaSite(timeline=...)`` serves it; ``site.now`` is the replica's clock: an article is listed (and its
page served) from ``listed`` on, until ``removed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

CHANNELS = ("cjbd", "scxw", "shms", "lyxw")
FIRST_ID = 400000


@dataclass(frozen=True)
class TimelineArticle:
    article_id: int
    channel: str
    published: datetime  # the time the page shows (China time)
    listed: datetime  # from when the channel's list shows it
    removed: datetime | None = None  # from when neither the list nor the page does

    @property
    def path(self) -> str:
        return f"/{self.channel}/{self.published.date().isoformat()}/{self.article_id}.html"

    def visible(self, now: datetime) -> bool:
        return self.listed <= now and (self.removed is None or now < self.removed)


@dataclass(frozen=True)
class ListOutage:
    """A channel's list page ``page`` answers 500 from ``start`` to ``end``."""

    channel: str
    page: int
    start: datetime
    end: datetime


@dataclass
class Timeline:
    start: datetime
    end: datetime
    articles: list[TimelineArticle] = field(default_factory=list)
    outages: list[ListOutage] = field(default_factory=list)

    @property
    def channels(self) -> list[str]:
        return sorted({a.channel for a in self.articles})

    def visible(self, now: datetime) -> list[TimelineArticle]:
        return [a for a in self.articles if a.visible(now)]


def build_timeline(
    start: datetime,
    days: int,
    *,
    burst_day: int = 2,
    burst: int = 24,
    quiet_days: int = 21,
    outage_day: int = 3,
    backlog: int = 12,
) -> Timeline:
    """The timeline of ``days`` days from ``start`` (an aware datetime at 00:00 China time)."""
    end = start + timedelta(days=days)
    raw: list[tuple[datetime, str, timedelta, timedelta | None]] = []  # published, channel, delay, removal

    def every(hours: float, offset_hours: float) -> list[datetime]:
        moments, t = [], start + timedelta(hours=offset_hours)
        while t < end:
            moments.append(t)
            t += timedelta(hours=hours)
        return moments

    for channel in CHANNELS:  # the backlog: one article a day before the timeline starts
        for k in range(backlog, 0, -1):
            published = start - timedelta(days=k) + timedelta(hours=9, minutes=15)
            raw.append((published, channel, timedelta(0), None))
    for t in every(4, 1.5):
        raw.append((t, "scxw", timedelta(0), None))
    for t in every(3, 0.75):
        raw.append((t, "cjbd", timedelta(0), None))
    burst_start = start + timedelta(days=burst_day, hours=14)
    for k in range(burst):
        raw.append((burst_start + timedelta(minutes=5 * k), "cjbd", timedelta(0), None))
    for n, t in enumerate(every(6, 2.25)):
        late = timedelta(hours=20) if n % 3 == 2 else timedelta(0)
        removal = timedelta(days=1) if n == 4 else None
        raw.append((t, "shms", late, removal))
    for t in every(24, 24 * quiet_days + 11):
        raw.append((t, "lyxw", timedelta(0), None))

    raw.sort(key=lambda r: (r[0], r[1]))
    articles = [
        TimelineArticle(
            FIRST_ID + n,
            channel,
            published,
            published + delay,
            (published + delay + removal) if removal is not None else None,
        )
        for n, (published, channel, delay, removal) in enumerate(raw)
    ]
    outage_start = start + timedelta(days=outage_day)
    outages = [ListOutage("cjbd", 2, outage_start, outage_start + timedelta(days=1))]
    return Timeline(start, end, articles, outages)
