"""Checking ``scnews crawl -s NAME=VALUE`` before anything starts: a known name, and a value of its type.

Known names are Scrapy's own default settings and the settings this project defines (``crawler/settings.py``
and the few set at run time). A value is read the way Scrapy will read it (``getbool``, ``getint``,
``getfloat``, ``getdict``), chosen by the type of the setting's default (the project's value first); a few
settings have bounds. A bad one raises ``CrawlArgumentError`` with one line that names the setting.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from scrapy.settings import BaseSettings, default_settings

import crawler.settings as project
from crawler.crawl_args import CrawlArgumentError

# Settings the project reads that crawler/settings.py does not define (set by `scnews crawl` itself).
RUN_SETTINGS: dict[str, Any] = {"SCNEWS_PROGRESS": False, "SCNEWS_RUN_ID": 0}

# Scrapy defaults these to a whole number but reads them as floats (``getfloat``): 0.5 is a valid value.
READ_AS_FLOAT = frozenset({"DOWNLOAD_DELAY", "DOWNLOAD_TIMEOUT", "DNS_TIMEOUT"})

# name: (lowest, highest) allowed, None for no bound.
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "CONCURRENT_REQUESTS": (1, None),
    "SCNEWS_REDIS_HEARTBEAT": (0.05, None),
    "SCNEWS_REDIS_HEARTBEAT_TTL": (1, None),
    "SCNEWS_REDIS_FINGERPRINT_TTL": (60, None),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (1, None),
    "CONCURRENT_ITEMS": (1, None),
    "DOWNLOAD_DELAY": (0, None),
    "DOWNLOAD_TIMEOUT": (0.001, None),
    "DOWNLOAD_MAXSIZE": (0, None),
    "DOWNLOAD_WARNSIZE": (0, None),
    "RETRY_TIMES": (0, None),
    "REDIRECT_MAX_TIMES": (0, None),
    "AUTOTHROTTLE_START_DELAY": (0, None),
    "AUTOTHROTTLE_MAX_DELAY": (0, None),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": (0.001, None),
    "SCNEWS_MAX_PAGES": (1, None),
    "SCNEWS_BATCH_SIZE": (1, None),
    "SCNEWS_RETRY_FAILED_LIMIT": (0, None),
    "SCNEWS_MIN_BODY_CHARS": (0, None),
    "SCNEWS_MIN_SHORT_BODY_CHARS": (0, None),
    "SCNEWS_SQLITE_CACHE_MB": (1, None),
    "SCNEWS_MAX_GENERIC_SHARE": (0, 1),
    "SCNEWS_RETRY_BACKOFF_BASE": (0, None),
    "SCNEWS_RETRY_BACKOFF_MAX": (0, None),
    "SCNEWS_RETRY_AFTER_MAX": (0, None),
    "SCNEWS_LATE_LISTING_MARGIN_HOURS": (0, None),
}


def _defaults(module: Any) -> dict[str, Any]:
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def known_settings() -> dict[str, Any]:
    """Every setting name a crawl accepts, with the default that gives its type."""
    known = _defaults(default_settings)
    for name, value in {**_defaults(project), **RUN_SETTINGS}.items():
        if value is not None or name not in known:
            known[name] = value
    return known


def _kind(name: str, default: Any) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "float" if name in READ_AS_FLOAT else "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, (dict, BaseSettings)):
        return "dict"
    return "any"


_WORDS = {
    "bool": "true or false (or 1 or 0)",
    "int": "a whole number",
    "float": "a number",
    "dict": "a JSON object",
}


def check_setting(name: str, value: Any, known: dict[str, Any] | None = None) -> None:
    """Raise ``CrawlArgumentError`` when ``name`` is not a setting, or ``value`` is not one of its values."""
    known = known_settings() if known is None else known
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise CrawlArgumentError(f"-s {name}: not a Scrapy or scnews setting{hint}")
    kind = _kind(name, known[name])
    if kind == "any":
        return
    reader = getattr(BaseSettings({name: value}), f"get{kind}")
    try:
        number = reader(name)
    except (ValueError, TypeError):
        raise CrawlArgumentError(f"-s {name}: {value!r} is not {_WORDS[kind]}") from None
    if kind not in ("int", "float"):
        return
    if not math.isfinite(number):
        raise CrawlArgumentError(f"-s {name}: {value!r} is not a finite number")
    low, high = BOUNDS.get(name, (None, None))
    if (low is not None and number < low) or (high is not None and number > high):
        span = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise CrawlArgumentError(f"-s {name}: must be {span}, got {value}")


def check_settings(settings: dict[str, Any]) -> None:
    known = known_settings()
    for name, value in settings.items():
        check_setting(name, value, known)
