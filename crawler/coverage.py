"""Per-channel coverage: the crawl's memory of which spans of time it has read completely.

A channel's span ``[start, end]`` is *covered* when a crawl that finished read every list page of the
channel from the first page down to an item dated before ``start``, and each listed article with a date
inside the span ended stored, already stored, or in ``failures`` with its reason. Coverage is recorded when
the run ends well (after the pipelines committed their last batch), so a run that is killed covers nothing
and the next run reads its span again.

A *gap* is a span a run meant to cover and could not: it stopped at ``--max-pages`` before its window's
start, or a list page failed. Gaps are recorded with their reason; a gap is open as long as coverage does
not hold all of it. A channel's next window starts at the oldest open gap, so later runs fill gaps first,
within their page budget. The margin's promise needs the margin re-read: a run that cannot re-read it
takes the margin's part of its gap out of coverage again (``reopen_margin``).

The window of a run without ``--since`` starts ``margin`` before the end of the channel's latest covered
span (``next_window_start``). List pages give dates, not times, and an article may be listed after a run
with a publication time before it (the CMS stamps the time a story was filed, not the time it went online).
If every article is listed at most ``margin`` after its publication time, the margin keeps the promise:
an article published at ``t`` and listed at ``L <= t + margin`` is either listed before a run that covered
``t`` (and that run saw it), or listed after the latest covered end ``E``, so ``t >= L - margin > E -
margin`` lies inside the next window. Articles already stored are skipped by id, so the margin costs list
pages only.

Times are stored as ISO 8601 UTC strings with an offset (they sort as text); the API takes and returns
aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from crawler.storage import write_transaction

DEFAULT_MARGIN = timedelta(hours=48)


@dataclass(frozen=True, order=True)
class Span:
    start: datetime
    end: datetime

    def __bool__(self) -> bool:
        return self.end > self.start

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment <= self.end


@dataclass(frozen=True)
class Gap:
    channel: str
    start: datetime
    end: datetime
    reason: str


def _text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("coverage times must carry an offset")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- span arithmetic (pure) ------------------------------------------------------------------------------


def merge(spans: Iterable[Span]) -> list[Span]:
    """The union of spans as sorted, disjoint spans (touching spans join)."""
    merged: list[Span] = []
    for span in sorted(s for s in spans if s):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def subtract(span: Span, spans: Iterable[Span]) -> list[Span]:
    """The parts of ``span`` that none of ``spans`` holds."""
    rest = [span] if span else []
    for cut in merge(spans):
        pieces: list[Span] = []
        for piece in rest:
            if cut.end <= piece.start or cut.start >= piece.end:
                pieces.append(piece)
                continue
            if cut.start > piece.start:
                pieces.append(Span(piece.start, cut.start))
            if cut.end < piece.end:
                pieces.append(Span(cut.end, piece.end))
        rest = pieces
    return rest


def is_covered(spans: Iterable[Span], moment: datetime) -> bool:
    return any(span.contains(moment) for span in spans)


# --- storage ---------------------------------------------------------------------------------------------


def covered(db: Database, channel: str) -> list[Span]:
    """The channel's covered spans, oldest first, disjoint."""
    rows = db.execute(
        'SELECT start, "end" FROM coverage WHERE channel = ? ORDER BY start', [channel]
    ).fetchall()
    return [Span(_moment(start), _moment(end)) for start, end in rows]


def has_any_coverage(db: Database) -> bool:
    return db.execute("SELECT 1 FROM coverage LIMIT 1").fetchone() is not None


def add_coverage(
    db: Database, channel: str, start: datetime, end: datetime, run_id: int | None = None
) -> list[Span]:
    """Record that ``[start, end]`` of ``channel`` is covered; returns the channel's spans afterwards."""
    new = Span(start, end)
    if not new:
        return covered(db, channel)
    with write_transaction(db):
        spans = merge([*covered(db, channel), new])
        db.execute("DELETE FROM coverage WHERE channel = ?", [channel])
        for span in spans:
            db.execute(
                'INSERT INTO coverage (channel, start, "end", run_id) VALUES (?, ?, ?, ?)',
                [channel, _text(span.start), _text(span.end), run_id],
            )
    return spans


def remove_coverage(db: Database, channel: str, start: datetime, end: datetime) -> list[Span]:
    """Take ``[start, end)`` out of the channel's coverage; returns the channel's spans afterwards."""
    with write_transaction(db):
        spans = [piece for span in covered(db, channel) for piece in subtract(span, [Span(start, end)])]
        db.execute("DELETE FROM coverage WHERE channel = ?", [channel])
        for span in spans:
            db.execute(
                'INSERT INTO coverage (channel, start, "end") VALUES (?, ?, ?)',
                [channel, _text(span.start), _text(span.end)],
            )
    return spans


def reopen_margin(
    db: Database, channel: str, start: datetime, end: datetime, margin: timedelta = DEFAULT_MARGIN
) -> None:
    """A run that meant to re-read ``[start, end)`` and could not (``--max-pages``, a failed list page):
    the part of it within ``margin`` of the end of covered time is covered no more, since an article may
    have been listed there late since it was read. Called before the run adds its own span."""
    spans = covered(db, channel)
    if not spans:
        return
    latest = max(span.end for span in spans)
    cut = Span(max(start, latest - margin), min(end, latest))
    if cut:
        remove_coverage(db, channel, cut.start, cut.end)


def record_gap(
    db: Database, channel: str, start: datetime, end: datetime, reason: str, run_id: int | None = None
) -> bool:
    """Record that a run could not cover ``[start, end)`` of ``channel`` (``reason`` says why).

    Nothing is written when open gaps already hold all of it (a deep gap met again by every run).
    Returns whether a row was written.
    """
    span = Span(start, end)
    if not span:
        return False
    known = [Span(g.start, g.end) for g in open_gaps(db, channel)]
    if not subtract(span, known):
        return False
    db.execute(
        'INSERT INTO coverage_gaps (channel, start, "end", reason, run_id, recorded_at) '
        "VALUES (?, ?, ?, ?, ?, ?)",
        [channel, _text(start), _text(end), reason, run_id, _text(datetime.now(UTC))],
    )
    return True


def open_gaps(db: Database, channel: str | None = None) -> list[Gap]:
    """The recorded gaps less what coverage holds now, oldest first: a partly filled gap is cut, and gaps
    that overlap are joined (with the reason recorded last)."""
    sql = 'SELECT channel, start, "end", reason FROM coverage_gaps'
    params: list[str] = []
    if channel is not None:
        sql += " WHERE channel = ?"
        params.append(channel)
    pieces: dict[str, list[tuple[Span, str]]] = {}
    spans: dict[str, list[Span]] = {}
    for code, start, end, reason in db.execute(sql + " ORDER BY id", params).fetchall():
        if code not in spans:
            pieces[code], spans[code] = [], covered(db, code)
        for piece in subtract(Span(_moment(start), _moment(end)), spans[code]):
            pieces[code].append((piece, reason))
    found: list[Gap] = []
    for code, recorded in sorted(pieces.items()):
        for joined in merge(span for span, _ in recorded):
            reason = [r for span, r in recorded if span.start < joined.end and joined.start < span.end][-1]
            found.append(Gap(code, joined.start, joined.end, reason))
    return found


def next_window_start(
    db: Database, channel: str, now: datetime, margin: timedelta = DEFAULT_MARGIN
) -> datetime | None:
    """Where a run without ``--since`` starts reading ``channel``: the oldest open gap, or ``margin`` before
    the end of the latest covered span, whichever is earlier; None when the channel was never covered."""
    spans = covered(db, channel)
    if not spans:
        return None
    start = min(max(span.end for span in spans) - margin, now)
    gaps = open_gaps(db, channel)
    if gaps:
        start = min(start, gaps[0].start)
    return start


def summary(db: Database) -> list[dict]:
    """Per channel: covered spans, their total length in days, and open gaps (for ``scnews stats``)."""
    channels = [row[0] for row in db.execute("SELECT DISTINCT channel FROM coverage ORDER BY channel")]
    gaps = open_gaps(db)
    channels += sorted({g.channel for g in gaps} - set(channels))
    out = []
    for code in channels:
        spans = covered(db, code)
        out.append(
            {
                "channel": code,
                "covered": [{"start": _text(s.start), "end": _text(s.end)} for s in spans],
                "covered_days": round(sum((s.end - s.start).total_seconds() for s in spans) / 86400, 2),
                "open_gaps": [
                    {"start": _text(g.start), "end": _text(g.end), "reason": g.reason}
                    for g in gaps
                    if g.channel == code
                ],
            }
        )
    return out
