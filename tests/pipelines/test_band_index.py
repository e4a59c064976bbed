"""The in-memory LSH band index answers like a brute-force comparison of band keys, across merges."""

import numpy as np

from crawler.neardup import BANDS, NUM_PERM, BandIndex, band_key_matrix


def brute_hits(all_ids, all_values, probe_values):
    probe = band_key_matrix(probe_values.reshape(1, -1))[0]
    keys = band_key_matrix(all_values)
    counts = (keys == probe).sum(axis=1)
    return {aid: int(n) for aid, n in zip(all_ids, counts, strict=True) if n}


def test_hits_match_brute_force_through_recent_additions_and_merges():
    rng = np.random.default_rng(3)
    index, ids, values = BandIndex(recent_limit=20_000), [], []  # merges every few batches
    base = rng.integers(0, 2**32, size=(50, NUM_PERM), dtype=np.uint32)
    for batch in range(12):
        size = 1500 if batch == 5 else 300  # one large batch goes straight into the sorted arrays
        fresh = rng.integers(0, 2**32, size=(size, NUM_PERM), dtype=np.uint32)
        # Near-copies: rows that share some bands with a base row (within a batch and across batches).
        for row in range(0, size, 25):
            fresh[row] = base[(row // 25 + batch) % 50]
            fresh[row, : NUM_PERM // 2] = rng.integers(0, 2**32, size=NUM_PERM // 2, dtype=np.uint32)
        new_ids = [f"{batch}-{i}" for i in range(size)]
        index.add(new_ids, fresh)
        ids += new_ids
        values.append(fresh)
    all_values = np.concatenate(values)
    assert len(index) == len(ids) * BANDS
    for row in range(50):
        expected = brute_hits(ids, all_values, base[row])
        assert expected and index.hits(band_key_matrix(base[row].reshape(1, -1))[0].tolist()) == expected
    assert index.hits(band_key_matrix(all_values[7].reshape(1, -1))[0].tolist())["0-7"] == BANDS
