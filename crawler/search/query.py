"""The query language: terms, "phrases", AND / OR / NOT (implicit AND), parentheses.

``parse(text)`` returns a small tree; ``to_fts(tree)`` turns it into an FTS5 MATCH expression made only of
tokens produced by ``crawler.search.cjk`` (letters, digits, CJK characters), each inside double quotes, so no
user text reaches FTS5's syntax, and the expression itself is always passed to SQLite as a bound parameter.

Semantics: a Chinese term matches wherever it occurs as a substring (成 in 完成, 成都 in 成都市);
Latin letters and digits match whole words, case-insensitively (5G in 推进5G网络, not in 15G). A term
or phrase with several units (成都，大运会; "machine learning") matches those units in order,
separated only by spaces or punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawler.search.cjk import CJK_RANGES, Unit, normalise, term_tokens, units

OPERATORS = ("AND", "OR", "NOT")
MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
# Parentheses and NOT nest at most this deep. The parser and every walk over the tree recurse once per
# level, and FTS5 refuses expressions deeper than 256; 330 levels used to end in RecursionError. Sixteen is
# far more than a person writes ("成都 (地铁 OR (轨道 NOT 票价))" is three).
MAX_DEPTH = 16


class QueryError(ValueError):
    """A malformed query or filter; its message is one line meant for the user."""


@dataclass(frozen=True)
class Term:
    text: str
    units: tuple[Unit, ...]
    phrase: bool = False


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Not | And | Or

_LEX = re.compile(r'\s*(?:(?P<lpar>\()|(?P<rpar>\))|"(?P<phrase>[^"]*)(?P<close>"?)|(?P<word>[^\s()"]+))')


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _LEX.match(text, pos)
        if m is None:  # only trailing whitespace can fail to match
            break
        pos = m.end()
        if m.group("lpar"):
            tokens.append(("(", "("))
        elif m.group("rpar"):
            tokens.append((")", ")"))
        elif m.group("phrase") is not None:
            if not m.group("close"):
                raise QueryError(f"unterminated quote in query: {text!r}")
            tokens.append(("phrase", m.group("phrase")))
        elif m.group("word") in OPERATORS:
            tokens.append(("op", m.group("word")))
        elif m.group("word") is not None:
            tokens.append(("word", m.group("word")))
    return tokens


def lowercase_operators(text: str) -> list[str]:
    """Words of ``text`` that look like an operator but are not one (``or``, ``Not``): searched as words."""
    try:
        tokens = _lex(text)
    except QueryError:
        return []
    return [value for kind, value in tokens if kind == "word" and value.upper() in OPERATORS]


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], text: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.text = text
        self.terms = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        token = self.peek()
        if token is not None:
            raise QueryError(f"unexpected {token[1]!r} in query: {self.text!r}")
        return node

    def or_expr(self) -> Node | None:
        children = [self.and_expr()]
        while self.peek() == ("op", "OR"):
            self.take()
            children.append(self.and_expr())
        if len(children) > 1 and any(c is None for c in children):
            raise QueryError(f"OR needs a search term on each side: {self.text!r}")
        if len(children) == 1:
            return children[0]
        return Or(tuple(c for c in children if c is not None))

    def and_expr(self) -> Node | None:
        children: list[Node] = []
        while True:
            token = self.peek()
            if token is None or token == (")", ")") or token == ("op", "OR"):
                break
            if token == ("op", "AND"):
                self.take()
                nxt = self.peek()
                if not children or nxt is None or nxt[0] == ")" or nxt == ("op", "OR"):
                    raise QueryError(f"AND needs a search term on each side: {self.text!r}")
                continue
            node = self.unary()
            if node is not None:
                children.append(node)
        if not children:
            return None
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node | None:
        token = self.take()
        if token == ("op", "NOT") or token[0] == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(
                    f"query nested too deeply (at most {MAX_DEPTH} levels of parentheses and NOT)"
                )
            try:
                return self._nested(token)
            finally:
                self.depth -= 1
        return self._leaf(token)

    def _nested(self, token: tuple[str, str]) -> Node | None:
        if token == ("op", "NOT"):
            nxt = self.peek()
            if nxt is None or nxt[0] == ")" or nxt[0] == "op" and nxt[1] != "NOT":
                raise QueryError(f"NOT needs a search term after it: {self.text!r}")
            child = self.unary()
            if child is None:
                raise QueryError(f"NOT needs a search term after it: {self.text!r}")
            return child.child if isinstance(child, Not) else Not(child)
        node = self.or_expr()  # token is "("
        if self.peek() != (")", ")"):
            raise QueryError(f"unbalanced parentheses in query: {self.text!r}")
        self.take()
        if node is None:
            raise QueryError(f"empty parentheses in query: {self.text!r}")
        return node

    def _leaf(self, token: tuple[str, str]) -> Node | None:
        if token[0] == ")":
            raise QueryError(f"unbalanced parentheses in query: {self.text!r}")
        if token[0] in ("word", "phrase"):
            term_units = tuple(units(token[1]))
            if not term_units:
                if token[0] == "phrase":
                    raise QueryError(f"empty phrase in query: {self.text!r}")
                return None  # punctuation only (e.g. "--", "*", ";"): nothing to search for
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise QueryError(f"too many terms in query (at most {MAX_TERMS})")
            return Term(token[1], term_units, phrase=token[0] == "phrase")
        raise QueryError(f"unexpected {token[1]!r} in query: {self.text!r}")  # a stray operator


def parse(text: str) -> Node:
    """Parse a query; raises QueryError with a one-line message when it is malformed or empty."""
    if text is None or not text.strip():
        raise QueryError("empty query: give at least one word to search for")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long (at most {MAX_QUERY_CHARS} characters)")
    text = text.replace("\n", " ").replace("\r", " ")
    node = _Parser(_lex(text), text.strip()).parse()
    if node is None:
        raise QueryError(f"nothing to search for in query: {text.strip()!r}")
    _check_positive(node, text.strip())
    return node


def _check_positive(node: Node, text: str) -> None:
    """FTS5 (and common sense) needs something to match: NOT may only narrow a positive part."""
    if isinstance(node, Not):
        raise QueryError(f"a query cannot only exclude (add a term to search for): {text!r}")
    if isinstance(node, Or):
        for child in node.children:
            _check_positive(child, text)
    if isinstance(node, And):
        positives = [c for c in node.children if not isinstance(c, Not)]
        if not positives:
            raise QueryError(f"a query cannot only exclude (add a term to search for): {text!r}")
        for child in positives:
            _check_positive(child, text)
        for child in node.children:
            if isinstance(child, Not):
                _check_positive(child.child, text)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def term_fts(term: Term) -> str:
    tokens, prefix = term_tokens(list(term.units))
    phrase = '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'
    return phrase + ("*" if prefix else "")


def to_fts(node: Node) -> str:
    """The FTS5 MATCH expression for a parsed query (pass it as a bound parameter)."""
    if isinstance(node, Term):
        return term_fts(node)
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts(c) for c in node.children) + ")"
    if isinstance(node, And):
        positives = [to_fts(c) for c in node.children if not isinstance(c, Not)]
        negatives = [to_fts(c.child) for c in node.children if isinstance(c, Not)]
        expr = "(" + " AND ".join(positives) + ")"
        for neg in negatives:
            expr = f"({expr} NOT {neg})"
        return expr
    raise QueryError("a query cannot only exclude")  # ruled out by parse()


def rewrite(text: str) -> str:
    """Query text -> FTS5 expression (used by the CLI and by the Datasette SQL function)."""
    return to_fts(parse(text))


def positive_terms(node: Node) -> list[Term]:
    """Terms that make an article match (for highlighting); excluded terms are left out."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    out: list[Term] = []
    for child in node.children:
        out.extend(positive_terms(child))
    return out


_SEP = r"[\W_]"
# A letter or digit that is not CJK: a Latin word unit must not touch one (CJK or punctuation may touch it).
_LATIN_CHAR = re.compile(rf"[^\W_{CJK_RANGES}]")


def term_pattern(term: Term) -> str:
    """A regex (on normalised text) for ``term``; word boundaries at its ends are checked by ``_edges_ok``."""
    parts: list[str] = []
    for i, unit in enumerate(term.units):
        if parts:
            prev = term.units[i - 1]
            # two CJK runs or two words need a separator between them; a run and a word may touch
            parts.append(f"{_SEP}+" if prev.cjk == unit.cjk else f"{_SEP}*")
        parts.append(re.escape(unit.text))
    return "".join(parts)


@lru_cache(maxsize=512)
def _compiled(term: Term) -> re.Pattern[str]:
    # a lookahead finds overlapping occurrences too (one rejected at a word boundary may hide the next)
    return re.compile(f"(?=({term_pattern(term)}))", re.IGNORECASE)


def _edges_ok(term: Term, text: str, start: int, end: int) -> bool:
    if not term.units[0].cjk and start > 0 and _LATIN_CHAR.match(text, start - 1):
        return False
    if not term.units[-1].cjk and end < len(text) and _LATIN_CHAR.match(text, end):
        return False
    return True


def occurrences(term: Term, text: str) -> list[tuple[int, int]]:
    """Spans of ``term`` in the normalised ``text``, with the index's semantics."""
    spans = []
    for m in _compiled(term).finditer(text):
        start, end = m.span(1)
        if _edges_ok(term, text, start, end):
            spans.append((start, end))
    return spans


def highlight_spans(node: Node, text: str) -> list[tuple[int, int]]:
    """Non-overlapping spans (longest first at a position) of the query's positive terms in ``text``."""
    text = normalise(text)
    found = sorted(
        {span for term in positive_terms(node) for span in occurrences(term, text)},
        key=lambda s: (s[0], -s[1]),
    )
    spans: list[tuple[int, int]] = []
    for start, end in found:
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


def matches(node: Node, text: str) -> bool:
    """Evaluate the query on a text in Python (the reference the tests and the benchmark compare with)."""
    return _matches(node, normalise(text))


def _matches(node: Node, text: str) -> bool:
    if isinstance(node, Term):
        return bool(occurrences(node, text))
    if isinstance(node, Not):
        return not _matches(node.child, text)
    if isinstance(node, And):
        return all(_matches(c, text) for c in node.children)
    return any(_matches(c, text) for c in node.children)


__all__ = ["QueryError", "parse", "to_fts", "rewrite", "matches", "highlight_spans", "normalise"]
