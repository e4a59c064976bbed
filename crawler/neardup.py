"""Near-duplicate detection: MinHash (datasketch's scheme) over character shingles, LSH bands, exact Jaccard.

A near-copy is a partner's article republished under another id, or a lightly edited re-issue. Each stored
article keeps its MinHash in ``article_minhash``; a crawl builds the LSH band index from that table in memory
(one vectorised pass, then only the rows added since). A new article computes its band keys and looks them up
(binary searches: the cost does not grow with the archive); the candidates found there or in the current,
not yet committed batch are screened by their MinHash estimate and verified by the exact Jaccard similarity
of their shingle sets; the link goes to the earliest verified article.

Choices (tuned on hand-made pairs in tests/pipelines/data/ and on bench/store.py's planted copies):
- shingles of ``SHINGLE_K`` = 5 characters of the body with whitespace and punctuation removed: Chinese words
  are mostly two characters, so 5 characters span two to three words. Unrelated articles on one topic
  (three pieces on Sichuan's AI industry) share phrases (人工智能, 四川省) but almost no 5-character runs:
  Jaccard 0.003-0.008; a partner's re-issue with a new dateline, one paragraph dropped and a dozen edited
  phrases keeps 0.65 (k=3: 0.02 / 0.69, k=7: 0.00 / 0.62; k=5 keeps copies high, unrelated pairs near 0).
  Over the 300 pairs of the parser fixtures' distinct articles the highest Jaccard is 0.075 (two flood
  response reports, 2013 and 2024, sharing the set phrase 四川启动防汛四级应急响应), the next 0.024;
- ``LINK_THRESHOLD`` = 0.5 exact Jaccard links a pair: a wide margin over unrelated pairs, and low enough for
  a copy that drops a third of the text;
- ``NUM_PERM`` = 96 permutations in ``BANDS`` = 24 bands of ``ROWS`` = 4: a pair becomes a candidate with
  probability 1 - (1 - J^4)^24: 0.79 at J = 0.5, 0.90 at 0.55, 0.96 at 0.6, 0.9986 at 0.7, but 2.4e-7 at
  J = 0.01 and 1.5e-8 at 0.005 (unrelated articles), so even with a million stored a new article meets
  well under one false candidate on average. Three rows per band (60 permutations) found copies at J = 0.5
  more often (0.93) but let unrelated pairs through 40 times more (J^3 against J^4): 6 false candidates per
  article at 100,000 stored in bench/store.py, a cost that grew with the archive.
Measured by bench/store.py (100,000 synthetic articles, 5% planted copies with a new dateline, maybe a
paragraph dropped and 1.5% of characters replaced): precision 1.0, recall 0.992 (0.994 for the copies at
J >= 0.5), dedup cost 242 us an article with 10,000 stored and 268 us with 100,000.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

SHINGLE_K = 5
BANDS = 24
ROWS = 4
NUM_PERM = BANDS * ROWS
LINK_THRESHOLD = 0.5
MAX_CANDIDATES = 20
SCREEN_MARGIN = 0.2  # candidates whose MinHash estimate is under LINK_THRESHOLD - this are not verified
MIN_SHINGLES = 8  # a text shorter than this (video blurbs) is never linked: too little to compare

# datasketch's "affine32" permutations: h -> a * fmix32(h) + b (mod 2^32), a odd.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=20240411, scheme="affine32").permutations
_A = _PERMUTATIONS[0].astype(np.uint32)
_B = _PERMUTATIONS[1].astype(np.uint32)
_NOT_WORD = re.compile(r"[\W_]+")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_POLY = np.uint64(0x100000001B3)
_ROW_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
                    dtype=np.uint64)[:ROWS]  # fmt: skip
_BAND_SALT = (np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0xFF51AFD7ED558CCD)).reshape(-1, 1)


def normalise_text(text: str) -> str:
    """Lower-cased text with whitespace, punctuation and symbols removed (Han, letters and digits kept)."""
    return _NOT_WORD.sub("", text or "").lower()


def shingle_set(norm: str, k: int = SHINGLE_K) -> set[str]:
    """The set of ``k``-character shingles of an already normalised text (the whole text when shorter)."""
    if len(norm) <= k:
        return {norm} if norm else set()
    return {norm[i : i + k] for i in range(len(norm) - k + 1)}


def shingle_hashes(norm: str, k: int = SHINGLE_K) -> np.ndarray:
    """32-bit hashes of the ``k``-character shingles (repeats kept: they do not change a MinHash)."""
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        codes = np.concatenate([codes, np.zeros(k - len(codes), dtype=np.uint64)]) if len(codes) else codes
    if not len(codes):
        return np.zeros(0, dtype=np.uint32)
    n = len(codes) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = h * _POLY + codes[j : j + n]
    h = h * _MIX  # spread the polynomial over the high bits, then keep them
    return (h >> np.uint64(32)).astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before its affine permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(hashes: np.ndarray) -> np.ndarray:
    """The ``NUM_PERM`` MinHash values of a set of 32-bit hashes.

    Identical to ``datasketch.MinHash(scheme="affine32", permutations=...).update_batch(hashes).hashvalues``
    (tests/pipelines/test_near_duplicates.py checks it), in one numpy pass instead of datasketch's
    per-element Python hashing loop, which cost more than the rest of the pipeline together.
    """
    if not len(hashes):
        return np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    permuted = np.multiply.outer(_fmix32(hashes.astype(np.uint32)), _A)
    permuted += _B
    return permuted.min(axis=0)


def minhash(hashes: np.ndarray) -> MinHash:
    """The same values as a datasketch MinHash object (for estimates and comparisons)."""
    return MinHash(
        num_perm=NUM_PERM, hashvalues=minhash_values(hashes), permutations=_PERMUTATIONS, scheme="affine32"
    )


def band_key_matrix(values: np.ndarray) -> np.ndarray:
    """For MinHash values of shape (n, NUM_PERM): the (n, BANDS) signed 64-bit LSH band keys.

    A key mixes the band number with the band's ``ROWS`` values, so equal keys mean (up to 2^-64) that the
    band agrees.
    """
    rows = values.astype(np.uint64).reshape(-1, BANDS, ROWS) * _ROW_MIX
    h = np.bitwise_xor.reduce(rows, axis=2) ^ _BAND_SALT.reshape(1, BANDS)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    h = h ^ (h >> np.uint64(29))
    return h.view(np.int64)


def band_keys(values: np.ndarray) -> list[int]:
    """The ``BANDS`` LSH band keys of one MinHash."""
    return band_key_matrix(values.reshape(1, -1))[0].tolist()


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass
class Signature:
    norm: str
    values: np.ndarray  # the MinHash values
    keys: list[int]  # the LSH band keys

    @property
    def comparable(self) -> bool:
        return len(self.norm) - SHINGLE_K + 1 >= MIN_SHINGLES


def signature(body: str) -> Signature:
    norm = normalise_text(body)
    values = minhash_values(shingle_hashes(norm))
    return Signature(norm=norm, values=values, keys=band_keys(values))


def earliest_key(published_at: str | None, article_id: str) -> tuple[str, int, str]:
    """Sort key: publish time, then the site-wide id (it only grows), then the id as text."""
    return (published_at or "9999", int(article_id) if article_id.isdigit() else 1 << 62, article_id)


def jaccard_many(norm: str, others: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Exact Jaccard of ``norm`` against each (article_id, other normalised text)."""
    mine = shingle_set(norm)
    return {aid: jaccard(mine, shingle_set(text)) for aid, text in others}


@dataclass
class Known:
    """What the index needs to know of an article it may link to (``norm`` loaded only when needed)."""

    article_id: str
    published_at: str | None
    duplicate_of: str | None
    values: np.ndarray | None
    norm: str | None = None


@dataclass
class Link:
    duplicate_of: str | None = None
    similarity: float | None = None
    # Candidates later than the new article, which becomes their original: (article_id, similarity).
    relinks: list[tuple[str, float]] | None = None


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity: the share of equal values."""
    return float(np.count_nonzero(a == b)) / len(a)


class BandIndex:
    """LSH buckets in memory: band key -> positions in ``ids``, as sorted numpy arrays plus a recent part.

    Built from the ``article_minhash`` table (one vectorised pass) and kept current by reading the rows
    added since; a lookup is two vectorised binary searches and ``BANDS`` dictionary reads, whatever the
    number of articles. Recent additions live in a dict (one position per key; the rare shared keys in
    ``_shared``) and are merged into the sorted arrays when they outgrow them, so merging stays amortised.
    """

    def __init__(self, recent_limit: int = 100_000) -> None:
        self.recent_limit = recent_limit  # band entries kept in the dict before a merge (at least)
        self.ids: list[str] = []
        self._keys = np.zeros(0, dtype=np.int64)  # sorted
        self._pos = np.zeros(0, dtype=np.int32)
        self._recent: dict[int, int] = {}
        self._shared: dict[int, list[int]] = {}  # recent keys with more than one position (extra ones)
        self._recent_count = 0

    def __len__(self) -> int:
        return len(self._keys) + self._recent_count

    def add(self, article_ids: list[str], values: np.ndarray) -> None:
        """Index articles given their MinHash values (shape (n, NUM_PERM))."""
        if not article_ids:
            return
        first = len(self.ids)
        self.ids.extend(article_ids)
        keys = band_key_matrix(values).reshape(-1)
        pos = np.repeat(np.arange(first, first + len(article_ids), dtype=np.int32), BANDS)
        limit = max(self.recent_limit, len(self._keys))
        if len(article_ids) > 1000 or self._recent_count + keys.size > limit:
            self._merge(keys, pos)
            return
        flat_k, flat_p = keys.tolist(), pos.tolist()
        fresh = dict(zip(flat_k, flat_p, strict=True))
        clash = fresh.keys() & self._recent.keys()
        if len(fresh) == len(flat_k) and not clash:
            self._recent.update(fresh)  # the usual case: no key seen before
        else:
            for key, p in zip(flat_k, flat_p, strict=True):
                if key in self._recent and self._recent[key] != p:
                    self._shared.setdefault(key, []).append(p)
                else:
                    self._recent[key] = p
        self._recent_count += keys.size

    def _merge(self, keys: np.ndarray, pos: np.ndarray) -> None:
        parts_k, parts_p = [self._keys, keys], [self._pos, pos]
        if self._recent:
            parts_k.append(np.fromiter(self._recent.keys(), dtype=np.int64, count=len(self._recent)))
            parts_p.append(np.fromiter(self._recent.values(), dtype=np.int32, count=len(self._recent)))
            for key, extra in self._shared.items():
                parts_k.append(np.full(len(extra), key, dtype=np.int64))
                parts_p.append(np.array(extra, dtype=np.int32))
        all_k, all_p = np.concatenate(parts_k), np.concatenate(parts_p)
        order = np.argsort(all_k, kind="stable")
        self._keys, self._pos = all_k[order], all_p[order]
        self._recent, self._shared, self._recent_count = {}, {}, 0

    def hits(self, keys: list[int]) -> dict[str, int]:
        """Article id -> number of bands it shares with ``keys``."""
        found: dict[str, int] = {}
        if len(self._keys):
            probe = np.array(keys, dtype=np.int64)
            lo = np.searchsorted(self._keys, probe, side="left")
            hi = np.searchsorted(self._keys, probe, side="right")
            for i in np.flatnonzero(hi > lo).tolist():
                for p in self._pos[lo[i] : hi[i]].tolist():
                    found[self.ids[p]] = found.get(self.ids[p], 0) + 1
        if self._recent:
            for key in keys:
                p = self._recent.get(key)
                if p is not None:
                    for q in (p, *self._shared.get(key, ())):
                        found[self.ids[q]] = found.get(self.ids[q], 0) + 1
        return found


class NearDupIndex:
    """Finds the near-copies of an article among the stored ones and the pending batch.

    Per article: ``BANDS`` lookups in the in-memory band index, then for each candidate (at most
    ``MAX_CANDIDATES``) primary-key reads of its MinHash, publish time and link; only candidates whose MinHash
    estimate reaches ``LINK_THRESHOLD - SCREEN_MARGIN`` (0.3; a pair at J = 0.5 estimates under that with
    probability under 0.1% at 96 permutations) have their body read for the exact Jaccard. The band index is
    built once per crawl from ``article_minhash`` (lazily, at the first article that needs it) and then
    reads only rows added since, including those of another crawl writing at the same time.
    """

    def __init__(self, db, threshold: float = LINK_THRESHOLD, max_candidates: int = MAX_CANDIDATES):
        self.db = db
        self.threshold = threshold
        self.screen = max(0.0, threshold - SCREEN_MARGIN)
        self.max_candidates = max_candidates
        self.bands = BandIndex()
        self._loaded_to: int | None = None  # highest article_minhash.id indexed; None: not loaded yet
        self._data_version: int | None = None  # changes when another connection commits
        self._pending_bands: dict[int, list[str]] = {}
        self._pending: dict[str, Known] = {}

    def refresh(self) -> int:
        """Index the ``article_minhash`` rows added since the last call; returns how many."""
        start = self._loaded_to or 0
        cursor = self.db.conn.execute(
            "SELECT id, article_id, minhash FROM article_minhash WHERE id > ? ORDER BY id", [start]
        )
        added = 0
        while rows := cursor.fetchmany(50_000):
            values = np.frombuffer(b"".join(r[2] for r in rows), dtype="<u4").reshape(len(rows), NUM_PERM)
            self.bands.add([r[1] for r in rows], values)
            self._loaded_to = rows[-1][0]
            added += len(rows)
        if self._loaded_to is None:
            self._loaded_to = 0
        return added

    def committed(self) -> None:
        """The pending batch is in the database now: index it from there (with any other crawl's rows)."""
        self._pending.clear()
        self._pending_bands.clear()
        if self._loaded_to is not None:
            self.refresh()

    def candidates(self, sig: Signature, exclude: str) -> list[str]:
        version = self.db.conn.execute("PRAGMA data_version").fetchone()[0]
        if self._loaded_to is None or version != self._data_version:
            self.refresh()  # first use, or another crawl committed articles meanwhile
            self._data_version = version
        hits = self.bands.hits(sig.keys)
        for key in sig.keys:
            for aid in self._pending_bands.get(key, ()):
                hits[aid] = hits.get(aid, 0) + 1
        hits.pop(exclude, None)
        return sorted(hits, key=lambda aid: -hits[aid])[: self.max_candidates]

    def _known(self, ids: list[str]) -> list[Known]:
        found = [self._pending[aid] for aid in ids if aid in self._pending]
        rest = [aid for aid in ids if aid not in self._pending]
        if rest:
            rows = self.db.conn.execute(
                "SELECT a.article_id, a.published_at, a.duplicate_of, m.minhash FROM articles a "
                "LEFT JOIN article_minhash m ON m.article_id = a.article_id "
                f"WHERE a.article_id IN ({', '.join('?' * len(rest))})",
                rest,
            )
            found += [
                Known(aid, pub, dup, None if blob is None else np.frombuffer(blob, dtype="<u4"))
                for aid, pub, dup, blob in rows
            ]
        return found

    def _load_norms(self, known: list[Known]) -> None:
        missing = [k for k in known if k.norm is None]
        if not missing:
            return
        rows = self.db.conn.execute(
            f"SELECT article_id, body FROM articles WHERE article_id IN ({', '.join('?' * len(missing))})",
            [k.article_id for k in missing],
        )
        bodies = dict(rows.fetchall())
        for k in missing:
            k.norm = normalise_text(bodies.get(k.article_id) or "")

    def find(self, article_id: str, published_at: str | None, sig: Signature) -> Link:
        """The link for a new or changed article: the earliest verified near-copy, or relinks to it."""
        if not sig.comparable:
            return Link()
        ids = self.candidates(sig, exclude=article_id)
        if not ids:
            return Link()
        known = [
            k for k in self._known(ids) if k.values is None or estimate(sig.values, k.values) >= self.screen
        ]
        self._load_norms(known)
        sims = jaccard_many(sig.norm, [(k.article_id, k.norm) for k in known if k.norm])
        verified = [k for k in known if sims.get(k.article_id, 0.0) >= self.threshold]
        if not verified:
            return Link()
        mine = earliest_key(published_at, article_id)
        first = min(verified, key=lambda k: earliest_key(k.published_at, k.article_id))
        if earliest_key(first.published_at, first.article_id) < mine:
            target, similarity = first, sims[first.article_id]
            if first.duplicate_of and first.duplicate_of != article_id:
                # ``first`` is itself a copy: link to its original when this one is close to it too
                # (LSH may have missed it), else to ``first``.
                roots = self._known([first.duplicate_of])
                self._load_norms(roots)
                for root in roots:
                    root_similarity = jaccard(shingle_set(sig.norm), shingle_set(root.norm or ""))
                    if root_similarity >= self.threshold:
                        target, similarity = root, root_similarity
            return Link(target.article_id, round(similarity, 4))
        relinks = [
            (k.article_id, round(sims[k.article_id], 4))
            for k in verified
            if k.duplicate_of is None or k.duplicate_of == article_id
        ]
        for aid, _ in relinks:
            if aid in self._pending:
                self._pending[aid].duplicate_of = article_id
        return Link(relinks=relinks)

    def add_pending(self, article_id: str, published_at: str | None, sig: Signature, link: Link) -> None:
        self._pending[article_id] = Known(article_id, published_at, link.duplicate_of, sig.values, sig.norm)
        for key in sig.keys:
            self._pending_bands.setdefault(key, []).append(article_id)

    def clear_pending(self) -> None:
        """Forget the pending batch without indexing it (it was not stored)."""
        self._pending.clear()
        self._pending_bands.clear()
