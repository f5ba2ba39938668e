"""Near-duplicate text: word 3-shingles, MinHash signatures and banded LSH, vectorised.

Resumes reused across an operator's identities differ by a name and a few words, so
shingle Jaccard stays high; honest resumes share only boilerplate. Signatures are computed
in batches with numpy so a million resumes take seconds, not hours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
MAX_BUCKET = 200  # a band value shared by more documents is boilerplate, not reuse
_TOKEN = re.compile(r"\w+")


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


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of word 3-shingles (word 1-grams for very short texts)."""
    words = np.fromiter((hash(w) for w in _TOKEN.findall(text.casefold())), dtype=np.int64)
    words = words.view(np.uint64)
    if len(words) < 3:
        return words
    with np.errstate(over="ignore"):
        return (
            words[:-2] * np.uint64(0x9E3779B97F4A7C15)
            + words[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)
            + words[2:]
        )


def signatures(texts: Sequence[str | None], seed: int = 1, max_df: float = 0.001) -> np.ndarray:
    """MinHash signature matrix (len(texts) x NUM_PERM); empty texts get all-max rows.

    Shingles found in more than ``max_df`` of the documents (and at least 20) are
    boilerplate ("years of experience in") and are dropped first, so buckets stay small and
    the signal is the text a person actually wrote.
    """
    a, b = _params(seed)
    n = len(texts)
    out = np.full((n, NUM_PERM), np.iinfo(np.uint64).max, dtype=np.uint64)
    parts = [shingle_hashes(t) if t else np.empty(0, np.uint64) for t in texts]
    docs = np.repeat(np.arange(n), [len(p) for p in parts])
    flat = np.concatenate(parts) if parts else np.empty(0, np.uint64)
    if not len(flat):
        return out
    # occurrences approximate document frequency (a shingle repeated in one resume is rare)
    _, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    keep = counts[inverse] <= max(20, int(max_df * n))
    flat, docs = flat[keep], docs[keep]  # docs stay sorted: parts are in order
    starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
    rows = docs[starts]
    with np.errstate(over="ignore"):
        for k in range(NUM_PERM):
            hashed = (flat ^ b[k]) * a[k]
            out[rows, k] = np.minimum.reduceat(hashed, starts)
    return out


def similar_pairs(sig: np.ndarray, threshold: float = 0.6) -> list[SimilarPair]:
    """Pairs whose signatures agree on at least ``threshold`` of the permutations."""
    n = sig.shape[0]
    empty = (sig == np.iinfo(np.uint64).max).all(axis=1)
    cand: set[tuple[int, int]] = set()
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            cols = sig[:, band * ROWS : (band + 1) * ROWS]
            key = cols[:, 0].copy()
            for j in range(1, ROWS):
                key = key * np.uint64(0x100000001B3) ^ cols[:, j]
            order = np.argsort(key, kind="stable")
            sk = key[order]
            bounds = np.flatnonzero(np.diff(sk)) + 1
            starts = np.concatenate(([0], bounds))
            ends = np.concatenate((bounds, [n]))
            for s, e in zip(starts[(ends - starts) > 1], ends[(ends - starts) > 1], strict=True):
                if e - s > MAX_BUCKET:
                    continue
                members = sorted(int(i) for i in order[s:e] if not empty[i])
                for i, x in enumerate(members):
                    for y in members[i + 1 :]:
                        cand.add((x, y))
    pairs = []
    for x, y in sorted(cand):
        sim = float(np.mean(sig[x] == sig[y]))
        if sim >= threshold:
            pairs.append(SimilarPair(x, y, sim))
    return pairs
