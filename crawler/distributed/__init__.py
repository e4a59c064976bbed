"""Scale-out on scrapy-redis: many crawler processes share one crawl's frontier, one writer stores.

- ``keys``: the Redis key names and the connection (one clear error when Redis cannot be reached).
- ``node``: one crawler process in a run: joining (the first seeds), heartbeats, leaving, reclaiming the
  requests of a crawler that died.
- ``scheduler``: scrapy-redis's scheduler, queue and duplicate filter, adapted (requests taken from the
  frontier stay recorded until processed; fingerprints live as long as the run).
- ``memory``: the ``CrawlMemory`` a crawler reads from Redis (kept there by the writer).
- ``events``: what crawlers hand to the writer (articles, failures, run boundaries), as JSON.
- ``items``: the item pipeline that queues records in Redis instead of storing them.
- ``ingest``: the single writer (``scnews ingest``), running the usual pipelines into SQLite.
- ``crawl``: ``scnews crawl --redis URL``.
"""
