from crawler.parsers.mirror import looks_like_mirror, strip_pinyin, undo_mirror

MIRROR = (
    "首頁(yè) > 四川如何因地制宜發(fā)展AIGC產(chǎn)業(yè)? 創(chuàng )新 "
    "來(lái)源:四川日?qǐng)?bào) (記者 王逸飛)(完)"
)


def test_mirror_is_stripped_and_simplified():
    text, mirror, mojibake = undo_mirror(MIRROR)
    assert mirror and mojibake
    assert text == "首页 > 四川如何因地制宜发展AIGC产业? 创新 来源:四川日?? (记者 王逸飞)(完)"


def test_real_brackets_are_kept():
    stripped, _ = strip_pinyin("電(diàn)話 (記者 王逸飛) (完) (2024) Python(py)")
    assert stripped == "電話 (記者 王逸飛) (完) (2024) Python(py)"


def test_mojibake_becomes_one_question_mark_per_syllable():
    assert strip_pinyin("四川日?qǐng)?bào)") == ("四川日??", True)


def test_genuine_simplified_page_is_untouched():
    page = "重(chóng)庆 银行(háng) 长(zhǎng)大：一篇讲多音字的简体文章。"
    assert looks_like_mirror(page)
    assert undo_mirror(page) == (page, False, False)


def test_traditional_page_without_pinyin_is_untouched():
    page = "四川發展人工智能產業"
    assert undo_mirror(page) == (page, False, False)


def test_two_annotations_are_not_enough():
    assert not looks_like_mirror("發(fā)展 產(chǎn)業")
