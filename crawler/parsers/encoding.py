"""Bytes to text, checking every declared charset against the bytes.

Candidates, in order: the BOM (decisive), the charset the caller was given (the HTTP header or
``--encoding``), the ``<meta>`` charset, then detection (UTF-8, then gb18030). A declaration is believed only
when the bytes bear it out: strictly valid UTF-8 holding multi-byte characters beats a declared GB (or any
other) charset, and a decode full of replacement characters gives way to the next candidate. When the text
was not decoded with the charset the page declared, ``Decoded.mismatch`` is set (the record's
``charset-mismatch`` warning). gb2312 and gbk are decoded as their superset gb18030 (pages labelled gb2312
routinely hold GBK characters). Labels that name no text codec (``base64``, ``zlib``, ``rot13``, ``hex``,
``idna``, ...) are ignored like unknown ones.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

# Labels decoded as a superset (w3lib's table covers most; these are made explicit).
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
}
DETECTION_ORDER = ("utf-8", "gb18030")
# Python codecs that are text codecs by Python's flag but no charset a page can be in (or a risky one).
NOT_A_CHARSET = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7", "mbcs", "oem"}
)
# A meta tag cannot declare these (it would not be readable as ASCII): WHATWG reads them as UTF-8.
_META_WIDE = ("utf-16", "utf-32")
# A decode keeping at most this share of replacement characters (per non-ASCII character) is acceptable.
MAX_REPLACED_SHARE = 0.002
MAX_REPLACED_FEW = 2


class UnknownEncoding(LookupError):
    """An encoding name that names no text codec Python knows."""


@dataclass(frozen=True)
class Decoded:
    text: str
    codec: str  # the codec used ("unicode" for a str given as is)
    mismatch: bool = False  # a declared charset was overruled by the bytes
    replaced: int = 0  # replacement characters the decode introduced
    exact: bool = False  # the text is the bytes read as strict UTF-8, whole (the bytes are its UTF-8)


@lru_cache(maxsize=256)  # a crawl meets a handful of labels; w3lib's lookup costs a few microseconds
def normalise_encoding(name: str) -> str:
    """The codec to decode ``name`` with ("GB2312" -> "gb18030"); UnknownEncoding when there is none, or when
    the label names a codec that is no charset (base64, zlib, rot13, hex, idna, ...)."""
    label = name.strip().strip("\"'").lower()
    if label in SUPERSETS:
        return SUPERSETS[label]
    try:
        resolved = resolve_encoding(label) or codecs.lookup(label).name
        info = codecs.lookup(resolved)
    except (LookupError, ValueError, TypeError):
        raise UnknownEncoding(f"unknown encoding: {name!r}") from None
    codec = info.name
    if not getattr(info, "_is_text_encoding", True) or codec in NOT_A_CHARSET:
        raise UnknownEncoding(f"not a text encoding: {name!r}")
    return SUPERSETS.get(codec, codec)


def _codec_or_none(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return normalise_encoding(label)
    except UnknownEncoding:
        return None


def _utf8_strict(body: bytes) -> tuple[str | None, int]:
    """(the text, -1) when ``body`` is strictly valid UTF-8, else (None, offset of the first bad byte)."""
    try:
        return body.decode("utf-8"), -1
    except UnicodeDecodeError as exc:
        return None, exc.start


def _decode(body: bytes, codec: str) -> tuple[str, int] | None:
    """(text, replacement characters introduced), or None when the codec cannot run on these bytes."""
    try:
        text = body.decode(codec, errors="replace")
    except (LookupError, UnicodeError, TypeError, ValueError):
        return None
    replaced = text.count("\ufffd")
    if replaced and codec.startswith("utf-8"):
        replaced -= body.count(b"\xef\xbf\xbd")  # U+FFFD written in the page itself
    return text, max(replaced, 0)


def _acceptable(text: str, replaced: int) -> bool:
    if replaced <= MAX_REPLACED_FEW:
        return True
    non_ascii = sum(1 for ch in text if ord(ch) > 127) if len(text) < 200_000 else len(text)
    return replaced <= MAX_REPLACED_SHARE * non_ascii


def decode(body: bytes | str, encoding: str | None = None) -> Decoded:
    """The page's text; see the module docstring for the order and the checks."""
    if isinstance(body, str):
        return Decoded(body, "unicode")
    header = _codec_or_none(encoding)
    bom_codec, bom = read_bom(body)
    if bom_codec and bom:  # read_bom gives both or neither; a BOM is decisive
        codec = normalise_encoding(bom_codec)
        result = _decode(body[len(bom) :], codec)
        if result is not None:
            mismatch = header is not None and header != codec
            return Decoded(result[0], codec, mismatch, result[1])
    meta = None
    if header is None:
        meta = _codec_or_none(html_body_declared_encoding(body[:4096]))
        if meta is not None and meta.startswith(_META_WIDE):
            meta = "utf-8"
    declared = header or meta
    strict, bad_at = _utf8_strict(body)
    if strict is not None:
        if declared in (None, "utf-8") or not strict.isascii():
            return Decoded(strict, "utf-8", declared not in (None, "utf-8"), exact=True)
    elif declared not in (None, "utf-8") and bad_at > len(body) // 2:
        # nearly valid UTF-8 (a page cut inside a character, a stray byte late in the page) still beats a
        # declared GB charset (GB text fails as UTF-8 at its first Chinese character, near the top)
        result = _decode(body, "utf-8")
        if result is not None and result[1] <= MAX_REPLACED_FEW:
            text, replaced = result
            if sum(1 for ch in text[:20_000] if ord(ch) > 127) >= 20:
                return Decoded(text, "utf-8", True, replaced)
    candidates = [c for c in (declared, *DETECTION_ORDER) if c]
    best: tuple[int, str, str] | None = None
    for codec in dict.fromkeys(candidates):
        result = _decode(body, codec)
        if result is None:
            continue
        text, replaced = result
        if _acceptable(text, replaced):
            return Decoded(text, codec, declared is not None and codec != declared, replaced)
        if best is None or replaced < best[0]:
            best = (replaced, codec, text)
    if best is None:  # no candidate could run at all (cannot happen with utf-8 among them)
        text = body.decode("utf-8", errors="replace")
        return Decoded(text, "utf-8", declared is not None, text.count("\ufffd"))
    replaced, codec, text = best
    return Decoded(text, codec, declared is not None and codec != declared, replaced)


def decode_html(body: bytes | str, encoding: str | None = None) -> tuple[str, str]:
    """(text, codec used). A str is returned as is (codec "unicode"). See ``decode``."""
    decoded = decode(body, encoding)
    return decoded.text, decoded.codec
