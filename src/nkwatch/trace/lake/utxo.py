"""UTXO chains from the lake, as the one-node UTXO tracer's transactions."""

from __future__ import annotations

from datetime import UTC, datetime

from nkwatch.errors import UserError
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.model import TxInput, TxOutput, UtxoTx


def load_utxo_txs(lake: Lake, chain: str) -> list[UtxoTx]:
    import duckdb

    outs_files, ins_files = lake.paths("utxo_outputs", chain), lake.paths("utxo_inputs", chain)
    if not outs_files:
        raise UserError(
            f"no {chain} transactions in the lake: import some first", where=str(lake.root)
        )
    con = duckdb.connect()
    outs = con.execute(
        "SELECT tx_hash, block, tx_index, time, coinbase, out_index, address, value FROM read_parquet(?) "
        "ORDER BY block, tx_index, out_index", [outs_files],
    ).fetchall()  # fmt: skip
    ins = con.execute(
        "SELECT tx_hash, seq, prev_tx, prev_index, address, value FROM read_parquet(?) ORDER BY block, tx_index, seq",
        [ins_files],
    ).fetchall() if ins_files else []  # fmt: skip
    inputs: dict[str, list[TxInput]] = {}
    for tx, _, prev, n, address, value in ins:
        inputs.setdefault(tx, []).append(TxInput(prev, int(n), address, int(value)))
    txs: dict[str, tuple[int, int, bool, list[TxOutput]]] = {}
    for tx, block, _, ts, coinbase, n, address, value in outs:
        txs.setdefault(tx, (int(block), int(ts), bool(coinbase), []))[3].append(
            TxOutput(int(n), address, int(value))
        )
    return [
        UtxoTx(
            chain,
            tx,
            block,
            datetime.fromtimestamp(ts, UTC),
            tuple(inputs.get(tx, [])),
            tuple(o),
            coinbase,
        )
        for tx, (block, ts, coinbase, o) in txs.items()
    ]
