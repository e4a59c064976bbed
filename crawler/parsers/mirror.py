"""Mirror copies: Traditional characters with toned pinyin in ASCII brackets ("發(fā)展", "日?qǐng)?bào)").

``undo_mirror`` strips the annotations and converts to Simplified, but only for a page that has both the
pinyin pattern (several times) and Traditional characters: a genuine Simplified page is never touched.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = rf"[a-zü]{{0,5}}[{_TONED}][a-zü{_TONED}]{{0,5}}"
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# "發(fā)" -> "發": one toned syllable in brackets right after a Han character (stray inner spaces allowed).
# (The literal "(" comes first so the regex engine can skip ahead to it; the lookbehind then checks the Han.)
PINYIN = re.compile(rf"\((?<=[{_HAN}]\()\s*{_SYLLABLE}\s*\)")
# "日?qǐng)?bào)" -> "日??": a "?" that swallowed the opening bracket, then a bare syllable and ")".
MOJIBAKE = re.compile(rf"\?\s*{_SYLLABLE}\s*\)")
MIN_ANNOTATIONS = 3
SAMPLE_CHARS = 30  # text before each of the first annotations, checked for Traditional characters


@lru_cache(maxsize=1)
def _converter():  # created once, and only when a mirror is met
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def looks_like_mirror(text: str) -> bool:
    """True when ``text`` carries the pinyin annotations of a mirror copy.

    The regex opens with a literal "(", so on an ordinary page this costs about one scan for brackets."""
    count = 0
    for _ in PINYIN.finditer(text):
        count += 1
        if count >= MIN_ANNOTATIONS:
            return True
    return False


def strip_pinyin(text: str) -> tuple[str, bool]:
    """(text without the annotations, whether mojibake was met)."""
    text, mojibake = MOJIBAKE.subn("?", text)
    return PINYIN.sub("", text), bool(mojibake)


def is_traditional_around_annotations(text: str) -> bool:
    """Whether the text just before the pinyin annotations changes under t2s (a sample, not the page)."""
    starts = [m.start() for m in itertools.islice(PINYIN.finditer(text), 20)]
    sample = "".join(text[max(0, start - SAMPLE_CHARS) : start] for start in starts)
    return to_simplified(sample) != sample


def undo_mirror(text: str) -> tuple[str, bool, bool]:
    """(text, is_mirror, had_mojibake). A page that is not a Traditional mirror comes back unchanged."""
    if not looks_like_mirror(text):
        return text, False, False
    if not is_traditional_around_annotations(text):  # pinyin on a Simplified page: a lesson, not a mirror
        return text, False, False
    stripped, mojibake = strip_pinyin(text)
    return to_simplified(stripped), True, mojibake
