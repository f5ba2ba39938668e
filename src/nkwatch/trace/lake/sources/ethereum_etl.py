"""ethereum-etl exports and BigQuery ``crypto_ethereum`` exports -> canonical lake rows.

Value movement follows blockchain-etl's own definition (its ``balances.sql``): successful
traces only, without ``delegatecall``/``callcode``/``staticcall`` (they move no value of
their own), plus fees and withdrawals. Here the transaction row carries its top-level value
and its fee (``receipt_gas_used`` x effective gas price; value is zero when the receipt
says it failed), internal value comes from the traces *below* the top level (the top level
is the transaction itself), block and uncle rewards from ``reward`` traces, genesis
allocations from ``genesis`` traces, and beacon withdrawals (gwei) from the blocks table.
Fees are booked to the sender as spent (the tracer's ``fees`` bucket), not to the miner.

A file's table is recognised by its columns. Block times come from the row
(``block_timestamp``), else from ``blocks`` files of the same import, else from blocks
already in the lake. Token symbol/decimals come from ``tokens`` files, the bundled
canonical list or ``--token-decimals``; an unknown token is kept with symbol ``?`` and 0
decimals (noise: never traced unless asked for by contract).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nkwatch.errors import UserError
from nkwatch.trace.importers.ethereum_etl import KINDS
from nkwatch.trace.lake import amounts
from nkwatch.trace.lake.columns import Columns, batches, const, header, ids
from nkwatch.trace.lake.ids import address_id
from nkwatch.trace.lake.ingest import Batch, check_block_order
from nkwatch.trace.lake.schema import (
    AMOUNT_COLUMNS,
    BLOCK_TX,
    BLOCKS,
    FEE_COLUMNS,
    NO_TX,
    TRANSFERS,
    ZERO_ADDRESS,
    with_origin,
)

NO_VALUE_CALLS = ("delegatecall", "callcode", "staticcall")
FEW_VALUES = {"token_transfers": ("token_address",)}  # read as dictionaries: checked once a value
WITHDRAWAL_SEQ = 1 << 32  # withdrawals after rewards inside a block's own rows


def kind_of(path: Path) -> str:
    """The table a file holds: by its columns, and when some are missing, by its name or
    the closest table, naming the missing columns."""
    names = set(header(path))
    for kind, cols in KINDS.items():
        if all(c in names for c in cols):
            return kind
    named = [k for k in KINDS if path.name.lower().startswith(k)]
    kind = named[0] if named else max(KINDS, key=lambda k: len(names & set(KINDS[k])))
    missing = [c for c in KINDS[kind] if c not in names]
    raise UserError(f"missing column(s) {', '.join(missing)} (a {kind} file)", where=str(path))


@dataclass
class BlockTimes:
    """block -> unix time, from the import's blocks files and the lake's blocks."""

    blocks: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    times: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def add(self, blocks: np.ndarray, times: np.ndarray) -> None:
        b = np.concatenate([self.blocks, blocks])
        t = np.concatenate([self.times, times])
        b, first = np.unique(b, return_index=True)
        self.blocks, self.times = b, t[first]

    def lookup(self, cols: Columns, block: pa.Array) -> pa.Array:
        if cols.has("block_timestamp"):
            return cols.times("block_timestamp")
        b = np.asarray(block.to_numpy(zero_copy_only=False), np.int64)
        i = np.searchsorted(self.blocks, b)
        found = (
            (i < self.blocks.size) & (self.blocks[np.minimum(i, max(self.blocks.size - 1, 0))] == b)
            if self.blocks.size
            else np.zeros(b.size, np.bool_)
        )
        if not found.all():
            k = int(np.flatnonzero(~found)[0])
            raise UserError(f"no time for block {int(b[k])} (add a blocks file)", where=cols.at(k))
        return pa.array(self.times[i])


@dataclass
class Tokens:
    symbols: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass
class EthereumSource:
    chain: str
    symbol: str
    times: BlockTimes
    tokens: Tokens
    ordered: bool = True  # ethereum-etl writes block order; BigQuery shards do not

    def __call__(self, path: Path) -> Iterator[Batch]:
        kind = kind_of(path)
        if kind == "logs":
            raise UserError(
                "event logs are not a lake table yet: import them into the store "
                "(`nkwatch trace import ethereum-etl` without --engine/--lake)",
                where=str(path),
            )
        last = -1
        for table, rows in batches(path, FEW_VALUES.get(kind, ())):
            cols = Columns(table, rows, path)
            if kind in ("tokens",):
                continue
            block = cols.integer("number" if kind == "blocks" else "block_number")
            if self.ordered:
                last = check_block_order(block, path, rows, last)
            if kind == "blocks":
                out = self._withdrawals(cols, block)
                yield Batch("blocks", "blocks", _blocks_rows(self.chain, cols, block, rows, path))
                if out is not None:
                    yield Batch("transfers", "withdrawals", out)
            elif kind == "transactions":
                yield Batch("transfers", "transactions", self._transactions(cols, block))
            elif kind == "token_transfers":
                yield Batch("transfers", "token_transfers", self._tokens(cols, block))
            else:
                yield Batch("transfers", "traces", self._traces(cols, block))

    def _rows(self, cols: Columns, block: pa.Array, *, tx_index: pa.Array, seq: pa.Array,
              tx_hash: pa.Array, kind: str | pa.Array, asset: pa.Array, symbol: pa.Array,
              decimals: pa.Array, src: Addresses, dst: Addresses, amount: list[pa.Array],
              fee: list[pa.Array] | None, failed: pa.Array) -> pa.Table:  # fmt: skip
        n = len(block)
        zero = const(0, n, pa.int64())
        cols_out = {
            "chain": const(self.chain, n, pa.string()), "block": block,
            "tx_index": tx_index.cast(pa.int32()), "seq": seq.cast(pa.int64()),
            "out_index": const(0, n, pa.int32()), "time": self.times.lookup(cols, block),
            "tx_hash": tx_hash, "kind": kind if isinstance(kind, pa.Array) else const(kind, n, pa.string()),
            "asset": asset, "symbol": symbol, "decimals": decimals.cast(pa.int32()),
            "from_address": src[0], "to_address": dst[0], "from_id": src[1], "to_id": dst[1],
            **dict(zip(AMOUNT_COLUMNS, amount, strict=True)),
            **dict(zip(FEE_COLUMNS, fee or [zero, zero], strict=True)),
            "failed": failed, "_file": const(str(cols.path), n, pa.string()), "_row": cols.rows,
        }  # fmt: skip
        return pa.table(cols_out).cast(_WITH_ORIGIN)

    def _native(self, n: int) -> tuple[pa.Array, pa.Array, pa.Array]:
        return (
            const("", n, pa.string()),
            const(self.symbol, n, pa.string()),
            const(18, n, pa.int32()),
        )

    def _transactions(self, cols: Columns, block: pa.Array) -> pa.Table:
        n = len(block)
        value = cols.amount("value")
        failed = pc.equal(cols.text("receipt_status"), "0")
        failed = pc.or_(failed, pc.equal(cols.text("receipt_status"), "0.0"))
        created = pc.utf8_lower(cols.text("receipt_contract_address"))
        to_text = pc.utf8_lower(cols.text("to_address"))
        has_value = pc.not_equal(pc.add(value[0], value[1]), 0)  # cheap: any of the low limbs
        for limb in value[2:]:
            has_value = pc.or_(has_value, pc.not_equal(limb, 0))
        fallback = pc.if_else(pc.equal(created, ""), ZERO_ADDRESS, created)
        nowhere = pc.and_(pc.and_(pc.equal(to_text, ""), pc.equal(created, "")), has_value)
        cols.fail(
            "to_address", pc.invert(nowhere), "empty with a value and no receipt_contract_address"
        )
        asset, symbol, decimals = self._native(n)
        return self._rows(
            cols, block, tx_index=cols.integer("transaction_index", 0, BLOCK_TX - 1), seq=const(0, n, pa.int64()),
            tx_hash=cols.lower("hash"), kind="native", asset=asset, symbol=symbol,
            decimals=decimals, src=cols.address("from_address"), dst=cols.address("to_address", fallback),
            amount=value, fee=_fee(cols), failed=failed,
        )  # fmt: skip

    def _tokens(self, cols: Columns, block: pa.Array) -> pa.Table:
        n = len(block)
        contract = cols.address("token_address")
        coded = contract[0]
        if not pa.types.is_dictionary(coded.type):
            coded = pc.dictionary_encode(coded)
        meta = [self.tokens.symbols.get(c, ("?", 0)) for c in coded.dictionary.to_pylist()]
        symbol = pa.DictionaryArray.from_arrays(
            coded.indices, pa.array([m[0] for m in meta], pa.string())
        )
        decimals = pa.array([m[1] for m in meta], pa.int32()).take(coded.indices)
        return self._rows(
            cols, block, tx_index=const(NO_TX, n, pa.int32()), seq=cols.integer("log_index", 0, 2**31 - 1),
            tx_hash=cols.lower("transaction_hash"), kind="token", asset=contract[0],
            symbol=symbol, decimals=decimals, src=cols.address("from_address"),
            dst=cols.address("to_address"), amount=cols.amount("value"), fee=None,
            failed=const(False, n, pa.bool_()),
        )  # fmt: skip

    def _traces(self, cols: Columns, block: pa.Array) -> pa.Table:
        n = len(block)
        ttype = pc.utf8_lower(cols.text("trace_type"))
        cols.fail("trace_type", pc.is_in(ttype, pa.array(["call", "create", "suicide", "reward", "genesis", "selfdestruct"])), "unknown trace type")  # fmt: skip
        ctype = pc.utf8_lower(cols.text("call_type"))
        status = cols.text("status")
        ok = pc.and_(pc.not_equal(status, "0"), pc.not_equal(status, "0.0"))
        ok = pc.and_(ok, pc.equal(cols.text("error"), ""))
        own = pc.is_in(ttype, pa.array(["reward", "genesis"]))
        path_text = pc.utf8_trim(cols.text("trace_address"), "[]{} ")
        below_top = pc.not_equal(path_text, "")
        moves = pc.and_(
            ok,
            pc.or_(own, pc.and_(below_top, pc.invert(pc.is_in(ctype, pa.array(NO_VALUE_CALLS))))),
        )
        value = cols.amount("value")
        nonzero = pc.not_equal(value[0], 0)
        for limb in value[1:]:
            nonzero = pc.or_(nonzero, pc.not_equal(limb, 0))
        keep = pc.and_(moves, nonzero)
        tx_index = pc.if_else(
            own, BLOCK_TX, cols.integer("transaction_index", 0, BLOCK_TX - 1, default=BLOCK_TX)
        )
        seq = _trace_seq(cols, block, tx_index, path_text, own)
        kind = pc.if_else(own, "reward", "internal")
        src = cols.address("from_address", pc.if_else(own, ZERO_ADDRESS, ""))
        dst = cols.address("to_address", pc.if_else(pc.invert(keep), ZERO_ADDRESS, ""))
        asset, symbol, decimals = self._native(n)
        out = self._rows(
            cols, block, tx_index=tx_index, seq=seq, tx_hash=cols.lower("transaction_hash"),
            kind=kind, asset=asset, symbol=symbol, decimals=decimals, src=src, dst=dst,
            amount=value, fee=None, failed=const(False, n, pa.bool_()),
        )  # fmt: skip
        return out.filter(keep)

    def _withdrawals(self, cols: Columns, block: pa.Array) -> pa.Table | None:
        if not cols.has("withdrawals"):
            return None
        raw = cols.raw("withdrawals").to_pylist()
        rows: list[tuple[int, int, str, int]] = []
        for i, item in enumerate(raw):
            items = json_list(item, cols.at(i))
            for w in items:
                try:
                    gwei = int(str(w.get("amount", "0")))
                    rows.append(
                        (
                            i,
                            int(str(w.get("index", len(rows)))),
                            str(w["address"]).lower(),
                            gwei * 10**9,
                        )
                    )
                except (KeyError, ValueError):
                    raise UserError(
                        f"column withdrawals: not a withdrawal: {w!r}", where=cols.at(i)
                    ) from None
        if not rows:
            return None
        pick = pa.array([r[0] for r in rows])
        sub = Columns(cols.t.take(pick), cols.rows.take(pick), cols.path)
        dst_text = pa.array([r[2] for r in rows], pa.string())
        sub.fail(
            "withdrawals",
            pc.match_substring_regex(dst_text, r"^0x[0-9a-f]{40}$"),
            "not a 0x address",
        )
        dst = (dst_text, ids(dst_text))
        n = len(rows)
        asset, symbol, decimals = self._native(n)
        value = amounts.limb_columns(pa.array([str(r[3]) for r in rows]))
        return self._rows(
            sub, block.take(pick), tx_index=const(BLOCK_TX, n, pa.int32()),
            seq=pa.array([WITHDRAWAL_SEQ + r[1] for r in rows], pa.int64()), tx_hash=const("", n, pa.string()),
            kind="withdrawal", asset=asset, symbol=symbol, decimals=decimals,
            src=_constant_address(ZERO_ADDRESS, n), dst=dst, amount=value, fee=None,
            failed=const(False, n, pa.bool_()),
        )  # fmt: skip


Addresses = tuple[pa.Array, pa.Array]  # canonical text and ids


def _constant_address(address: str, n: int) -> Addresses:
    return const(address, n, pa.string()), const(address_id(address), n, pa.int64())


_WITH_ORIGIN = with_origin(TRANSFERS)


def json_list(item: object, at: str) -> list[dict[str, object]]:
    import json

    if item in (None, "", "[]"):
        return []
    if isinstance(item, str):
        try:
            item = json.loads(item.replace("'", '"'))
        except json.JSONDecodeError:
            raise UserError("column withdrawals: not a JSON list", where=at) from None
    if not isinstance(item, list):
        raise UserError("column withdrawals: not a list", where=at)
    return [w for w in item if isinstance(w, dict)]


def _fee(cols: Columns) -> list[pa.Array]:
    n = cols.t.num_rows
    if not cols.has("receipt_gas_used"):
        return [const(0, n, pa.int64()), const(0, n, pa.int64())]
    used = cols.integer("receipt_gas_used", default=0)
    price_col = (
        "receipt_effective_gas_price" if cols.has("receipt_effective_gas_price") else "gas_price"
    )
    price = cols.integer(price_col, default=0) if cols.has(price_col) else const(0, n, pa.int64())
    fee = pc.multiply(used.cast(pa.decimal256(19, 0)), price.cast(pa.decimal256(19, 0)))
    return amounts.limb_columns(fee.cast(pa.string()))[:2]


def _trace_seq(
    cols: Columns, block: pa.Array, tx_index: pa.Array, path: pa.Array, own: pa.Array
) -> pa.Array:
    """Depth-first position of each trace inside its transaction (0 = the top-level call);
    rewards are numbered in file order inside their block."""
    parts = pc.split_pattern(pc.replace_substring(path, " ", ""), ",")
    flat = pc.list_flatten(parts)
    cols_ok = pc.match_substring_regex(flat, r"^[0-9]{0,6}$")
    if not pc.all(cols_ok).as_py():
        bad = int(pc.list_parent_indices(parts).to_numpy()[int(pc.index(cols_ok, False).as_py())])
        raise UserError(
            f"column trace_address: not a trace address: {path[bad].as_py()!r}", where=cols.at(bad)
        )
    padded = pc.utf8_lpad(flat, 6, "0")
    key = pc.binary_join(pa.ListArray.from_arrays(parts.offsets, padded), ".")
    order = pc.sort_indices(pa.table({"b": block, "t": tx_index, "k": key}),
                            [("b", "ascending"), ("t", "ascending"), ("k", "ascending")])  # fmt: skip
    b = np.asarray(block.to_numpy(), np.int64)[order.to_numpy()]
    t = np.asarray(tx_index.to_numpy(), np.int64)[order.to_numpy()]
    n = b.size
    new_group = np.ones(n, np.bool_)
    if n:
        new_group[1:] = (b[1:] != b[:-1]) | (t[1:] != t[:-1])
    starts = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    rank_sorted = np.arange(n) - starts
    seq = np.empty(n, np.int64)
    seq[order.to_numpy()] = rank_sorted
    return pa.array(seq)


def _blocks_rows(
    chain: str, cols: Columns, block: pa.Array, rows: pa.Array, path: Path
) -> pa.Table:
    n = len(block)
    return pa.table({
        "chain": const(chain, n, pa.string()), "block": block, "tx_index": const(0, n, pa.int32()),
        "seq": const(0, n, pa.int64()), "out_index": const(0, n, pa.int32()),
        "time": cols.times("timestamp"), "_file": const(str(path), n, pa.string()), "_row": rows,
    }).cast(with_origin(BLOCKS))  # fmt: skip


def plan(paths: Sequence[Path], chain: str, symbol: str, token_decimals: dict[str, int],
         lake_times: BlockTimes, ordered: bool) -> tuple[EthereumSource, list[Path]]:  # fmt: skip
    """Read the import's blocks and tokens files first; return the source and the files to
    stage (blocks files are staged too: their times and withdrawals belong in the lake)."""
    from nkwatch.trace.noise import canonical_tokens

    tokens = Tokens(
        {t.contract: (t.symbol, t.decimals) for t in canonical_tokens() if t.chain == chain}
    )
    tokens.symbols.update({c: ("?", d) for c, d in token_decimals.items()})
    stage: list[Path] = []
    for path in paths:
        kind = kind_of(path)
        for table, rows in batches(path) if kind in ("blocks", "tokens") else ():
            cols = Columns(table, rows, path)
            if kind == "blocks":
                lake_times.add(np.asarray(cols.integer("number").to_numpy(), np.int64),
                               np.asarray(cols.times("timestamp").to_numpy(), np.int64))  # fmt: skip
            else:
                addr = cols.address("address")[0].to_pylist()
                dec = cols.integer("decimals", 0, 255).to_pylist()
                sym = cols.text("symbol").to_pylist()
                tokens.symbols.update({a: (s, d) for a, s, d in zip(addr, sym, dec, strict=True)})
        if kind != "tokens":
            stage.append(path)
    return EthereumSource(chain, symbol, lake_times, tokens, ordered), stage
