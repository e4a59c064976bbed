from crawler.search.cjk import index_text, normalise, term_tokens, units


def test_cjk_run_becomes_bigrams_and_tail():
    assert index_text("成都市") == "成都 都市 市"


def test_one_character_run_is_itself():
    assert index_text("在 成 。") == "在 成"


def test_latin_and_digits_split_from_cjk_and_lowercased():
    assert index_text("推进5G网络和AIGC") == "推进 进 5g 网络 络和 和 aigc"


def test_full_width_latin_is_normalised_without_moving_offsets():
    text = "ＡＩＧＣ产业"
    assert normalise(text) == "AIGC产业"
    assert len(normalise(text)) == len(text)
    assert index_text(text) == "aigc 产业 业"


def test_punctuation_separates_runs():
    assert index_text("大运。运会") == "大运 运 运会 会"


def test_term_tokens_one_character_is_a_prefix():
    assert term_tokens(units("成")) == (["成"], True)


def test_term_tokens_last_run_has_no_tail():
    assert term_tokens(units("大运会")) == (["大运", "运会"], False)


def test_term_tokens_inner_run_keeps_tail():
    assert term_tokens(units("成都，大运会")) == (["成都", "都", "大运", "运会"], False)


def test_term_tokens_mixed():
    assert term_tokens(units("5G网络")) == (["5g", "网络"], False)
    assert term_tokens(units("2024年")) == (["2024", "年"], True)
