"""The extraction as a ``TransferGraph`` the unchanged tracer runs on.

Addresses are numbered in text order and assets in contract order, as ``load_graph`` does,
so ties in a report break the same way as over the whole lake; amounts keep the whole
lake's units (``unit_exp`` from the exact total volume). Sender balances are rebuilt from
the opening balances: each reached address starts at its balance before its first-taint
block and the tracer's own clamped running balance continues over the extracted transfers,
which are all of its transfers from then on. Other senders' balances are never read by the
sweep (it reads a balance only where the sender holds taint) and are left at zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nkwatch.trace import kernel
from nkwatch.trace.deposits import DepositLabels, EndpointMap
from nkwatch.trace.graph import TransferGraph, edge_lookups
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.lake.stages import AssetInfo
from nkwatch.trace.model import Asset


def _np(col: pa.ChunkedArray | pa.Array, dtype: type) -> np.ndarray:
    return np.ascontiguousarray(col.to_numpy(), dtype=dtype)


def graph_of(
    chain: str, ext: pa.Table, opening: pa.Table, infos: Sequence[AssetInfo],
    extra_addresses: Sequence[str], data_version: str,
) -> TransferGraph:  # fmt: skip
    ext = ext.take(
        pc.sort_indices(ext, [(c, "ascending") for c in ("block", "tx_index", "seq", "out_index")])
    )
    book = pc.unique(
        pa.chunked_array(
            [ext["from_address"], ext["to_address"], pa.array(list(extra_addresses), pa.string())]
        )
    )
    book = book.take(pc.sort_indices(book))
    addresses: list[str] = book.to_pylist()
    present = set(pc.unique(ext["asset"]).to_pylist())
    kept = [a for a in infos if a.asset in present]
    asset_pos = pc.index_in(ext["asset"], pa.array([a.asset for a in kept], pa.string()))
    src = _np(pc.index_in(ext["from_address"], book), np.int32)
    dst = _np(pc.index_in(ext["to_address"], book), np.int32)
    amount, fee = _np(ext["amt"], np.int64), _np(ext["fee_s"], np.int64)
    asset = _np(asset_pos, np.int16)
    hashes: list[str] = ext["tx_hash"].to_pylist()
    blocks: list[int] = ext["block"].to_pylist()

    resolve, find_tx = edge_lookups(hashes, blocks)

    graph = TransferGraph(
        chain=chain, addresses=addresses,
        assets=[Asset(chain, a.symbol, a.decimals, a.asset or None) for a in kept],
        unit_exp=[a.unit_exp for a in kept], src=src, dst=dst, ts=_np(ext["time"], np.int64),
        amount=amount, fee=fee, asset=asset, ref=np.arange(ext.num_rows, dtype=np.int64),
        resolve=resolve, data_version=data_version, find_tx=find_tx,
    )  # fmt: skip
    _sender_balances(graph, opening, kept)
    return graph


def _sender_balances(graph: TransferGraph, opening: pa.Table, kept: Sequence[AssetInfo]) -> None:
    start: dict[str, list[tuple[int, int]]] = {}
    for r in opening.to_pylist():
        aid = graph.address_id(r["address"])
        if aid is not None:
            start.setdefault(r["asset"], []).append((aid, int(r["total"]) - int(r["low"])))
    for k, info in enumerate(kept):
        edges = graph.asset_edges(k)
        bal = np.zeros(graph.n_addresses, np.int64)
        for aid, value in start.get(info.asset, []):
            bal[aid] = value
        graph.derived[("sbal", k)] = kernel.sender_balances_from(
            graph.src[edges], graph.dst[edges], graph.amount[edges], graph.fee[edges], bal
        )


def endpoints(
    graph: TransferGraph, labels: LabelBook, deposits: pa.Table, detect: bool
) -> EndpointMap:
    """The endpoint map ``trace`` would build over the whole lake, restricted to the graph:
    labelled services, plus the deposit addresses the lake-wide detection found."""
    known: dict[int, Label] = {}
    for address in labels.addresses(graph.chain):
        aid = graph.address_id(address)
        label = labels.endpoint(graph.chain, address) if aid is not None else None
        if aid is not None and label is not None:
            known[aid] = label
    if not detect:
        result = EndpointMap(known, None)
    else:
        wallets = {a: lb for a, lb in known.items() if lb.category == "exchange"}
        pairs = sorted(
            (graph.address_id(d), graph.address_id(h))
            for d, h in zip(
                deposits["address"].to_pylist(), deposits["hot"].to_pylist(), strict=True
            )
        )
        ids = np.array([p[0] for p in pairs], np.int64)
        hot = np.array([p[1] for p in pairs], np.int64)
        result = EndpointMap(known, DepositLabels(graph, ids, hot, wallets))
    graph.derived[(id(labels), len(labels), detect)] = result
    return result
