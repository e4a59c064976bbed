import asyncio

import numpy as np
from datasketch import MinHash
from pipeline_helpers import FIXTURES, Crawl, article, fixture_article, text

from crawler import neardup
from crawler.neardup import jaccard, normalise_text, shingle_set


def similarity(a: str, b: str) -> float:
    return jaccard(shingle_set(normalise_text(text(a))), shingle_set(normalise_text(text(b))))


def test_hand_made_pairs_fall_on_the_right_side_of_the_threshold():
    assert 0.6 < similarity("aigc_original", "aigc_reissue") < 0.7
    for other in ("aigc_other_1", "aigc_other_2"):
        assert similarity("aigc_original", other) < 0.05


def test_a_partner_reissue_is_stored_and_linked_to_the_original(crawl, query):
    original = article("207510", text("aigc_original"))
    reissue = article(
        "207530", text("aigc_reissue"), published_at="2024-04-11T16:20:00+08:00", source="川观新闻"
    )
    run = crawl([original, reissue])

    rows = query("SELECT article_id, duplicate_of, similarity FROM articles ORDER BY article_id")
    assert [(r["article_id"], r["duplicate_of"]) for r in rows] == [("207510", None), ("207530", "207510")]
    assert 0.6 < rows[1]["similarity"] < 0.7
    assert run.stat("new") == 2 and run.stat("duplicates") == 1


def test_a_channel_reissue_of_a_partner_article_links_to_it(crawl, query):
    # The Chengdu Daily piece (fixture 11) re-issued the next day under the channel's dateline: the quote
    # paragraph dropped, two phrases reworded, the byline replaced by (完).
    partner = fixture_article("11-republished-partner")
    reissue = article(
        "219520", text("metro_reissue"), published_at="2024-11-19T15:02:00+08:00", source="中国新闻网"
    )
    run = crawl([reissue, partner])  # the original is crawled second: the re-issue is relinked to it
    assert run.stat("new") == 2 and run.stat("duplicates") == 1
    rows = query("SELECT article_id, duplicate_of, similarity FROM articles ORDER BY article_id")
    assert rows == [
        {"article_id": "219471", "duplicate_of": None, "similarity": None},
        {"article_id": "219520", "duplicate_of": "219471", "similarity": 0.6152},
    ]


def test_unrelated_articles_on_the_same_topic_do_not_link(crawl, query):
    crawl(
        [
            article("207510", text("aigc_original")),
            article("207601", text("aigc_other_1"), published_at="2024-04-18T09:00:00+08:00"),
            article("207655", text("aigc_other_2"), published_at="2024-04-20T18:00:00+08:00"),
        ]
    )
    assert query("SELECT COUNT(*) AS n FROM articles WHERE duplicate_of IS NOT NULL") == [{"n": 0}]


def test_links_work_across_runs(crawl, query):
    crawl([article("207510", text("aigc_original"))])
    run = crawl([article("207530", text("aigc_reissue"), published_at="2024-04-12T08:00:00+08:00")])
    assert query("SELECT duplicate_of FROM articles WHERE article_id = '207530'") == [
        {"duplicate_of": "207510"}
    ]
    assert run.stat("duplicates") == 1


def test_an_original_crawled_after_its_copies_becomes_their_target(crawl, query):
    late = "2024-04-12T08:00:00+08:00"
    crawl([article("207530", text("aigc_reissue"), published_at=late)])
    crawl([article("207540", text("aigc_reissue") + "\n(完)", published_at=late)])
    run = crawl([article("207510", text("aigc_original"))])
    assert run.stat("duplicates") == 1  # 207530 becomes a copy now; 207540 already was one (of 207530)

    rows = query("SELECT article_id, duplicate_of, similarity FROM articles ORDER BY article_id")
    assert [(r["article_id"], r["duplicate_of"]) for r in rows] == [
        ("207510", None),
        ("207530", "207510"),
        ("207540", "207510"),
    ]
    assert all(0.6 < r["similarity"] < 0.7 for r in rows[1:])


def test_minhash_values_are_datasketchs():
    hashes = neardup.shingle_hashes(normalise_text(text("aigc_original")))
    reference = MinHash(
        num_perm=neardup.NUM_PERM, hashfunc=int, permutations=neardup._PERMUTATIONS, scheme="affine32"
    )
    reference.update_batch(hashes)
    assert np.array_equal(neardup.minhash_values(hashes), reference.hashvalues)
    copy = neardup.minhash(neardup.shingle_hashes(normalise_text(text("aigc_reissue"))))
    assert 0.45 < copy.jaccard(reference) < 0.85  # the estimate of 0.65 from 60 permutations


def test_a_copy_stored_by_another_crawl_running_at_the_same_time_is_found(db_path, query):
    cron, manual = Crawl(db_path), Crawl(db_path)

    async def run():
        await manual.manager.open_spider_async()
        await manual.manager.process_item_async(article("207601", text("aigc_other_1")))  # index loaded
        await cron.manager.open_spider_async()
        await cron.manager.process_item_async(article("207510", text("aigc_original")))
        await cron.manager.close_spider_async()  # commits the original
        reissue = article("207530", text("aigc_reissue"), published_at="2024-04-12T08:00:00+08:00")
        await manual.manager.process_item_async(reissue)
        await manual.manager.close_spider_async()

    asyncio.run(run())
    rows = query("SELECT article_id, duplicate_of FROM articles ORDER BY article_id")
    assert rows == [
        {"article_id": "207510", "duplicate_of": None},
        {"article_id": "207530", "duplicate_of": "207510"},
        {"article_id": "207601", "duplicate_of": None},
    ]


def test_the_fixture_articles_do_not_link(crawl, query):
    # Distinct articles written by hand for the parser fixtures; 01 and 25 report the same kind of event
    # (四川启动防汛四级应急响应, 2013 and 2024) and are the closest pair, at Jaccard 0.075.
    expected = sorted(FIXTURES.glob("*/expected.json"))
    cases = [p.parent.name for p in expected if '"error"' not in p.read_text(encoding="utf-8")]
    articles = [a for a in map(fixture_article, cases) if a.body and a.article_id]
    flood_2013, flood_2024 = fixture_article("01-sc2013-gb2312"), fixture_article("25-hours-ago")
    assert 0.05 < similarity_of(flood_2013.body, flood_2024.body) < 0.1
    run = crawl(articles)
    assert run.stat("new") == len(articles) >= 20
    assert query("SELECT article_id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL") == []


def similarity_of(a: str, b: str) -> float:
    return jaccard(shingle_set(normalise_text(a)), shingle_set(normalise_text(b)))
