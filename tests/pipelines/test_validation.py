from pipeline_helpers import article, fixture_article

from pipelines.validate import problem


def test_dropped_items_are_written_to_failures(crawl, query):
    good = article("300001", "四川省" * 20)
    no_title = article("300002", "四川省" * 20, title="  ")
    no_time = article("300003", "四川省" * 20, published_at=None)
    short = article("300004", "四川省今日晴。")
    no_id = article(None, "四川省" * 20, url="https://www.sc.chinanews.com.cn/cjbd/index.shtml", channel=None)
    run = crawl([good, no_title, no_time, short, no_id])

    rows = query("SELECT url, stage, reason, attempts FROM failures ORDER BY url")
    assert rows == [
        {"url": "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/300002.html", "stage": "validate",
         "reason": "no title", "attempts": 1},
        {"url": "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/300003.html", "stage": "validate",
         "reason": "no publish time", "attempts": 1},
        {"url": "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/300004.html", "stage": "validate",
         "reason": "body too short (7 characters, 40 needed)", "attempts": 1},
        {"url": "https://www.sc.chinanews.com.cn/cjbd/index.shtml", "stage": "validate",
         "reason": "no article id (not an article URL)", "attempts": 1},
    ]  # fmt: skip
    assert [r["article_id"] for r in query("SELECT article_id FROM articles")] == ["300001"]
    assert len(run.dropped) == 4
    assert run.stat("dropped") == 4 and run.stat("dropped/validate") == 4 and run.stat("new") == 1


def test_a_second_drop_of_the_same_page_counts_an_attempt(crawl, query):
    crawl([article("300004", "太短")])
    crawl([article("300004", "太短")])
    assert query("SELECT attempts FROM failures") == [{"attempts": 2}]


def test_video_page_with_a_short_description_passes(crawl, query):
    video = fixture_article("09-cns-video")
    video.body = "成都大运会场馆迎来首批游客。"  # 14 characters, below the text minimum
    crawl([video])
    assert query("SELECT template FROM articles") == [{"template": "cns-video"}]
    assert query("SELECT * FROM failures") == []


def test_bad_publish_times_are_refused():
    bad = problem(article("1", "字" * 50, published_at="2024年4月11日"))
    assert bad == "bad publish time '2024年4月11日'"
    assert problem(article("1", "字" * 50, published_at="2024-04-11T10:57:00")) == (
        "publish time without offset '2024-04-11T10:57:00'"
    )
    assert problem(article("1", "字" * 39)) == "body too short (39 characters, 40 needed)"
    assert problem(article("1", "字" * 40)) is None


def test_a_dict_with_the_record_fields_is_handled_like_an_article(crawl, query):
    item = article("300010", "四川省" * 20).to_dict()
    bad = {**article("300011", "四川省" * 20).to_dict(), "title": ""}
    run = crawl([item, bad, {"something": "else"}])
    assert query("SELECT article_id FROM articles") == [{"article_id": "300010"}]
    assert query("SELECT reason FROM failures") == [{"reason": "no title"}]
    assert run.passed[-1] == {"something": "else"}  # not an article: passed through untouched


def test_an_item_that_breaks_a_step_is_dropped_and_recorded_not_lost(crawl, query):
    # A dict item of the wrong shape (images as a string), as a foreign spider might yield: converting it
    # fails inside the validate step; the item is dropped with the reason, and the crawl goes on.
    broken = {**article("300020", "四川省" * 20).to_dict(), "images": "photo.jpg"}
    good = article("300021", "四川省" * 20)
    run = crawl([broken, good])

    assert query("SELECT article_id FROM articles") == [{"article_id": "300021"}]
    rows = query("SELECT url, stage, reason FROM failures")
    assert [(r["url"], r["stage"]) for r in rows] == [
        ("https://www.sc.chinanews.com.cn/cjbd/2024-04-11/300020.html", "validate")
    ]
    assert rows[0]["reason"].startswith("unexpected TypeError: ")
    assert run.stat("dropped/validate") == 1 and len(run.dropped) == 1
