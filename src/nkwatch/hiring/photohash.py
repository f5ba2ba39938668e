"""Near-duplicate ID-photo hashes: 64-bit perceptual hashes within a few bits of each other.

An operator re-uses one face photo across identities, but every re-scan, crop or
re-compression flips a few bits of its perceptual hash (pHash, dHash: 64 bits, written as
16 hex digits), so exact equality misses most re-uses. Unrelated photos differ in about
half of the bits.

Search is multi-index hashing (Norouzi et al., "Fast Search in Hamming Space with
Multi-Index Hashing", CVPR 2012): the 64 bits are cut into 3 chunks (22, 21, 21 bits); if
two hashes differ in at most 5 bits, one chunk differs in at most 1 bit (pigeonhole), so
every such pair shares a bucket of one chunk's value or of that value with one bit
flipped. Candidates are then checked with an exact popcount. Everything is numpy over the
whole column: a million hashes take a few seconds, not hours of pairwise comparisons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_DISTANCE = 5  # bits of 64; the chunk layout below guarantees every pair up to this
CHUNKS = ((0, 22), (22, 21), (43, 21))  # (first bit, width): 3 chunks, radius 1 each
_HEX64 = re.compile(r"[0-9a-fA-F]{16}")


@dataclass(frozen=True)
class NearPair:
    a: int  # index into the input sequence
    b: int
    distance: int  # differing bits, 1..MAX_DISTANCE (equal values are exact matches)


def parse(values: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """(positions, uint64 hashes) of the values that are 64-bit hex hashes; others skipped."""
    pos = [i for i, v in enumerate(values) if v is not None and _HEX64.fullmatch(v)]
    hashes = np.array([int(values[i], 16) for i in pos], dtype=np.uint64)  # type: ignore[arg-type]
    return np.array(pos, dtype=np.int64), hashes


def popcount(x: np.ndarray) -> np.ndarray:
    """Set bits per uint64 (SWAR bit counting, vectorised; any numpy version)."""
    v = np.asarray(x, dtype=np.uint64)
    m1, m2, m4 = (
        np.uint64(c) for c in (0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F)
    )
    v = v - ((v >> np.uint64(1)) & m1)
    v = (v & m2) + ((v >> np.uint64(2)) & m2)
    v = (v + (v >> np.uint64(4))) & m4
    with np.errstate(over="ignore"):
        return ((v * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)


def _chunk_pairs(hashes: np.ndarray, start: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) whose chunk values are equal or one bit apart.

    Buckets are a dense table over the chunk's 2**width values (counting sort), so each of
    the width + 1 probes is a gather over the column, not a search.
    """
    keys = ((hashes >> np.uint64(start)) & np.uint64((1 << width) - 1)).astype(np.int64)
    order = np.argsort(keys, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(keys, minlength=1 << width))))
    left, right = [], []
    for flip in (0, *(1 << b for b in range(width))):
        probe = keys ^ flip
        lo = bounds[probe]
        counts = bounds[probe + 1] - lo
        total = int(counts.sum())
        if not total:
            continue
        src = np.repeat(np.arange(len(keys)), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        dst = order[np.repeat(lo, counts) + offsets]
        keep = src < dst  # each unordered pair once per flip; flip 0 also pairs i with i
        left.append(src[keep])
        right.append(dst[keep])
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(left), np.concatenate(right)


def near_pairs(hashes: np.ndarray, max_distance: int = MAX_DISTANCE) -> list[NearPair]:
    """All pairs of *distinct* hash values within ``max_distance`` bits (<= MAX_DISTANCE).

    ``hashes`` should hold each value once (equal values are an exact match, found by
    plain grouping); pairs are indexes into it.
    """
    if max_distance > MAX_DISTANCE:
        raise ValueError(f"max_distance {max_distance} > {MAX_DISTANCE} is not guaranteed")
    found: set[tuple[int, int]] = set()
    out: list[NearPair] = []
    for start, width in CHUNKS:
        a, b = _chunk_pairs(hashes, start, width)
        dist = popcount(hashes[a] ^ hashes[b])
        ok = (dist >= 1) & (dist <= max_distance)
        for i, j, d in zip(a[ok].tolist(), b[ok].tolist(), dist[ok].tolist(), strict=True):
            if (i, j) not in found:
                found.add((i, j))
                out.append(NearPair(i, j, d))
    return sorted(out, key=lambda p: (p.a, p.b))
