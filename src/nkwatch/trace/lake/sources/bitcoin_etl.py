"""bitcoin-etl / BigQuery ``crypto_bitcoin.transactions`` (inputs and outputs nested) -> lake.

JSON lines, Parquet or Avro, one transaction per row with ``hash``, ``block_number``,
``block_timestamp``, ``index`` (position in the block), ``is_coinbase``, ``inputs``
(``index``, ``spent_transaction_hash``, ``spent_output_index``, ``addresses``, ``value``)
and ``outputs`` (``index``, ``addresses``, ``value``). An output with other than one
address (multisig, OP_RETURN) is kept with a null address, as in the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nkwatch.errors import UserError
from nkwatch.trace.lake.columns import Columns, batches
from nkwatch.trace.lake.ingest import Batch, check_block_order
from nkwatch.trace.lake.schema import UTXO_INPUTS, UTXO_OUTPUTS
from nkwatch.trace.lake.sources.model import utxo_table

REQUIRED = ("hash", "block_number", "block_timestamp", "inputs", "outputs")
MAX_SAT = 21_000_000 * 10**8


def _int(value: Any, at: str, what: str, hi: int = 2**63 - 1) -> int:
    try:
        out = int(str(value))
    except ValueError:
        raise UserError(f"{what}: not an integer: {value!r}", where=at) from None
    if not 0 <= out <= hi:
        raise UserError(f"{what}: out of range 0..{hi}: {value!r}", where=at)
    return out


def _address(obj: dict[str, Any]) -> str | None:
    found = obj.get("addresses") or []
    return str(found[0]) if len(found) == 1 else None


def _nested(value: Any, at: str, what: str) -> list[dict[str, Any]]:
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise UserError(f"{what}: not a JSON list", where=at) from None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise UserError(f"{what}: not a list of records", where=at)
    return value


def source(chain: str, ordered: bool) -> Any:
    def read(path: Path) -> Iterator[Batch]:
        last = -1
        for table, rows in batches(path):
            cols = Columns(table, rows, path)
            cols.need(*REQUIRED)
            block = cols.integer("block_number")
            if ordered:
                last = check_block_order(block, path, rows, last)
            times = cols.times("block_timestamp").to_pylist()
            outs: list[tuple[object, ...]] = []
            ins: list[tuple[object, ...]] = []
            txi_seen: dict[int, int] = {}
            recs = table.select(
                [
                    c
                    for c in ("hash", "index", "is_coinbase", "inputs", "outputs")
                    if c in table.column_names
                ]
            ).to_pylist()
            for i, rec in enumerate(recs):
                at = cols.at(i)
                b = int(block[i].as_py())
                txi = (
                    _int(rec["index"], at, "index", 2**31 - 2)
                    if rec.get("index") is not None
                    else txi_seen.get(b, 0)
                )
                txi_seen[b] = txi + 1
                coinbase = str(rec.get("is_coinbase")).lower() in ("true", "1")
                inputs = _nested(rec["inputs"], at, "inputs")
                for k, o in enumerate(_nested(rec["outputs"], at, "outputs")):
                    outs.append((chain, b, txi, k, _int(o.get("index", k), at, "outputs.index", 2**31 - 1),
                                 times[i], rec["hash"], coinbase or not inputs, _address(o),
                                 _int(o.get("value"), at, "outputs.value", MAX_SAT), rows[i].as_py()))  # fmt: skip
                for k, inp in enumerate(inputs):
                    ins.append((chain, b, txi, _int(inp.get("index", k), at, "inputs.index", 2**31 - 1), -1,
                                times[i], rec["hash"], str(inp.get("spent_transaction_hash")),
                                _int(inp.get("spent_output_index"), at, "inputs.spent_output_index", 2**31 - 1),
                                _address(inp), _int(inp.get("value"), at, "inputs.value", MAX_SAT), rows[i].as_py()))  # fmt: skip
            if outs:
                yield Batch("utxo_outputs", "utxo", utxo_table(outs, UTXO_OUTPUTS, path))
            if ins:
                yield Batch("utxo_inputs", "utxo", utxo_table(ins, UTXO_INPUTS, path))

    return read
