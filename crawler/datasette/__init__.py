"""Datasette integration for ``scnews serve``: the Chinese search as SQL functions, and the metadata."""
