"""Compiled column checks for the import's hot path (one pass over Arrow's string buffers).

``evm_column``: every value a 0x-prefixed 20-byte hex address; FNV-1a ids (the ``ids``
hash) in the same pass, and a lower-cased copy only when some value has upper-case digits
(exports are lower-case: the input column is then returned as it is). ``limb_column``:
every value a decimal integer in 0 .. 2^256-1, split into base-10^18 limbs without building
intermediate strings. ``int_column``: plain decimal integers parsed. ``plain_column``: whether a text column needs no trimming and no
lower-casing (then it is used as it is). Each returns the first bad row (or -1), so the
caller names it exactly as the slower Arrow path would.
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
# byte classes for addresses: 0 bad, 1 lower hex digit, 2 upper hex digit
_HEX = np.zeros(256, np.uint8)
_HEX[np.frombuffer(b"0123456789abcdef", np.uint8)] = 1
_HEX[np.frombuffer(b"ABCDEF", np.uint8)] = 2


@njit(cache=True, nogil=True)
def _evm(offsets, data, valid, hexes, ids):  # type: ignore[no-untyped-def]
    """-1 (all lower-case), -2 (some upper-case) or the first bad row."""
    upper = False
    for i in range(ids.shape[0]):
        a, b = offsets[i], offsets[i + 1]
        if (
            not valid[i]
            or b - a != 42
            or data[a] != 48
            or (data[a + 1] != 120 and data[a + 1] != 88)
        ):
            return i
        upper |= data[a + 1] == 88
        h = (_OFFSET ^ np.uint64(48)) * _PRIME
        h = (h ^ np.uint64(120)) * _PRIME
        for j in range(a + 2, b):
            c = data[j]
            k = hexes[c]
            if k == 0:
                return i
            if k == 2:
                c += 32
                upper = True
            h = (h ^ np.uint64(c)) * _PRIME
        ids[i] = h
    return -2 if upper else -1


@njit(cache=True, nogil=True)
def _lower(offsets, data, out):  # type: ignore[no-untyped-def]
    a, b = offsets[0], offsets[-1]
    for j in range(a, b):
        c = data[j]
        out[j - a] = c + 32 if 65 <= c <= 90 else c


@njit(cache=True, nogil=True)
def _plain(offsets, data, valid):  # type: ignore[no-untyped-def]
    """True when every value is present, ASCII, without upper case or edge whitespace."""
    for i in range(valid.shape[0]):
        if not valid[i]:
            return False
        a, b = offsets[i], offsets[i + 1]
        if b > a and (data[a] <= 32 or data[b - 1] <= 32):
            return False
        for j in range(a, b):
            c = data[j]
            if c >= 128 or 65 <= c <= 90:
                return False
    return True


@njit(cache=True, nogil=True)
def _ints(offsets, data, valid, out):  # type: ignore[no-untyped-def]
    """Parse values of the form -?[0-9]{1,18}; False at the first that is not."""
    for i in range(out.shape[0]):
        a, b = offsets[i], offsets[i + 1]
        if not valid[i] or b == a:
            return False
        neg = data[a] == 45
        if neg:
            a += 1
        if b - a < 1 or b - a > 18:
            return False
        v = np.int64(0)
        for j in range(a, b):
            c = data[j]
            if c < 48 or c > 57:
                return False
            v = v * 10 + (c - 48)
        out[i] = -v if neg else v
    return True


@njit(cache=True, nogil=True)
def _limbs(offsets, data, valid, limbs, maxd):  # type: ignore[no-untyped-def]
    """-1 ok; else (row * 4 + reason): 1 not digits, 2 above 2^256-1."""
    n = limbs.shape[1]
    for i in range(n):
        a, b = offsets[i], offsets[i + 1]
        if not valid[i] or b == a:  # limbs come zero-filled: nothing to write
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
            if end <= a:  # the higher limbs stay zero (untouched pages stay unmapped)
                break
            start = max(end - 18, a)
            v = np.int64(0)
            for j in range(start, end):
                v = v * 10 + (data[j] - 48)
            limbs[k, i] = v
    return -1


def _string(arr: pa.Array) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_large_string(arr.type) or not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    return arr


def _buffers(
    arr: pa.Array,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], np.int32, n + 1, arr.offset * 4)
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(1, np.uint8)
    if arr.null_count:
        valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), np.bool_)
    else:
        valid = np.ones(n, np.bool_)
    return offsets, data, valid


def evm_column(arr: pa.Array) -> tuple[pa.Array, npt.NDArray[np.int64], int]:
    """(lower-cased addresses, their ids, first bad row or -1)."""
    arr = _string(arr)
    offsets, data, valid = _buffers(arr)
    ids = np.zeros(len(arr), np.uint64)
    got = int(_evm(offsets, data, valid, _HEX, ids))
    if got >= 0:
        return arr, ids.view(np.int64), got
    if got == -2:
        out = np.empty(int(offsets[-1] - offsets[0]), np.uint8)
        _lower(offsets, data, out)
        rebased = offsets - offsets[0] if offsets[0] else offsets
        arr = pa.StringArray.from_buffers(len(arr), pa.py_buffer(rebased), pa.py_buffer(out))
    return arr, ids.view(np.int64), -1


def plain_column(arr: pa.Array) -> pa.Array | None:
    """The column itself when it needs no trimming, lower-casing or null filling."""
    arr = _string(arr)
    offsets, data, valid = _buffers(arr)
    return arr if len(arr) == 0 or bool(_plain(offsets, data, valid)) else None


def int_column(arr: pa.Array) -> pa.Array | None:
    """Text of plain decimal integers (``-?[0-9]{1,18}``) as int64; None if any is not."""
    arr = _string(arr)
    offsets, data, valid = _buffers(arr)
    out = np.empty(len(arr), np.int64)
    return pa.array(out) if bool(_ints(offsets, data, valid, out)) else None


def limb_column(arr: pa.Array) -> tuple[list[pa.Array], int, int]:
    """(LIMBS int64 arrays lowest first, first bad row or -1, reason 1/2)."""
    arr = _string(arr)
    offsets, data, valid = _buffers(arr)
    limbs = np.zeros((LIMBS, len(valid)), np.int64)
    got = int(_limbs(offsets, data, valid, limbs, _MAX))
    if got >= 0:
        return [], got // 4, got % 4
    return [pa.array(limbs[k]) for k in range(LIMBS)], -1, 0
