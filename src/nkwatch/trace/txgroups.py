"""The transfers of one transaction, found around a transfer of it.

Graph rows are ordered by (block, time, tx hash, index), so a transaction's transfers are
contiguous: resolving the hashes of a small window around each wanted edge (one lookup for
all of them) and extending while the hash stays the same gives each transaction's edges
without a per-edge transaction column.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nkwatch.trace.graph import TransferGraph

WINDOW = 32


def tx_groups(graph: TransferGraph, edges: Sequence[int]) -> dict[int, tuple[str, list[int]]]:
    """Edge -> (its tx hash, every edge of that tx in graph order)."""
    if not edges:
        return {}
    n = graph.n_edges
    width = WINDOW
    out: dict[int, tuple[str, list[int]]] = {}
    pending = sorted(set(edges))
    while pending:
        spans = [(max(e - width, 0), min(e + width + 1, n)) for e in pending]
        wanted = sorted({i for lo, hi in spans for i in range(lo, hi)})
        infos = graph.resolve([int(graph.ref[i]) for i in wanted])
        hashes = {i: infos[int(graph.ref[i])].tx_hash.lower() for i in wanted}
        retry = []
        for e, (lo, hi) in zip(pending, spans, strict=True):
            h = hashes[e]
            a = e
            while a > lo and hashes[a - 1] == h:
                a -= 1
            b = e
            while b + 1 < hi and hashes[b + 1] == h:
                b += 1
            if (a == lo and lo > 0) or (b == hi - 1 and hi < n):
                retry.append(e)  # the transaction is wider than the window
            else:
                out[e] = (h, list(range(a, b + 1)))
        pending = retry
        width *= 8
    return out


def edges_of_tx(graph: TransferGraph, tx_hash: str) -> list[int]:
    """Every edge of one transaction (by the graph's tx lookup)."""
    if graph.find_tx is None:
        return []
    refs = graph.find_tx(tx_hash)
    if not refs:
        return []
    return np.flatnonzero(np.isin(graph.ref, np.array(refs, np.int64))).astype(int).tolist()
