"""Datasette metadata for ``scnews serve``: facets, hidden tables, the search and watches as queries."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

SEARCH_SQL = """SELECT a.article_id, a.published_at, a.channel_name, a.source, a.editor, a.title,
  scnews_snippet(a.body, :q) AS snippet, a.url
FROM (
  SELECT rowid AS docid, bm25(search_index, 5.0, 1.0) AS score FROM search_index
  WHERE :q != '' AND search_index MATCH scnews_match(:q)
  ORDER BY score LIMIT 100
) s
JOIN search_docs d ON d.docid = s.docid JOIN articles a ON a.rowid = d.doc
ORDER BY s.score"""

# A watch's query and filters are read from the watches table by rowid (an integer), never pasted into SQL.
WATCH_SQL = """SELECT a.article_id, a.published_at, a.channel_name, a.source, a.editor, a.title,
  scnews_snippet(a.body, w.query) AS snippet, a.url
FROM watches w
JOIN search_index ON search_index MATCH scnews_match(w.query)
JOIN search_docs d ON d.docid = search_index.rowid JOIN articles a ON a.rowid = d.doc
WHERE w.rowid = {rowid}
  AND scnews_filters(w.filters, a.published_at, a.channel, a.source, a.editor, a.authors)
ORDER BY search_index.rowid DESC
LIMIT 200"""

# Edits, withdrawals and reappearances (crawler/changes.py), newest first, optionally of one kind.
CHANGES_SQL = """SELECT c.detected_at, c.kind, c.article_id, a.title, a.channel_name,
  coalesce(c.fields, c.reason, '') AS what, v.diff, a.url
FROM changes c JOIN articles a ON a.article_id = c.article_id
LEFT JOIN article_versions v ON v.id = c.version_id
WHERE (:kind = '' OR c.kind = :kind)
ORDER BY c.detected_at DESC, c.id DESC
LIMIT 200"""

HIDDEN = ("search_dirty", "search_meta", "search_docs", "article_lsh", "_sqlite_migrations")


def build_metadata(db_name: str, watches: list[dict[str, Any]]) -> dict[str, Any]:
    queries: dict[str, Any] = {
        "search": {
            "title": 'Search articles (Chinese words of any length, AND / OR / NOT, "phrases")',
            "sql": SEARCH_SQL,
            "description": "Example: 成都 大运会, 人工智能 OR AIGC, 熊猫 NOT 成都",
        }
    }
    queries["changes"] = {
        "title": "Recent changes: edits, withdrawals (删稿), reappearances",
        "sql": CHANGES_SQL,
        "description": "kind: edited, removed or restored (empty: all kinds).",
    }
    for watch in watches:
        queries[f"watch-{watch['name']}"] = {
            "title": f"Watch {watch['name']}: {watch['query']}",
            "sql": WATCH_SQL.format(rowid=int(watch["rowid"])),
            "description": f"Articles matching the watch {watch['name']!r}, newest first. "
            f"Its Atom feed: /-/scnews/watch/{quote(watch['name'], safe='')}.atom",
        }
    tables: dict[str, Any] = {
        "articles": {
            "facets": ["channel_name", "source", "editor"],
            "sort_desc": "published_at",
            "label_column": "title",
            "description": "All articles; to search, use the articles_search view.",
        },
        "articles_search": {
            "title": "articles (search)",
            "fts_table": "search_index",
            "fts_pk": "search_docid",
            "facets": ["channel_name", "source", "editor"],
            "sort_desc": "published_at",
            "label_column": "title",
            "description": 'Search: Chinese words of any length (成, 成都, 大运会), AND, OR, NOT, "phrases".',
        },
        "search_index": {"hidden": True},
        "article_changes": {
            "title": "changes (edits and withdrawals)",
            "facets": ["kind", "channel_name", "source"],
            "sort_desc": "detected_at",
            "label_column": "title",
            "description": "Edits (with diffs), withdrawals (删稿) and reappearances the revisits found.",
        },
        "changes": {
            "facets": ["kind"],
            "sort_desc": "detected_at",
            "description": "The change log; the article_changes view joins it to the articles and diffs.",
        },
    }
    tables.update({name: {"hidden": True} for name in HIDDEN})
    return {
        "title": "scnews: Chinanews Sichuan articles",
        "description": "Read-only view of the scnews database.",
        "databases": {db_name: {"tables": tables, "queries": queries}},
    }
