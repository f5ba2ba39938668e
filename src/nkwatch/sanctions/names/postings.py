"""Key -> id postings held as two flat arrays (CSR), the shape a persisted index maps in.

A dict of a hundred thousand small numpy arrays costs a second to rebuild from a file; one
``int32`` id array, one offset per key and the key list cost a few milliseconds and can be
views of a memory-mapped file. Keys keep their insertion order (the vocabulary order the
index's tie-breaks follow), and a key's ids keep the order they were added in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int32]
OffsetArray = npt.NDArray[np.int64]


class Postings:
    """Ids filed under each key; ``get`` and ``at`` return read-only views, never copies."""

    def __init__(self, keys: Sequence[str], offsets: OffsetArray, ids: IntArray) -> None:
        if len(offsets) != len(keys) + 1 or (len(keys) and int(offsets[-1]) != len(ids)):
            raise ValueError("postings: offsets do not match keys and ids")
        self.keys = list(keys)
        self.offsets = offsets
        self.ids = ids
        self._bounds: list[int] = offsets.tolist()
        self._key_id = dict(zip(self.keys, range(len(self.keys)), strict=True))

    @classmethod
    def from_lists(cls, items: Mapping[str, Iterable[int]]) -> Postings:
        keys = list(items)
        arrays = [np.asarray(list(items[k]), dtype=np.int32) for k in keys]
        sizes = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        ids = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32)
        return cls(keys, offsets, ids.astype(np.int32, copy=False))

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: object) -> bool:
        return key in self._key_id

    def key_id(self, key: str) -> int | None:
        return self._key_id.get(key)

    def get(self, key: str) -> IntArray | None:
        i = self._key_id.get(key)
        return None if i is None else self.at(i)

    def at(self, i: int) -> IntArray:
        return self.ids[self._bounds[i] : self._bounds[i + 1]]

    def sizes(self) -> OffsetArray:
        return np.diff(self.offsets)
