"""Deterministic 64-bit address ids: FNV-1a over the canonical address text.

The same address gets the same id in every import, on every engine, without a shared
dictionary. Ids are join keys only: every stage that sums per address groups by id *and*
address text, so a (rare) 64-bit collision can add work to an expansion, never merge two
addresses' balances.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from numba import njit

_OFFSET = np.uint64(0xCBF29CE484222325)
_PRIME = np.uint64(0x100000001B3)


@njit(cache=True)
def _fnv(offsets, data, valid, out):  # type: ignore[no-untyped-def]
    for i in range(out.shape[0]):
        if not valid[i]:
            out[i] = 0
            continue
        h = _OFFSET
        for j in range(offsets[i], offsets[i + 1]):
            h = (h ^ np.uint64(data[j])) * _PRIME
        out[i] = h


def address_ids(addresses: pa.Array) -> npt.NDArray[np.int64]:
    """Ids of a string array (null -> 0), as int64 (the uint64 hash's bits)."""
    arr = addresses.cast(pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    out = np.zeros(n, np.uint64)
    if n:
        bufs = arr.buffers()
        offsets = np.frombuffer(bufs[1], np.int32, n + 1, arr.offset * 4)
        data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(1, np.uint8)
        valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), np.bool_)
        _fnv(offsets, data, valid, out)
    return out.view(np.int64)


def address_id(address: str) -> int:
    h = 0xCBF29CE484222325
    for b in address.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h - 2**64 if h >= 2**63 else h
