import pytest

from crawler.parsers.encoding import UnknownEncoding, decode_html, normalise_encoding

TEXT = "四川日报 镕"  # 镕 is in GBK but not in GB2312


def page(charset_meta: str, text: str = TEXT) -> str:
    return f"<html><head>{charset_meta}</head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk", "cp936"])
def test_gb_labels_decode_as_gb18030(label):
    assert normalise_encoding(label) == "gb18030"


def test_given_encoding_wins_over_meta():
    body = page('<meta charset="utf-8">').encode("gb18030")
    text, codec = decode_html(body, "gb2312")
    assert codec == "gb18030" and TEXT in text


def test_bom_wins_over_meta():
    body = b"\xef\xbb\xbf" + page('<meta charset="gb2312">').encode("utf-8")
    text, codec = decode_html(body)
    assert codec == "utf-8" and TEXT in text and not text.startswith("\ufeff")


def test_meta_charset_with_gbk_only_character():
    body = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    text, codec = decode_html(body)
    assert codec == "gb18030" and TEXT in text


def test_detection_without_any_declaration():
    assert decode_html(page("").encode("utf-8")) == (page(""), "utf-8")
    text, codec = decode_html(page("").encode("gb18030"))
    assert codec == "gb18030" and TEXT in text


def test_str_passes_through():
    assert decode_html("<p>已解码</p>") == ("<p>已解码</p>", "unicode")


def test_unknown_encoding():
    with pytest.raises(UnknownEncoding):
        normalise_encoding("klingon")


def test_unknown_header_label_falls_back_to_meta():
    body = page('<meta charset="gbk">').encode("gbk")
    text, codec = decode_html(body, "x-user-defined-nonsense")
    assert codec == "gb18030" and TEXT in text
