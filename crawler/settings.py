"""Scrapy settings for the scnews crawler. The project's own settings are prefixed SCNEWS_."""

import os

BOT_NAME = "scnews"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness (the crawl's defaults are for the live site; `scnews crawl --replica` relaxes them for loopback)
ROBOTSTXT_OBEY = True
# Operators should name themselves and a contact through $SCNEWS_USER_AGENT, e.g.
# "scnews/0.1 (news monitoring; contact: desk@example.org)".
USER_AGENT = os.environ.get("SCNEWS_USER_AGENT") or (
    "scnews/0.1 (news-monitoring crawler of the Sichuan channel)"
)
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# An error page with <meta http-equiv="refresh"> is parsed (and refused) as served, never followed elsewhere.
METAREFRESH_ENABLED = False
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Retries wait: Retry-After when a 429/503 gives one (up to SCNEWS_RETRY_AFTER_MAX seconds, else give up),
# otherwise SCNEWS_RETRY_BACKOFF_BASE * 2**n seconds, capped (crawler/middlewares.py).
DOWNLOADER_MIDDLEWARES = {
    # robots.txt checked for requests queued while it downloads too (crawler/robots.py)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsTxtEveryRequestMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.ReplicaHostMiddleware": 560,
}
SCNEWS_RETRY_BACKOFF_BASE = 2.0
SCNEWS_RETRY_BACKOFF_MAX = 60.0
SCNEWS_RETRY_AFTER_MAX = 120.0
# Redirects stay on the site's hosts and never loop unrecorded (crawler/boundaries.py); a news page needs a
# hop or two, so a longer chain is a fault.
REDIRECT_MAX_TIMES = 5
EXTENSIONS = {"crawler.boundaries.BoundaryExtension": 100}
# Optional HTTP cache for development (`scnews crawl --cache` or SCNEWS_HTTPCACHE=1).
HTTPCACHE_ENABLED = os.environ.get("SCNEWS_HTTPCACHE", "").lower() in ("1", "true", "yes", "on")
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 3600

# The crawl (crawler/spiders/sc_chinanews.py): where the site is (the replica overrides it), how far back a
# first run looks, list pages per channel, failures of earlier runs retried per run, and the share of
# articles extracted by the generic layer above which a run exits non-zero (a template change on the site).
SCNEWS_BASE_URL = os.environ.get("SCNEWS_BASE_URL") or "https://www.sc.chinanews.com.cn"
SCNEWS_FIRST_RUN_SINCE = "2d"
SCNEWS_MAX_PAGES = 10
SCNEWS_RETRY_FAILED_LIMIT = 200
SCNEWS_MAX_GENERIC_SHARE = float(os.environ.get("SCNEWS_MAX_GENERIC_SHARE") or 0.3)
# Revisits of stored articles (crawler/revisit.py): articles younger than the age (by publication time) are
# fetched again when they pass each age of the schedule, at most SCNEWS_REVISIT_LIMIT per run, after the
# new articles; edits become versions, withdrawals set removed_at.
SCNEWS_REVISIT_MAX_AGE = "7d"
SCNEWS_REVISIT_SCHEDULE = "1h,6h,1d,3d,7d"
SCNEWS_REVISIT_LIMIT = 500
# Coverage (crawler/coverage.py): a run without --since re-reads each channel's lists from this many hours
# before its covered time ends, so an article listed late with an earlier time is still found (stored ids are
# skipped: the margin costs list pages only). List dates are days, so 48 h re-reads two or three days' items.
SCNEWS_LATE_LISTING_MARGIN_HOURS = 48.0
# The crawl's clock, for simulations of the replica's timeline only (tests, bench/complete.py): an ISO time.
SCNEWS_NOW = None

# Pipelines: validate -> normalise -> deduplicate -> store (see pipelines/)
ITEM_PIPELINES: dict[str, int] = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 400,
}
SCNEWS_BATCH_SIZE = 500  # articles per write transaction
SCNEWS_MIN_BODY_CHARS = 40  # non-space body characters an article needs (pipelines/validate.py)
SCNEWS_MIN_SHORT_BODY_CHARS = 5  # the same for video and picture pages
SCNEWS_SQLITE_CACHE_MB = 64  # page cache of the pipelines' connection: lookups stay cheap as the db grows

# Storage: the database file (overridden by --db and $SCNEWS_DB)
SCNEWS_DB = None

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# The shared crawl (scnews crawl --redis URL, crawler/distributed/): the URL (set by --redis); the prefix of
# its Redis keys; a crawler's heartbeat every SCNEWS_REDIS_HEARTBEAT seconds, and silent for
# SCNEWS_REDIS_HEARTBEAT_TTL seconds it counts as stopped (its requests go back to the frontier); an
# abandoned run's fingerprints and claims expire SCNEWS_REDIS_FINGERPRINT_TTL seconds after the last one.
SCNEWS_REDIS_URL = None
SCNEWS_REDIS_PREFIX = "scnews"
SCNEWS_REDIS_HEARTBEAT = 0.5
SCNEWS_REDIS_HEARTBEAT_TTL = 10.0
SCNEWS_REDIS_FINGERPRINT_TTL = 86400
