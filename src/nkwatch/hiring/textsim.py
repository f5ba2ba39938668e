"""Near-duplicate text: word 3-shingles, MinHash signatures and banded LSH, vectorised.

Resumes reused across an operator's identities differ by a name and a few words, so
shingle Jaccard stays high; honest resumes share only boilerplate. Tokenising runs in Arrow
and signatures in numpy over the whole column, so a million resumes take seconds, not
hours; word hashes are content hashes, so the same input gives the same pairs every run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
MAX_BUCKET = 200  # a band value shared by more documents is boilerplate, not reuse
BATCH = 100_000  # texts tokenised at once
_PUNCT = ".,;:!?()[]{}<>\"'`*|/\\~-–—…“”‘’«»、。，：；！？（）「」"


@dataclass(frozen=True)
class SimilarPair:
    a: int
    b: int
    similarity: float  # estimated Jaccard of word 3-shingles


def _params(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Multiply-xorshift hash family: h_k(x) = ((x ^ b_k) * a_k) mod 2**64, a_k odd."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, np.iinfo(np.uint64).max, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, np.iinfo(np.uint64).max, size=NUM_PERM, dtype=np.uint64)
    return a, b


def _stable_hash(words: list[str]) -> np.ndarray:
    """64-bit content hashes (BLAKE2b): the same word hashes the same in every run."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
            for w in words
        ],
        dtype=np.uint64,
    )


def _batch_shingles(texts: Sequence[str | None], first: int) -> tuple[np.ndarray, np.ndarray]:
    """(document index, shingle hash) for one batch, in document order.

    Tokenising runs in Arrow (C++): lower-case, split on whitespace, trim punctuation.
    """
    words = pc.utf8_split_whitespace(pc.utf8_lower(pa.array(texts, pa.large_string())))
    docs = pc.list_parent_indices(words).to_numpy()
    enc = pc.dictionary_encode(pc.utf8_trim(pc.list_flatten(words), characters=_PUNCT))
    vocab = enc.dictionary.to_pylist()
    codes = enc.indices.to_numpy()
    if "" in vocab:  # a token that was only punctuation
        keep = codes != vocab.index("")
        codes, docs = codes[keep], docs[keep]
    hashes = _stable_hash(vocab)[codes]
    m = len(hashes)
    tri = np.zeros(m, dtype=bool)
    tri[:-2] = docs[:-2] == docs[2:]  # a 3-shingle never spans two documents
    short = np.bincount(docs, minlength=len(texts))[docs] < 3  # 1-2 words: the words
    values = hashes.copy()
    with np.errstate(over="ignore"):
        mixed = hashes[:-2] * np.uint64(0x9E3779B97F4A7C15) + (
            hashes[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F) ^ hashes[2:]
        )
    values[:-2][tri[:-2]] = mixed[tri[:-2]]
    valid = tri | short
    return docs[valid].astype(np.int64) + first, values[valid]


def shingle_hashes(texts: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """(document index, 64-bit hash) of every word 3-shingle, sorted by document.

    Words are whitespace-separated tokens, lower-cased, punctuation trimmed from both
    ends (any script); texts of fewer than three words contribute their words. Batches bound the memory of a million texts.
    """
    docs, hashes = [np.empty(0, np.int64)], [np.empty(0, np.uint64)]
    for first in range(0, len(texts), BATCH):
        d, h = _batch_shingles(texts[first : first + BATCH], first)
        docs.append(d)
        hashes.append(h)
    return np.concatenate(docs), np.concatenate(hashes)


def signatures(texts: Sequence[str | None], seed: int = 1, max_df: float = 0.001) -> np.ndarray:
    """MinHash signature matrix (len(texts) x NUM_PERM); empty texts get all-max rows.

    Shingles found in more than ``max_df`` of the documents (and at least 20) are
    boilerplate ("years of experience in") and are dropped first, so buckets stay small and
    the signal is the text a person actually wrote.
    """
    a, b = _params(seed)
    n = len(texts)
    out = np.full((n, NUM_PERM), np.iinfo(np.uint64).max, dtype=np.uint64)
    docs, flat = shingle_hashes(texts)
    if not len(flat):
        return out
    # occurrences approximate document frequency (a shingle repeated in one resume is rare)
    codes = pa.array(flat).dictionary_encode().indices.to_numpy()
    keep = np.bincount(codes)[codes] <= max(20, int(max_df * n))
    flat, docs = flat[keep], docs[keep]  # docs stay sorted
    if not len(flat):
        return out
    starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
    rows = docs[starts]
    with np.errstate(over="ignore"):
        for k in range(NUM_PERM):
            hashed = (flat ^ b[k]) * a[k]
            out[rows, k] = np.minimum.reduceat(hashed, starts)
    return out


def _bucket_pairs(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (as positions into ``key``) inside buckets of 2..MAX_BUCKET equal keys."""
    order = np.argsort(key, kind="stable")
    sk = key[order]
    starts = np.flatnonzero(np.concatenate(([True], sk[1:] != sk[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(sk)])))
    size = np.repeat(sizes, sizes)
    rank = np.arange(len(sk)) - np.repeat(starts, sizes)
    partners = np.where((size > 1) & (size <= MAX_BUCKET), size - 1 - rank, 0)
    total = int(partners.sum())
    src = np.repeat(np.arange(len(sk)), partners)
    dst = src + 1 + (np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners))
    a, b = order[src], order[dst]
    return np.minimum(a, b), np.maximum(a, b)


def similar_pairs(sig: np.ndarray, threshold: float = 0.6) -> list[SimilarPair]:
    """Pairs whose signatures agree on at least ``threshold`` of the permutations.

    Banded LSH, all in numpy: candidate pairs are generated per band bucket, de-duplicated
    and verified on the full signatures in chunks. Large populations share common phrases,
    so candidates grow faster than records; no step here loops in Python per pair.
    """
    rows = np.flatnonzero(~(sig == np.iinfo(np.uint64).max).all(axis=1))  # not empty
    n = sig.shape[0]
    found = [np.empty(0, np.int64)]
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            cols = sig[rows, band * ROWS : (band + 1) * ROWS]
            key = cols[:, 0].copy()
            for j in range(1, ROWS):
                key = key * np.uint64(0x100000001B3) ^ cols[:, j]
            a, b = _bucket_pairs(key)
            found.append(rows[a] * n + rows[b])
    cand = np.unique(np.concatenate(found))
    pairs = []
    for chunk in np.array_split(cand, max(1, len(cand) // 1_000_000)):
        x, y = chunk // n, chunk % n
        sim = (sig[x] == sig[y]).mean(axis=1)
        ok = sim >= threshold
        pairs += [
            SimilarPair(i, j, s)
            for i, j, s in zip(x[ok].tolist(), y[ok].tolist(), sim[ok].tolist(), strict=True)
        ]
    return pairs
