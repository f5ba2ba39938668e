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

from nkwatch.boundary import check_field
from nkwatch.errors import UserError
from nkwatch.trace.bridges.btc_memo import output_memo
from nkwatch.trace.importers import Importer, ImportOptions, register
from nkwatch.trace.importers.common import (
    MAX_BLOCK,
    MAX_INDEX,
    address,
    integer,
    json_lines,
    timestamp,
    tx_hash,
    where,
)
from nkwatch.trace.model import TxInput, TxOutput, UtxoTx

MAX_SATS = 2**63 - 1  # a UTXO value is a BIGINT in the store (21e14 satoshis ever exist)


def _number(obj: dict[str, Any], key: str, at: str, maximum: int = MAX_BLOCK) -> int:
    raw = obj.get(key)
    if raw is None:
        raise UserError(f"missing field {key!r}", where=at)
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise UserError(f"{key} must be an integer, not {_kind(raw)}", where=at)
    return integer(str(raw), at, key, maximum)


def _kind(value: object) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        float: "a fraction",
        bool: "true/false",
    }.get(type(value), type(value).__name__)


def _objects(obj: dict[str, Any], key: str, at: str) -> list[dict[str, Any]]:
    items = obj[key]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UserError(f"{key} must be a list of objects", where=at)
    return items


def _script(obj: dict[str, Any], key: str, at: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise UserError(f"{key} must be text", where=at)
    return check_field(value, where=at, what=key) if value else None


def _address(chain: str, obj: dict[str, Any], at: str) -> str | None:
    found = obj.get("addresses") or []
    if not isinstance(found, list) or not all(isinstance(a, str) for a in found):
        raise UserError("addresses must be a list of strings", where=at)
    if len(found) != 1:
        return None  # bare multisig / non-standard script: no single owner
    return address(chain, found[0], at)


def _tx(chain: str, obj: dict[str, Any], at: str) -> UtxoTx:
    for key in ("hash", "block_number", "block_timestamp", "inputs", "outputs"):
        if key not in obj:
            raise UserError(f"missing field {key!r}", where=at)
    inputs = []
    for i in _objects(obj, "inputs", at):
        if not isinstance(i.get("spent_transaction_hash"), str):
            raise UserError("an input lacks spent_transaction_hash (text)", where=at)
        inputs.append(
            TxInput(
                tx_hash(i["spent_transaction_hash"], at, "spent_transaction_hash"),
                _number(i, "spent_output_index", at, MAX_INDEX),
                _address(chain, i, at),
                _number(i, "value", at, MAX_SATS),
            )
        )
    outputs = tuple(
        TxOutput(
            _number(o, "index", at, MAX_INDEX) if "index" in o else n,
            _address(chain, o, at),
            _number(o, "value", at, MAX_SATS),
            output_memo(_script(o, "script_hex", at), _script(o, "script_asm", at)),
        )
        for n, o in enumerate(_objects(obj, "outputs", at))
    )
    if not isinstance(obj["hash"], str):
        raise UserError("hash must be text", where=at)
    coinbase = obj.get("is_coinbase", False)
    if not isinstance(coinbase, bool):
        raise UserError("is_coinbase must be true or false", where=at)
    if not isinstance(obj["block_timestamp"], int | str) or isinstance(
        obj["block_timestamp"], bool
    ):
        raise UserError("block_timestamp must be Unix seconds or ISO 8601 text", where=at)
    return UtxoTx(
        chain=chain,
        tx_hash=tx_hash(obj["hash"], at),
        block=_number(obj, "block_number", at),
        timestamp=timestamp(str(obj["block_timestamp"]), at),
        inputs=tuple(inputs),
        outputs=outputs,
        coinbase=coinbase or not inputs,
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
