"""Chinese-aware tokenisation shared by the index and the query rewriter.

SQLite 3.40's ``unicode61`` tokenizer treats a run of Chinese characters as one token and ``trigram`` cannot
match fewer than three characters, so neither finds a two-character word such as 成都 inside 成都市. We keep
``unicode61`` but feed it a derived text ("units" -> tokens) in which:

- every CJK run of length >= 2 becomes its overlapping bigrams followed by its last character as a
  one-character "tail" token: 成都市 -> ``成都 都市 市``; a one-character run is just that character;
- Latin letters and digits stay words (``5G`` -> ``5g``; unicode61 folds case), split from adjacent CJK;
- text is NFKC-normalised character by character first (full-width ＡＩ -> AI) so offsets stay aligned.

Each CJK character therefore starts exactly one token (a bigram or the tail), which makes the index exact:

- one character c: prefix query ``"c"*`` (a token starting with c) <=> c occurs;
- a run of 2+ characters: the phrase of its bigrams <=> the run occurs as a substring (consecutive bigrams can
  only come from one run: the tail token sits between two runs, so no phrase spans punctuation by accident);
- a mixed term (``5G网络``, ``2024年``): the phrase of all units' tokens, where the first CJK unit drops
  nothing (its text run may be longer on the left: its tail still follows), inner CJK units keep their tail
  (they must be whole runs) and the last CJK unit drops its tail (the text run may go on); a last unit of one
  character becomes a prefix token.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Han (incl. extension A/B+, compatibility), kana, hangul syllables, bopomofo.
CJK_RANGES = (
    "\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
CJK_CLASS = f"[{CJK_RANGES}]"
_CJK_RUN = re.compile(f"{CJK_CLASS}+")
# A "word" character for unicode61: letters, digits (and private-use, which we strip) that are not CJK.
_WORD = re.compile(rf"[^\W_{CJK_RANGES}]+")
_UNIT = re.compile(rf"(?P<cjk>{CJK_CLASS}+)|(?P<word>[^\W_{CJK_RANGES}]+)")


def normalise(text: str) -> str:
    """NFKC per character (only where it maps one character to one), so offsets are unchanged."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
            continue
        norm = unicodedata.normalize("NFKC", ch)
        out.append(norm if len(norm) == 1 else ch)
    return "".join(out)


def is_cjk(text: str) -> bool:
    return bool(_CJK_RUN.fullmatch(text))


@dataclass(frozen=True)
class Unit:
    """A CJK run or a Latin/digit word, with its span in the (normalised) text."""

    text: str
    cjk: bool
    start: int
    end: int


def units(text: str) -> list[Unit]:
    text = normalise(text)
    return [Unit(m.group(0), m.lastgroup == "cjk", m.start(), m.end()) for m in _UNIT.finditer(text)]


def _run_tokens(run: str, *, tail: bool = True) -> list[str]:
    if len(run) == 1:
        return [run]
    tokens = [run[i : i + 2] for i in range(len(run) - 1)]
    if tail:
        tokens.append(run[-1])
    return tokens


def index_text(text: str | None) -> str:
    """The derived text that the FTS5 table indexes for ``text``."""
    if not text:
        return ""
    tokens: list[str] = []
    for unit in units(text):
        if unit.cjk:
            tokens.extend(_run_tokens(unit.text))
        else:
            tokens.append(unit.text.casefold())
    return " ".join(tokens)


def term_tokens(term_units: list[Unit]) -> tuple[list[str], bool]:
    """Tokens of a query term (a phrase of units) and whether the last token is a prefix token.

    Returns ([], False) for a term with nothing searchable.
    """
    tokens: list[str] = []
    prefix = False
    last = len(term_units) - 1
    for i, unit in enumerate(term_units):
        if not unit.cjk:
            tokens.append(unit.text.casefold())
            continue
        if i == last:
            if len(unit.text) == 1:
                tokens.append(unit.text)
                prefix = True
            else:
                tokens.extend(_run_tokens(unit.text, tail=False))
        else:
            tokens.extend(_run_tokens(unit.text, tail=True))
    return tokens, prefix
