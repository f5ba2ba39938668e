"""Compiled column checks for the import's hot path (one pass over Arrow's string buffers).

``evm_column``: every value a 0x-prefixed 20-byte hex address; lower-cased copy and FNV-1a
ids (the ``ids`` hash) in the same pass. ``limb_column``: every value a decimal integer in
0 .. 2^256-1, split into base-10^18 limbs without building intermediate strings. Each
returns the first bad row (or -1), so the caller names it exactly as the slower Arrow path
would.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from numba import njit

from nkwatch.trace.lake.amounts import LIMBS

_OFFSET = np.uint64(0xCBF29CE484222325)
_PRIME = np.uint64(0x100000001B3)
_MAX = np.frombuffer(str(2**256 - 1).encode(), np.uint8)


@njit(cache=True)
def _evm(offsets, data, valid, out, ids):  # type: ignore[no-untyped-def]
    for i in range(ids.shape[0]):
        a, b = offsets[i], offsets[i + 1]
        if (
            not valid[i]
            or b - a != 42
            or data[a] != 48
            or (data[a + 1] != 120 and data[a + 1] != 88)
        ):
            return i
        h = _OFFSET
        out[a] = 48
        out[a + 1] = 120
        h = (h ^ np.uint64(48)) * _PRIME
        h = (h ^ np.uint64(120)) * _PRIME
        for j in range(a + 2, b):
            c = data[j]
            if 65 <= c <= 70:
                c += 32
            if not (48 <= c <= 57 or 97 <= c <= 102):
                return i
            out[j] = c
            h = (h ^ np.uint64(c)) * _PRIME
        ids[i] = h
    return -1


@njit(cache=True)
def _limbs(offsets, data, valid, limbs, maxd):  # type: ignore[no-untyped-def]
    """-1 ok; else (row * 4 + reason): 1 not digits, 2 above 2^256-1."""
    n = limbs.shape[1]
    for i in range(n):
        a, b = offsets[i], offsets[i + 1]
        if not valid[i] or b == a:
            for k in range(limbs.shape[0]):
                limbs[k, i] = 0
            continue
        for j in range(a, b):
            if data[j] < 48 or data[j] > 57:
                return i * 4 + 1
        while a < b - 1 and data[a] == 48:
            a += 1
        length = b - a
        if length > maxd.shape[0]:
            return i * 4 + 2
        if length == maxd.shape[0]:
            for j in range(length):
                if data[a + j] != maxd[j]:
                    if data[a + j] > maxd[j]:
                        return i * 4 + 2
                    break
        for k in range(limbs.shape[0]):
            end = b - 18 * k
            start = max(end - 18, a)
            v = np.int64(0)
            for j in range(start, end):
                v = v * 10 + (data[j] - 48)
            limbs[k, i] = v if end > a else 0
    return -1


def _buffers(
    arr: pa.Array,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    arr = arr.cast(pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], np.int32, n + 1, arr.offset * 4)
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(1, np.uint8)
    valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), np.bool_)
    return offsets, data, valid


def evm_column(arr: pa.Array) -> tuple[pa.Array, npt.NDArray[np.int64], int]:
    """(lower-cased addresses, their ids, first bad row or -1)."""
    offsets, data, valid = _buffers(arr)
    out = data.copy()
    ids = np.zeros(len(valid), np.uint64)
    bad = int(_evm(offsets, data, valid, out, ids))
    base = int(offsets[0])
    rebased = (offsets - base).astype(np.int32)
    end = int(offsets[-1]) if len(offsets) else 0
    text = pa.StringArray.from_buffers(
        len(valid), pa.py_buffer(rebased.tobytes()), pa.py_buffer(out[base:end].tobytes())
    )
    return text, ids.view(np.int64), bad


def limb_column(arr: pa.Array) -> tuple[list[pa.Array], int, int]:
    """(LIMBS int64 arrays lowest first, first bad row or -1, reason 1/2)."""
    offsets, data, valid = _buffers(arr)
    limbs = np.zeros((LIMBS, len(valid)), np.int64)
    got = int(_limbs(offsets, data, valid, limbs, _MAX))
    if got >= 0:
        return [], got // 4, got % 4
    return [pa.array(limbs[k]) for k in range(LIMBS)], -1, 0
