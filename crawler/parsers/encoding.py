"""Bytes to text: a given encoding, else the BOM, else the <meta> charset, else detection.

gb2312 and gbk are decoded as their superset gb18030 (pages labelled gb2312 routinely hold GBK characters).
"""

from __future__ import annotations

import codecs
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


class UnknownEncoding(LookupError):
    """An encoding name that Python does not know."""


@lru_cache(maxsize=256)  # a crawl meets a handful of labels; w3lib's lookup costs a few microseconds
def normalise_encoding(name: str) -> str:
    """The codec to decode ``name`` with ("GB2312" -> "gb18030"); UnknownEncoding when there is none."""
    label = name.strip().strip("\"'").lower()
    if label in SUPERSETS:
        return SUPERSETS[label]
    resolved = resolve_encoding(label)
    if resolved is None:
        try:
            resolved = codecs.lookup(label).name
        except LookupError:
            raise UnknownEncoding(f"unknown encoding: {name!r}") from None
    return SUPERSETS.get(resolved, resolved)


def decode_html(body: bytes | str, encoding: str | None = None) -> tuple[str, str]:
    """(text, codec used). A str is returned as is (codec "unicode").

    An ``encoding`` Python does not know is ignored (the BOM, <meta> and detection decide), as browsers do
    with an unknown header label; callers that must reject it check ``normalise_encoding`` first.
    """
    if isinstance(body, str):
        return body, "unicode"
    codec = None
    if encoding:
        try:
            codec = normalise_encoding(encoding)
        except UnknownEncoding:  # a bogus header label: ignored, as browsers do
            codec = None
    if codec:
        bom_codec, bom = read_bom(body)
        if bom and bom_codec and normalise_encoding(bom_codec) == codec:
            body = body[len(bom) :]
        return body.decode(codec, errors="replace"), codec
    bom_codec, bom = read_bom(body)
    if bom_codec and bom:  # read_bom gives both or neither
        codec = normalise_encoding(bom_codec)
        return body[len(bom) :].decode(codec, errors="replace"), codec
    declared = html_body_declared_encoding(body[:4096])
    if declared:
        try:
            codec = normalise_encoding(declared)
        except UnknownEncoding:
            codec = None
        if codec:
            return body.decode(codec, errors="replace"), codec
    for codec in DETECTION_ORDER:
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", errors="replace"), "utf-8"
