"""One cron-ready crawl run: lock, run record, Scrapy in-process, progress, summary, exit code.

``run_crawl(CrawlOptions(...))`` returns the process exit code:

====  =====================================================================================================
0     the run finished (pages that failed are in ``failures`` and are retried by the next run)
1     the run failed: no list page could be fetched, the crawl was interrupted, or it stopped on an error
2     bad arguments (a bad ``--since``, an unknown channel, ...): one line on stderr, nothing crawled
3     the run finished but the share of articles extracted by the generic layer (articles stored in the last
      24 hours) is above ``SCNEWS_MAX_GENERIC_SHARE``: the site's templates have probably changed
75    another crawl holds the lock on this database (EX_TEMPFAIL): this run did nothing
====  =====================================================================================================
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from crawler.crawl_args import (
    CrawlArgumentError,
    parse_base_url,
    parse_channels,
    parse_positive_int,
    parse_when,
)
from crawler.crawl_settings import check_settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_GENERIC_SHARE = 3
EXIT_LOCKED = 75

# Settings for crawling the replica on loopback: no throttling, short timeouts, quick retries, and a first
# run that covers the whole replica (its articles are dated in the past).
REPLICA_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_TIMEOUT": 1.0,
    "RETRY_TIMES": 2,
    "SCNEWS_RETRY_BACKOFF_BASE": 0.05,
    "SCNEWS_RETRY_BACKOFF_MAX": 0.5,
    "SCNEWS_RETRY_AFTER_MAX": 10,
    "SCNEWS_FIRST_RUN_SINCE": "2000-01-01",
}


class LockHeld(Exception):
    pass


@contextmanager
def crawl_lock(db_path: Path) -> Iterator[Path]:
    """An exclusive ``fcntl.flock`` on ``<db>.lock``, released when the process ends in any way.

    The lock belongs to the database's resolved path: the same file reached through a symlink or another
    relative path takes the same lock.
    """
    real = Path(os.path.realpath(db_path))
    lock_path = real.with_name(real.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(str(lock_path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield lock_path
    finally:
        os.close(fd)  # closing the descriptor releases the lock; the file stays (removing it would race)


@dataclass
class CrawlOptions:
    db_path: str | None = None
    channels: str | None = None
    since: str | None = None
    until: str | None = None
    max_pages: int | str | None = None  # as typed; check_arguments makes it an int
    refresh: bool = False
    revisit: str = "due"  # due | all | off: revisits of stored articles (crawler/revisit.py)
    lists: bool = True  # False: only the revisits (scnews revisit)
    replica: bool = False  # start the bundled replica and crawl it
    replica_url: str | None = None  # crawl a replica already running there
    cache: bool = False
    quiet: bool = False
    verbose: bool = False
    redis_url: str | None = None  # share the crawl through Redis; no database (crawler/distributed/)
    settings: dict[str, Any] = field(default_factory=dict)  # setting overrides, last word
    set_args: tuple[str, ...] = ()  # "NAME=VALUE" strings from the command line, added to ``settings``


def validate(options: CrawlOptions) -> None:
    """Raise ``CrawlArgumentError`` for any bad argument, before anything is locked or crawled."""
    from datetime import datetime

    from crawler.timewindow import CHINA

    for value in options.set_args:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise CrawlArgumentError(f"--set: {value!r} is not NAME=VALUE")
        options.settings[name.strip()] = setting
    now = datetime.now(CHINA)
    if "SCNEWS_NOW" in options.settings:
        now = parse_when(options.settings["SCNEWS_NOW"], now, name="SCNEWS_NOW")
    parse_channels(options.channels)
    since = parse_when(options.since, now) if options.since else None
    until = parse_when(options.until, now, name="--until", end_of_day=True) if options.until else None
    if since and until and until < since:
        raise CrawlArgumentError("--until is before --since")
    if options.max_pages is not None:
        options.max_pages = parse_positive_int(options.max_pages, "--max-pages")
    if options.replica and options.replica_url:
        raise CrawlArgumentError("--replica and --replica-url exclude each other")
    if options.replica_url is not None:
        parse_base_url(options.replica_url, "--replica-url")
    # Every -s NAME=VALUE: a known setting with a value of its type (crawler/crawl_settings.py), and the
    # settings the spider reads in its own words, so that a bad one is a line before anything starts.
    check_settings(options.settings)
    if "SCNEWS_BASE_URL" in options.settings:
        parse_base_url(options.settings["SCNEWS_BASE_URL"])
    if "SCNEWS_FIRST_RUN_SINCE" in options.settings:
        parse_when(options.settings["SCNEWS_FIRST_RUN_SINCE"], now, name="SCNEWS_FIRST_RUN_SINCE")
    if "SCNEWS_MAX_PAGES" in options.settings:
        parse_positive_int(options.settings["SCNEWS_MAX_PAGES"], "SCNEWS_MAX_PAGES")
    from crawler.revisit import RevisitPolicy

    RevisitPolicy.from_settings(lambda name: settings_value(options, name))


def build_settings(options: CrawlOptions, base_url: str | None, progress: bool):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {
        "LOG_LEVEL": "INFO" if options.verbose else ("CRITICAL" if options.quiet else "WARNING"),
        "RETRY_GIVE_UP_LOG_LEVEL": "INFO",  # a page that fails is recorded in `failures` and summarised
        "SCNEWS_PROGRESS": progress,
    }
    if progress:
        overrides["EXTENSIONS"] = {"crawler.progress.ProgressExtension": 500}
    if options.db_path:
        overrides["SCNEWS_DB"] = str(options.db_path)
    if base_url:
        overrides.update(REPLICA_SETTINGS)
        overrides["SCNEWS_BASE_URL"] = base_url
    if options.cache:
        overrides["HTTPCACHE_ENABLED"] = True
    settings.setdict(overrides, priority="cmdline")
    settings.setdict(dict(options.settings), priority="cmdline")
    return settings


def generic_share(db, stats: dict[str, Any]) -> tuple[int, int, str]:
    """(generic, total, basis): articles stored in the last 24 hours, else the articles of this run."""
    try:
        row = db.execute(
            "SELECT SUM(template = 'generic'), COUNT(*) FROM articles "
            "WHERE julianday(first_seen) >= julianday('now', '-1 day')"
        ).fetchone()
    except Exception:  # noqa: BLE001 - an older schema without first_seen: fall back to the run's count
        row = (0, 0)
    if row and row[1]:
        return int(row[0] or 0), int(row[1]), "articles stored in the last 24 h"
    total = int(stats.get("scnews/articles", 0))
    return int(stats.get("scnews/template/generic", 0)), total, "articles parsed this run"


def _counts(stats: dict[str, Any]) -> dict[str, Any]:
    keys = {
        "requests": "downloader/request_count",
        "responses": "response_received_count",
        "list_pages": "scnews/list_pages",
        "articles": "scnews/articles",
        "skipped_known": "scnews/skipped_known",
        "new": "scnews/new",
        "changed": "scnews/changed",
        "unchanged": "scnews/unchanged",
        "duplicates": "scnews/duplicates",
        "dropped": "scnews/dropped",
        "unstored": "scnews/unstored",
        "failed": "scnews/failed",
        "discovered": "scnews/discovered",
        "failed_articles": "scnews/failed_articles",
        "gaps_recorded": "scnews/gaps_recorded",
        "failed_fetch": "scnews/failed/fetch",
        "failed_parse": "scnews/failed/parse",
        "retried_failures": "scnews/retried_failures",
        "resolved_failures": "scnews/resolved_failures",
        "generic": "scnews/template/generic",
        "revisits": "scnews/revisit/requests",
        "revisits_online": "scnews/revisit/online",
        "removed": "scnews/revisit/removed",
        "still_removed": "scnews/revisit/still_removed",
        "restored": "scnews/restored",
        "revisits_failed": "scnews/revisit/failed",
    }
    counts: dict[str, Any] = {name: int(stats.get(key, 0) or 0) for name, key in keys.items()}
    counts["elapsed_seconds"] = round(float(stats.get("elapsed_time_seconds") or 0.0), 3)
    # Every article the run discovered (and every revisit that found its article online) ends stored,
    # already stored, dropped by a pipeline step or failed (both recorded in `failures` with their reason),
    # or unstored (disk full: fetched again by the next run); `unaccounted` is what a killed run leaves.
    counts["stored"] = counts["new"] + counts["changed"] + counts["unchanged"]
    counts["unaccounted"] = (counts["discovered"] + counts["revisits_online"]) - (
        counts["skipped_known"]
        + counts["stored"]
        + counts["dropped"]
        + counts["failed_articles"]
        + counts["unstored"]
    )
    return counts


def summary_lines(
    run_id: int, status: str, counts: dict[str, Any], seconds: float, command: str = "crawl"
) -> list[str]:
    share = counts.get("generic_share")
    share_text = "n/a (no articles)" if share is None else f"{share:.1%}"
    revisits = (
        f"  revisits   {counts.get('revisits', 0)} sent: online {counts.get('revisits_online', 0)}, "
        f"removed {counts.get('removed', 0)} (still removed {counts.get('still_removed', 0)}), "
        f"restored {counts.get('restored', 0)}, failed {counts.get('revisits_failed', 0)}"
    )
    if command == "revisit":
        return [
            f"scnews revisit: {status} (run {run_id}, {seconds:.1f} s)",
            revisits,
            f"  stored     changed {counts['changed']}, unchanged {counts['unchanged']}, "
            f"dropped {counts['dropped']}",
        ]
    return [
        f"scnews crawl: {status} (run {run_id}, {seconds:.1f} s, window from {counts.get('since', '?')})",
        f"  requests   {counts['requests']} sent, {counts['list_pages']} list pages read",
        f"  articles   {counts['articles']} parsed, {counts['skipped_known']} skipped as already stored",
        f"  stored     new {counts['new']}, changed {counts['changed']}, unchanged {counts['unchanged']}, "
        f"duplicates {counts['duplicates']}, dropped {counts['dropped']}",
        f"  outcome    {counts['discovered']} articles discovered"
        + (f" and {counts['revisits_online']} revisited" if counts.get("revisits_online") else "")
        + f": {counts['skipped_known']} already stored, {counts['stored']} stored, "
        f"{counts['dropped']} dropped, {counts['failed_articles']} failed"
        + (f", {counts['unstored']} not stored" if counts.get("unstored") else "")
        + (f", {counts['unaccounted']} unaccounted" if counts["unaccounted"] else ""),
        f"  failed     {counts['failed']} (fetch {counts['failed_fetch']}, parse {counts['failed_parse']}); "
        f"retried from earlier runs {counts['retried_failures']}, resolved {counts['resolved_failures']}",
        f"  generic    {share_text} of {counts.get('generic_basis', 'articles')} "
        f"({counts.get('generic_count', 0)}/{counts.get('generic_total', 0)}, "
        f"threshold {counts.get('generic_threshold', 0):.0%})",
        revisits,
    ]


def run_crawl(options: CrawlOptions, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        validate(options)
    except CrawlArgumentError as exc:
        say(err, f"Error: {exc}")
        return EXIT_USAGE
    if options.redis_url:
        from crawler.distributed.crawl import run_distributed_crawl

        return run_distributed_crawl(options, out, err)

    from crawler.database import resolve_db_path

    db_path = resolve_db_path(options.db_path)
    try:
        with crawl_lock(db_path):
            return _locked_run(options, db_path, out, err)
    except LockHeld as exc:
        say(err, f"scnews crawl: another crawl is running on {db_path} (lock {exc}); nothing done")
        return EXIT_LOCKED
    except (OSError, sqlite3.DatabaseError) as exc:
        say(err, f"scnews crawl: cannot use the database {db_path}: {getattr(exc, 'strerror', None) or exc}")
        return EXIT_FAILED


def _locked_run(options: CrawlOptions, db_path: Path, out: TextIO, err: TextIO) -> int:
    from crawler.database import open_database
    from crawler.storage import abandon_running_runs, finish_run, start_run

    db = open_database(db_path)
    replica = None
    base_url = options.replica_url
    arguments = {
        "channels": options.channels,
        "since": options.since,
        "until": options.until,
        "max_pages": options.max_pages,
        "refresh": options.refresh,
        "revisit": options.revisit,
        "lists": options.lists,
        "replica": bool(options.replica or options.replica_url),
    }
    abandon_running_runs(db)  # this run holds the lock: a row still `running` is a run that died
    run_id = start_run(db, arguments)
    started = time.monotonic()
    status, code = "failed", EXIT_FAILED
    stats: dict[str, Any] = {}
    try:
        if options.replica:
            from crawler.replica import ReplicaServer, ReplicaSite

            replica = ReplicaServer(ReplicaSite(slow_seconds=3.0)).start()
            base_url = replica.url
        progress = err.isatty() and not options.quiet
        settings = build_settings(options, base_url, progress)
        settings.set("SCNEWS_RUN_ID", run_id, priority="cmdline")
        stats, reason = _crawl(settings, options)
        status, code = _outcome(reason, stats, lists=options.lists)
    except KeyboardInterrupt:
        status, code = "interrupted", EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - recorded as a failed run, told in one line
        status, code = "failed", EXIT_FAILED
        say(err, f"scnews crawl: the run failed: {type(exc).__name__}: {exc}")
        if options.verbose:
            traceback.print_exc(file=err)
        else:
            say(err, "scnews crawl: run with --verbose for the traceback")
    finally:
        if replica is not None:
            replica.stop()
        counts = _counts(stats)
        counts["since"] = stats.get("scnews/window_since")
        generic, total, basis = generic_share(db, stats)
        threshold = float(settings_value(options, "SCNEWS_MAX_GENERIC_SHARE"))
        counts.update(
            generic_count=generic,
            generic_total=total,
            generic_basis=basis,
            generic_share=(generic / total) if total else None,
            generic_threshold=threshold,
        )
        if code == EXIT_OK and total and generic / total > threshold:
            status, code = "generic-share-exceeded", EXIT_GENERIC_SHARE
        # Storage problems, told once per cause at the end (a full disk fails every write alike).
        problems: dict[str, list[str]] = {}
        if counts["unstored"]:
            # Unstored articles are not seen: the next run fetches them, from this run's window.
            status, code = "failed", EXIT_FAILED
            problems.setdefault(str(stats.get("scnews/store_error")), []).append(
                f"{counts['unstored']} articles not stored (the next run fetches them again)"
            )
        counts["indexed"], index_error = _index_new_articles(db)
        if index_error:
            problems.setdefault(index_error, []).append("search index not updated (the next search does it)")
        try:
            finish_run(db, run_id, status, counts)
        except sqlite3.Error as exc:
            problems.setdefault(str(exc), []).append(f"run {run_id} not recorded as {status}")
        db.close()
    command = "crawl" if options.lists else "revisit"
    say(out, *summary_lines(run_id, status, counts, time.monotonic() - started, command))
    for cause, effects in problems.items():
        say(err, f"scnews crawl: {cause} ({db_path}): {'; '.join(effects)}")
    if status == "failed" and options.lists and not counts["list_pages"] and not counts["articles"]:
        say(err, f"scnews crawl: not one list page could be read from {base_url or 'the site'}")
    if code == EXIT_GENERIC_SHARE:
        say(
            err,
            f"scnews crawl: {counts['generic_share']:.0%} of {basis} came from the generic layer "
            f"(threshold {threshold:.0%}): the site's templates have probably changed",
        )
    return code


def say(stream: TextIO, *lines: str) -> None:
    """Print lines; a reader that went away (``scnews crawl | head -2``) ends the output quietly, as CLI
    tools do, instead of a "Broken pipe" error (the run itself is done and recorded)."""
    try:
        for line in lines:
            print(line, file=stream)
        stream.flush()
    except BrokenPipeError:
        try:
            # No further write, not even the interpreter's flush at exit, may hit the closed pipe.
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except (OSError, ValueError, AttributeError):  # a stream without a descriptor (tests' StringIO)
            pass


def _index_new_articles(db) -> tuple[int | None, str | None]:
    """Bring the search index up to date with what this run stored, so the first search after a cron run is
    instant and the change queue stays small: (rows indexed, None), or (None, the error). A failure here is
    told, and never fails the crawl: the next search indexes the queue anyway."""
    from crawler.search.index import index_pending

    try:
        return index_pending(db), None
    except Exception as exc:  # noqa: BLE001 - the crawl's data is committed; the index catches up later
        return None, str(exc) if isinstance(exc, sqlite3.Error) else f"{type(exc).__name__}: {exc}"


def settings_value(options: CrawlOptions, name: str) -> Any:
    if name in options.settings:
        return options.settings[name]
    import crawler.settings as project

    return getattr(project, name)


def _outcome(reason: str | None, stats: dict[str, Any], *, lists: bool = True) -> tuple[str, int]:
    if reason in ("shutdown", "cancelled"):
        return "interrupted", EXIT_FAILED
    if reason != "finished":
        return "failed", EXIT_FAILED
    if lists and not stats.get("scnews/list_pages") and not stats.get("scnews/articles"):
        return "failed", EXIT_FAILED
    return "ok", EXIT_OK


def _filter_tracebacks() -> None:
    for handler in logging.root.handlers:
        if _one_line not in handler.filters:
            handler.addFilter(_one_line)


def _one_line(record: logging.LogRecord) -> bool:
    """Log records without their traceback (a fetch error is a line; --verbose shows tracebacks)."""
    record.exc_info = None
    record.exc_text = None
    return True


def _crawl(settings, options: CrawlOptions, on_crawler=None) -> tuple[dict[str, Any], str | None]:
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.sc_chinanews import ScChinanewsSpider

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ScChinanewsSpider)
    if on_crawler is not None:
        on_crawler(crawler)
    kwargs: dict[str, Any] = {"channels": options.channels, "since": options.since, "until": options.until}
    if options.max_pages is not None:
        kwargs["max_pages"] = options.max_pages
    if options.refresh:
        kwargs["refresh"] = "1"
    kwargs["revisit"] = options.revisit
    if not options.lists:
        kwargs["lists"] = "0"
    if not options.verbose:
        # Scrapy installs its log handler when the crawl starts; filter it from then on.
        crawler.signals.connect(_filter_tracebacks, signal=signals.engine_started)
    process.crawl(crawler, **kwargs)
    _filter_tracebacks()
    process.start()
    try:
        stats = crawler.stats.get_stats()
    except RuntimeError:  # the crawl never started: its spider could not be made
        stats = {}
    return stats, stats.get("finish_reason")
