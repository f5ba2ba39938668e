"""ethereum-etl exports (CSV, JSON lines or Parquet): ``transactions``, ``token_transfers``,
``traces`` and ``logs`` (only the bridge and swap events a decoder knows are kept).

Same columns as the BigQuery ``crypto_ethereum`` tables. Each file's kind is recognised by
its columns; ``blocks`` (number, timestamp) and ``tokens`` (address, symbol, decimals) files
given alongside supply block times and token decimals. Internal transfers are value-carrying
``call`` traces below the top level of a successful transaction.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow.parquet as pq

from nkwatch.boundary import UINT256_MAX, csv_dicts, read_text
from nkwatch.chains import get_chain
from nkwatch.errors import UserError
from nkwatch.trace.bridges.abi import RawLog, split_topics
from nkwatch.trace.importers import Importer, ImportOptions, register
from nkwatch.trace.importers.common import (
    MAX_INDEX,
    address,
    base_units,
    integer,
    json_lines,
    timestamp,
    tx_hash,
    where,
)
from nkwatch.trace.model import Asset, Transfer, TransferKind
from nkwatch.trace.noise import canonical_tokens
from nkwatch.trace.params import MAX_DECIMALS

KINDS = {
    "transactions": ("hash", "block_number", "from_address", "to_address", "value"),
    "token_transfers": ("token_address", "from_address", "to_address", "value", "transaction_hash", "log_index", "block_number"),
    "traces": ("transaction_hash", "from_address", "to_address", "value", "trace_type", "trace_address", "block_number"),
    "tokens": ("address", "symbol", "decimals"),
    "blocks": ("number", "timestamp"),
    "logs": ("log_index", "transaction_hash", "block_number", "address", "data", "topics"),
}  # fmt: skip


def _rows(path: Path) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    if path.suffix == ".parquet":
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise UserError(f"not a readable Parquet file: {exc}", where=str(path)) from exc
        names = set(table.column_names)
        rows = [
            (i + 1, {k: "" if v is None else str(v) for k, v in r.items()})
            for i, r in enumerate(table.to_pylist())
        ]
    elif path.suffix in (".json", ".jsonl"):
        rows = _json_rows(path)
        names = set(rows[0][1]) if rows else set()
    else:
        header, found = csv_dicts(read_text(path, what="CSV file"), where=str(path))
        names = set(header)
        rows = list(found)
    for kind, cols in KINDS.items():
        if all(c in names for c in cols):
            return kind, rows
    raise UserError(
        "not an ethereum-etl file: missing columns for any of " + ", ".join(KINDS), where=str(path)
    )


def _json_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """JSON lines (ethereum-etl's ``--output x.json``); lists (topics) joined by commas."""
    return [(n, {k: _text(v) for k, v in obj.items()}) for n, obj in json_lines(path)]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _log(chain: str, r: dict[str, str], block: int, at: str) -> RawLog:
    return RawLog(
        chain, tx_hash(r["transaction_hash"], at, "transaction_hash"),
        integer(r["log_index"], at, "log_index", MAX_INDEX), block, r["address"].strip().lower(), split_topics(r["topics"]), r["data"].strip(),
        integer(r.get("transaction_index") or "0", at, "transaction_index"),
        r.get("block_hash", "").strip().lower(),
    )  # fmt: skip


def read(paths: Sequence[Path], opts: ImportOptions) -> Iterator[Transfer | RawLog]:
    chain = opts.chain or "ethereum"
    info = get_chain(chain)
    native = Asset(chain, info.symbol, info.decimals)
    files = [(p, *_rows(p)) for p in paths]
    times: dict[int, str] = {}
    decimals = {t.contract: (t.symbol, t.decimals) for t in canonical_tokens() if t.chain == chain}
    for path, kind, rows in files:
        for n, r in rows:
            if kind == "blocks":
                times[integer(r["number"], where(path, n), "number")] = r["timestamp"]
            elif kind == "transactions" and r.get("block_timestamp"):
                times[integer(r["block_number"], where(path, n), "block_number")] = r[
                    "block_timestamp"
                ]
            elif kind == "tokens":
                at = where(path, n)
                decimals[address(chain, r["address"], at)] = (
                    r["symbol"],
                    integer(r["decimals"], at, "decimals", MAX_DECIMALS),
                )
    for path, kind, rows in files:
        for n, r in rows:
            at = where(path, n)
            if kind in ("blocks", "tokens"):
                continue
            block = integer(r["block_number"], at, "block_number")
            if kind == "logs":
                yield _log(chain, r, block, at)
                continue
            when = r.get("block_timestamp") or times.get(block)
            if not when:
                raise UserError(f"no time for block {block} (add a blocks file)", where=at)
            if kind == "transactions":
                yield _native(chain, native, r, block, when, at)
            elif kind == "token_transfers":
                yield _token(chain, r, decimals, opts, block, when, at)
            elif (t := _internal(chain, native, r, block, when, at)) is not None:
                yield t


def _fee(r: dict[str, str], at: str) -> int:
    used = r.get("receipt_gas_used", "")
    price = r.get("receipt_effective_gas_price") or r.get("gas_price", "")
    if used and price:
        fee = integer(used, at, "receipt_gas_used") * integer(price, at, "gas_price")
        if fee > UINT256_MAX:
            raise UserError(f"fee {fee} is above what the store keeps exactly", where=at)
        return fee
    return 0


def _native(
    chain: str, asset: Asset, r: dict[str, str], block: int, when: str, at: str
) -> Transfer:
    to = r["to_address"] or r.get("receipt_contract_address", "")
    return Transfer(
        chain, tx_hash(r["hash"], at), 0, TransferKind.NATIVE, address(chain, r["from_address"], at),
        address(chain, to, at, "to_address"), asset, base_units(r["value"], 0, at, "value"),
        block, timestamp(when, at), fee=_fee(r, at),
        failed=r.get("receipt_status", "1") in ("0", "0.0"),
    )  # fmt: skip


def _token(
    chain: str, r: dict[str, str], decimals: dict[str, tuple[str, int]], opts: ImportOptions,
    block: int, when: str, at: str,
) -> Transfer:  # fmt: skip
    contract = address(chain, r["token_address"], at, "token_address")
    known = decimals.get(contract)
    if known is None and contract in opts.token_decimals:
        known = ("?", opts.token_decimals[contract])
    if known is None:
        raise UserError(f"token {contract} has no decimals (add a tokens file)", where=at)
    return Transfer(
        chain, tx_hash(r["transaction_hash"], at, "transaction_hash"),
        integer(r["log_index"], at, "log_index", MAX_INDEX),
        TransferKind.TOKEN, address(chain, r["from_address"], at), address(chain, r["to_address"], at),
        Asset(chain, known[0], known[1], contract), base_units(r["value"], 0, at, "value"),
        block, timestamp(when, at),
    )  # fmt: skip


def _internal(
    chain: str, asset: Asset, r: dict[str, str], block: int, when: str, at: str
) -> Transfer | None:
    path = r["trace_address"].strip().strip("[]{}")
    if (
        r["trace_type"] != "call"
        or not path
        or r.get("status", "1") in ("0", "0.0")
        or r.get("error")
    ):
        return None
    value = base_units(r["value"] or "0", 0, at, "value")
    if value == 0 or not r["from_address"] or not r["to_address"]:
        return None
    # a stable index per call path, so re-imports are idempotent (kind keeps it apart from logs)
    index = zlib.crc32(path.replace(" ", "").encode()) & 0x7FFFFFFF
    return Transfer(
        chain, tx_hash(r["transaction_hash"], at, "transaction_hash"), index, TransferKind.INTERNAL,
        address(chain, r["from_address"], at), address(chain, r["to_address"], at), asset, value,
        block, timestamp(when, at),
    )  # fmt: skip


register(
    Importer(
        "ethereum-etl", "account", read, "ethereum-etl / BigQuery crypto_ethereum CSV or Parquet"
    )
)
