"""The transfers of one transaction, found around a transfer of it.

Graph rows are sorted by time, and a transaction's transfers share its block time: the
rows with the same time as a wanted edge (its block) hold every leg of its transaction,
whatever order the source keeps inside a block (the store keeps a transaction's rows
together; the lake puts a block's token transfers first). Their hashes are resolved in one
lookup for all wanted edges, without a per-edge transaction column.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nkwatch.trace.graph import TransferGraph

MAX_SPAN = 50_000  # rows sharing one time; beyond, only the contiguous run is read
WINDOW = 32


def _span(graph: TransferGraph, e: int) -> tuple[int, int]:
    t = graph.ts[e]
    lo = int(np.searchsorted(graph.ts, t, side="left"))
    hi = int(np.searchsorted(graph.ts, t, side="right"))
    if hi - lo > MAX_SPAN:  # a source without real block times: the contiguous rows only
        lo, hi = max(e - WINDOW, lo), min(e + WINDOW + 1, hi)
    return lo, hi


def tx_groups(graph: TransferGraph, edges: Sequence[int]) -> dict[int, tuple[str, list[int]]]:
    """Edge -> (its tx hash, every edge of that tx in graph order)."""
    if not edges:
        return {}
    spans = {e: _span(graph, e) for e in set(edges)}
    wanted = sorted({i for lo, hi in set(spans.values()) for i in range(lo, hi)})
    infos = graph.resolve([int(graph.ref[i]) for i in wanted])
    hashes = {i: infos[int(graph.ref[i])].tx_hash.lower() for i in wanted}
    out: dict[int, tuple[str, list[int]]] = {}
    for e, (lo, hi) in spans.items():
        h = hashes[e]
        out[e] = (h, [i for i in range(lo, hi) if hashes[i] == h])
    return out


def edges_of_tx(graph: TransferGraph, tx_hash: str) -> list[int]:
    """Every edge of one transaction (by the graph's tx lookup)."""
    if graph.find_tx is None:
        return []
    refs = graph.find_tx(tx_hash)
    if not refs:
        return []
    return np.flatnonzero(np.isin(graph.ref, np.array(refs, np.int64))).astype(int).tolist()
