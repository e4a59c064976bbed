"""The one exception of the parsers."""

from __future__ import annotations


class NotAnArticle(ValueError):
    """The page is not an article: a channel list, an error page, an empty or truncated document.

    ``reason`` says which, in a few words.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
