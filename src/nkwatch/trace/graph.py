"""An in-memory, columnar view of account-model transfers for fast tracing.

One row per transfer in numpy arrays (no Python object per edge): int32 address ids,
int64 epoch seconds, int64 amounts, int16 asset ids, int64 fees and an int64 reference
back to where the row came from. Rows are sorted by time (block, then the store's stable
order), so a single forward sweep over them is a time-respecting pass. About 42 bytes per
transfer plus the address table.

Amounts are kept in int64 *scaled units*: for an asset whose total volume does not fit in
int64 (wei amounts above ~9.2 ETH already overflow), amounts are divided by 10^k with the
smallest k that fits, and ``unit_exp[asset] = k`` records it. Reports multiply back, so a
scaled asset is exact to 10^k base units (k = 5 for the whole Bybit case: 0.1 pETH).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from nkwatch.trace.model import Asset, Transfer

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
I16 = npt.NDArray[np.int16]
BoolArr = npt.NDArray[np.bool_]

# Headroom: balances are sums of amounts, keep them well inside int64.
_INT64_BUDGET = 2**62


def unit_exponent(total_volume: int) -> int:
    """Smallest k such that ``total_volume / 10**k`` fits the int64 budget."""
    k = 0
    while total_volume // (10**k) >= _INT64_BUDGET:
        k += 1
    return k


@dataclass(frozen=True)
class EdgeInfo:
    """What a report needs about one transfer: resolved lazily for the few edges shown."""

    tx_hash: str
    block: int


def edge_lookups(
    hashes: Sequence[str], blocks: Sequence[int]
) -> tuple[Callable[[Sequence[int]], dict[int, EdgeInfo]], Callable[[str], list[int]]]:
    """``resolve`` and ``find_tx`` for a graph whose edge hashes and blocks are in memory.

    The hash -> edges index is built on the first ``find_tx`` (cross-chain linking asks once
    per candidate transaction; a scan per call would cost the whole graph each time); edges
    come back in graph order.
    """
    by_hash: dict[str, list[int]] = {}

    def resolve(refs: Sequence[int]) -> dict[int, EdgeInfo]:
        return {int(r): EdgeInfo(hashes[int(r)], blocks[int(r)]) for r in refs}

    def find_tx(tx_hash: str) -> list[int]:
        if not by_hash:
            for i, h in enumerate(hashes):
                by_hash.setdefault(h.lower(), []).append(i)
        return list(by_hash.get(tx_hash.lower(), ()))

    return resolve, find_tx


@dataclass
class TransferGraph:
    """Columnar transfers of one chain, sorted by time; see the module docstring."""

    chain: str
    addresses: list[str]
    assets: list[Asset]
    unit_exp: list[int]
    src: I32
    dst: I32
    ts: I64
    amount: I64
    fee: I64
    asset: I16
    ref: I64  # row id in the origin (store rowid or list position)
    resolve: Callable[[Sequence[int]], dict[int, EdgeInfo]]
    data_version: str = ""
    find_tx: Callable[[str], list[int]] | None = None  # tx hash -> refs of its transfers
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    # derived indexes that depend only on the (immutable) graph (and a label book), e.g. the
    # endpoint map with detected deposit addresses; filled by the engine on first use
    derived: dict[tuple[object, ...], object] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self._index:
            self._index = {a: i for i, a in enumerate(self.addresses)}

    @property
    def n_edges(self) -> int:
        return len(self.src)

    @property
    def n_addresses(self) -> int:
        return len(self.addresses)

    def address_id(self, address: str) -> int | None:
        return self._index.get(address)

    def asset_id(self, key: str) -> int | None:
        for i, a in enumerate(self.assets):
            if a.key == key:
                return i
        return None

    def base_units(self, asset_id: int, scaled: int) -> int:
        """Scaled int64 units back to the asset's exact base units."""
        return int(scaled) * int(10 ** self.unit_exp[asset_id])

    def scaled(self, asset_id: int, base: int) -> int:
        return int(base) // int(10 ** self.unit_exp[asset_id])

    def nbytes(self) -> int:
        """Bytes held by the per-edge arrays, derived ones included (the figure behind
        "bytes per transfer")."""
        arrays = (self.src, self.dst, self.ts, self.amount, self.fee, self.asset, self.ref)
        derived = (v for v in self.derived.values() if isinstance(v, np.ndarray))
        return int(sum(a.nbytes for a in arrays) + sum(a.nbytes for a in derived))

    def asset_edges(self, asset_id: int) -> I64:
        """Edge ids of one asset, in time order."""
        if len(self.assets) == 1:
            return np.arange(self.n_edges, dtype=np.int64)
        return np.flatnonzero(self.asset == asset_id).astype(np.int64)

    def sender_balances(self, asset_id: int) -> I64:
        """Per transfer of ``asset_id`` (in :meth:`asset_edges` order), the sender's balance
        just before it. Computed once per graph: it is what lets a trace start at its first
        seed instead of replaying the whole history (see ``kernel``)."""
        from nkwatch.trace import kernel

        key = ("sbal", asset_id)
        cached = self.derived.get(key)
        if isinstance(cached, np.ndarray):
            return cached
        src, dst, amount, fee = self.src, self.dst, self.amount, self.fee
        if len(self.assets) > 1:
            edges = self.asset_edges(asset_id)
            src, dst, amount, fee = src[edges], dst[edges], amount[edges], fee[edges]
        found: I64 = kernel.sender_balances(src, dst, amount, fee, self.n_addresses)
        self.derived[key] = found
        return found

    def out_edges(self, address_id: int) -> I64:
        """Edge ids leaving ``address_id``, in time order (a scan; use for small graphs)."""
        return np.flatnonzero(self.src == address_id).astype(np.int64)


def _ts(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def graph_from_transfers(
    chain: str, transfers: Iterable[Transfer], data_version: str = ""
) -> TransferGraph:
    """Build a graph from in-memory transfers (a crawl, a test, a small import)."""
    rows = sorted(
        {(t.tx_hash, t.index, t.kind): t for t in transfers if t.chain == chain}.values(),
        key=lambda t: (t.block, _ts(t.timestamp), t.tx_hash, t.index, t.kind.value),
    )
    index: dict[str, int] = {}
    addresses: list[str] = []
    assets: dict[str, int] = {}
    asset_list: list[Asset] = []

    def aid(address: str) -> int:
        found = index.get(address)
        if found is None:
            found = index[address] = len(addresses)
            addresses.append(address)
        return found

    for t in rows:
        if t.asset.key not in assets:
            assets[t.asset.key] = len(asset_list)
            asset_list.append(t.asset)
    volume = [0] * len(asset_list)
    for t in rows:
        volume[assets[t.asset.key]] += t.amount + (t.fee if t.asset.contract is None else 0)
    exps = [unit_exponent(v) for v in volume]
    n = len(rows)
    src = np.empty(n, np.int32)
    dst = np.empty(n, np.int32)
    ts = np.empty(n, np.int64)
    amount = np.empty(n, np.int64)
    fee = np.zeros(n, np.int64)
    asset = np.empty(n, np.int16)
    for i, t in enumerate(rows):
        a = assets[t.asset.key]
        src[i] = aid(t.from_address)
        dst[i] = aid(t.to_address)
        ts[i] = _ts(t.timestamp)
        amount[i] = 0 if t.failed else t.amount // 10 ** exps[a]
        fee[i] = t.fee // 10 ** exps[a] if t.asset.contract is None else 0
        asset[i] = a
    resolve, find_tx = edge_lookups([t.tx_hash for t in rows], [t.block for t in rows])

    return TransferGraph(
        chain=chain,
        addresses=addresses,
        assets=asset_list,
        unit_exp=exps,
        src=src,
        dst=dst,
        ts=ts,
        amount=amount,
        fee=fee,
        asset=asset,
        ref=np.arange(n, dtype=np.int64),
        resolve=resolve,
        data_version=data_version,
        find_tx=find_tx,
        _index=index,
    )
