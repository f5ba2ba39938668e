"""bitcoin-etl JSON lines (``crypto_bitcoin.transactions``: inputs and outputs embedded).

One JSON object per line with ``hash``, ``block_number``, ``block_timestamp``,
``is_coinbase``, ``inputs`` (``spent_transaction_hash``, ``spent_output_index``,
``addresses``, ``value``) and ``outputs`` (``index``, ``addresses``, ``value``, optional
``script_hex``/``script_asm``: the text of an OP_RETURN output is kept as its memo).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from nkwatch.errors import UserError
from nkwatch.trace.bridges.btc_memo import output_memo
from nkwatch.trace.importers import Importer, ImportOptions, register
from nkwatch.trace.importers.common import integer, json_lines, timestamp, where
from nkwatch.trace.model import TxInput, TxOutput, UtxoTx


def _value(obj: dict[str, Any], at: str) -> int:
    raw = obj.get("value")
    if raw is None:
        raise UserError("missing value", where=at)
    return integer(str(raw), at, "value")


def _address(obj: dict[str, Any]) -> str | None:
    found = obj.get("addresses") or []
    return str(found[0]) if len(found) == 1 else None


def _tx(chain: str, obj: dict[str, Any], at: str) -> UtxoTx:
    for key in ("hash", "block_number", "block_timestamp", "inputs", "outputs"):
        if key not in obj:
            raise UserError(f"missing field {key!r}", where=at)
    inputs = tuple(
        TxInput(str(i["spent_transaction_hash"]), integer(str(i["spent_output_index"]), at, "spent_output_index"),
                _address(i), _value(i, at))
        for i in obj["inputs"]
    )  # fmt: skip
    outputs = tuple(
        TxOutput(integer(str(o.get("index", n)), at, "index"), _address(o), _value(o, at),
                 output_memo(o.get("script_hex"), o.get("script_asm")))
        for n, o in enumerate(obj["outputs"])
    )  # fmt: skip
    return UtxoTx(
        chain=chain,
        tx_hash=str(obj["hash"]),
        block=integer(str(obj["block_number"]), at, "block_number"),
        timestamp=timestamp(str(obj["block_timestamp"]), at),
        inputs=inputs,
        outputs=outputs,
        coinbase=bool(obj.get("is_coinbase")) or not inputs,
    )


def read(paths: Sequence[Path], opts: ImportOptions) -> Iterator[UtxoTx]:
    chain = opts.chain or "bitcoin"
    for path in paths:
        for n, obj in json_lines(path):
            yield _tx(chain, obj, where(path, n))


register(
    Importer(
        "bitcoin-etl", "utxo", read, "bitcoin-etl / BigQuery crypto_bitcoin transactions JSONL"
    )
)
