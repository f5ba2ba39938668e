"""Model values (the store importers' ``Transfer`` / ``UtxoTx``) -> canonical lake rows.

Serves the formats whose readers already exist and are small (explorer CSV such as the
Bybit hop files, the 2009 Bitcoin sample) and the synthetic generator. Explorer exports
carry no transaction positions: a transaction's ``tx_index`` is the rank of its hash
inside its block (the order the store uses), and ``seq`` puts its own value first, then its
internal transfers, then its token transfers. A transfer exported twice (hop files list the
same spoofed event) is kept once, as in the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from nkwatch.trace.lake import amounts
from nkwatch.trace.lake.columns import const, ids
from nkwatch.trace.lake.ingest import Batch
from nkwatch.trace.lake.schema import (
    AMOUNT_COLUMNS,
    FEE_COLUMNS,
    TRANSFERS,
    UTXO_INPUTS,
    UTXO_OUTPUTS,
    with_origin,
)
from nkwatch.trace.model import Transfer, TransferKind, UtxoTx

_KIND_SEQ = {TransferKind.NATIVE: 0, TransferKind.INTERNAL: 1, TransferKind.TOKEN: 1 << 32}


def transfer_rows(items: Iterable[Transfer], path: Path) -> pa.Table:
    unique: dict[tuple[str, int, str], tuple[int, Transfer]] = {}
    for n, t in enumerate(items, start=1):
        unique.setdefault((t.tx_hash, t.index, t.kind.value), (n, t))
    rows = sorted(unique.values(), key=lambda r: (r[1].block, r[1].tx_hash))
    rank: dict[tuple[int, str], int] = {}
    for _, t in rows:
        per_block = rank.setdefault((t.block, ""), 0)
        if (t.block, t.tx_hash) not in rank:
            rank[(t.block, t.tx_hash)] = per_block
            rank[(t.block, "")] = per_block + 1
    limbs = [amounts.split(t.amount) for _, t in rows]
    fees = [amounts.split(t.fee) for _, t in rows]
    src = pa.array([t.from_address for _, t in rows], pa.string())
    dst = pa.array([t.to_address for _, t in rows], pa.string())
    cols: dict[str, pa.Array] = {
        "chain": pa.array([t.chain for _, t in rows], pa.string()),
        "block": pa.array([t.block for _, t in rows], pa.int64()),
        "tx_index": pa.array([rank[(t.block, t.tx_hash)] for _, t in rows], pa.int32()),
        "seq": pa.array([_KIND_SEQ[t.kind] + t.index for _, t in rows], pa.int64()),
        "out_index": const(0, len(rows), pa.int32()),
        "time": pa.array([int(t.timestamp.timestamp()) for _, t in rows], pa.int64()),
        "tx_hash": pa.array([t.tx_hash for _, t in rows], pa.string()),
        "kind": pa.array([t.kind.value for _, t in rows], pa.string()),
        "asset": pa.array([t.asset.contract or "" for _, t in rows], pa.string()),
        "symbol": pa.array([t.asset.symbol for _, t in rows], pa.string()),
        "decimals": pa.array([t.asset.decimals for _, t in rows], pa.int32()),
        "from_address": src, "to_address": dst, "from_id": ids(src), "to_id": ids(dst),
        **{c: pa.array([v[i] for v in limbs], pa.int64()) for i, c in enumerate(AMOUNT_COLUMNS)},
        **{c: pa.array([v[i] for v in fees], pa.int64()) for i, c in enumerate(FEE_COLUMNS)},
        "failed": pa.array([t.failed for _, t in rows], pa.bool_()),
        "_file": const(str(path), len(rows), pa.string()),
        "_row": pa.array([n for n, _ in rows], pa.int64()),
    }  # fmt: skip
    return pa.table(cols).cast(with_origin(TRANSFERS))


def utxo_rows(txs: Iterable[UtxoTx], path: Path) -> Iterator[Batch]:
    outs: list[tuple[object, ...]] = []
    ins: list[tuple[object, ...]] = []
    position: dict[int, int] = {}
    for n, tx in enumerate(txs, start=1):
        txi = position.get(tx.block, 0)
        position[tx.block] = txi + 1
        t = int(tx.timestamp.timestamp())
        for k, o in enumerate(tx.outputs):  # seq: position (the 2009 sample repeats indexes)
            outs.append(
                (
                    tx.chain,
                    tx.block,
                    txi,
                    k,
                    o.index,
                    t,
                    tx.tx_hash,
                    tx.coinbase,
                    o.address,
                    o.value,
                    n,
                )
            )
        for k, i in enumerate(tx.inputs):
            ins.append(
                (
                    tx.chain,
                    tx.block,
                    txi,
                    k,
                    -1,
                    t,
                    tx.tx_hash,
                    i.prev_tx,
                    i.prev_index,
                    i.address,
                    i.value,
                    n,
                )
            )
    yield Batch("utxo_outputs", "utxo", utxo_table(outs, UTXO_OUTPUTS, path))
    yield Batch("utxo_inputs", "utxo", utxo_table(ins, UTXO_INPUTS, path))


def utxo_table(rows: list[tuple[object, ...]], schema: pa.Schema, path: Path) -> pa.Table:
    names = [f.name for f in schema if f.name != "address_id"]
    cols = {name: pa.array([r[i] for r in rows]) for i, name in enumerate(names)}
    cols["address_id"] = ids(pa.array([r[names.index("address")] for r in rows], pa.string()))
    cols["_file"] = const(str(path), len(rows), pa.string())
    cols["_row"] = pa.array([r[-1] for r in rows], pa.int64())
    return pa.table(cols).select([*schema.names, "_file", "_row"]).cast(with_origin(schema))


def synthetic_rows(graph: object, chain: str) -> pa.Table:
    """The synthetic generator's graph as lake rows: one transfer per block (block = its
    position), built from the numpy columns without a Python object per transfer."""
    from nkwatch.trace.graph import TransferGraph

    assert isinstance(graph, TransferGraph)
    asset = graph.assets[0]
    return synthetic_table(np.asarray(graph.src, np.int64), np.asarray(graph.dst, np.int64),
                           np.asarray(graph.amount, np.int64), np.asarray(graph.ts, np.int64),
                           np.asarray(graph.ref, np.int64), chain, asset.symbol, asset.decimals)  # fmt: skip


def synthetic_table(
    src: np.ndarray, dst: np.ndarray, amount: np.ndarray, ts: np.ndarray, block: np.ndarray,
    chain: str, symbol: str, decimals: int,
) -> pa.Table:  # fmt: skip
    """Synthetic transfers (address indexes ``0x%040x``, base units below 2^63) as lake
    rows, one per block, its hash the block number."""
    n = block.size
    src_text, dst_text = hex_strings(src, 40), hex_strings(dst, 40)
    zero = const(0, n, pa.int64())
    limbs = [pa.array(amount % amounts.BASE), pa.array(amount // amounts.BASE), zero, zero, zero]
    cols = {
        "chain": const(chain, n, pa.string()), "block": pa.array(block), "tx_index": const(0, n, pa.int32()),
        "seq": zero, "out_index": const(0, n, pa.int32()), "time": pa.array(ts),
        "tx_hash": hex_strings(block, 64), "kind": const("native", n, pa.string()), "asset": const("", n, pa.string()),
        "symbol": const(symbol, n, pa.string()), "decimals": const(decimals, n, pa.int32()),
        "from_address": src_text, "to_address": dst_text, "from_id": ids(src_text), "to_id": ids(dst_text),
        **dict(zip(AMOUNT_COLUMNS, limbs, strict=True)), "fee0": zero, "fee1": zero,
        "failed": const(False, n, pa.bool_()), "_file": const("synthetic", n, pa.string()),
        "_row": pa.array(block + 1),
    }  # fmt: skip
    return pa.table(cols).cast(with_origin(TRANSFERS))


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def hex_strings(values: np.ndarray, width: int) -> pa.Array:
    """``0x`` + ``width`` hex digits of non-negative int64s, built as one Arrow buffer."""
    n = values.size
    size = width + 2
    data = np.full((n, size), ord("0"), np.uint8)
    data[:, 1] = ord("x")
    v = values.astype(np.uint64)
    digits = (int(v.max()).bit_length() + 3) // 4 if n else 0  # higher digits stay "0"
    for k in range(min(digits, 16)):
        data[:, size - 1 - k] = _HEX[((v >> np.uint64(4 * k)) & np.uint64(15)).astype(np.intp)]
    offsets = np.arange(0, (n + 1) * size, size, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))  # no copy
