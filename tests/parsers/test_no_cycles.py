"""A parse leaves no reference cycles: the page's tree and everything built from it are freed by reference
counting when parse_article returns, not by the garbage collector (whose collections, triggered by what the
cycles hold, cost a crawl's parser ~15% of its time, and which keeps each page's tree alive until it runs)."""

import gc

from fixture_cases import load_cases

CASES = [case for case in load_cases() if not case.refused]


def test_parsing_every_article_fixture_leaves_no_cyclic_garbage():
    for case in CASES:  # first calls fill caches and import modules (their objects are no parse's garbage)
        case.parse()
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        left = {}
        for case in CASES:
            case.parse()
            found = gc.collect()
            if found:
                left[case.name] = found
    finally:
        if was_enabled:
            gc.enable()
    assert left == {}, f"objects only the garbage collector could free, per fixture: {left}"
