"""The lake's tables: Arrow schemas, partitioning and the total order of transfers.

``transfers`` (account model: native value, internal calls, token transfers, rewards,
withdrawals) is the one canonical table tracing and exposure read. ``utxo_outputs`` and
``utxo_inputs`` hold UTXO chains (bitcoin) as published. Every table is partitioned by
chain and 100,000-block range (``range = block // 100_000``) and, inside a range, by the
dataset that produced the rows (``transactions``, ``traces``, ``token_transfers``, ...), so
importing token transfers of a range never replaces its transactions. More tables (event
logs, swaps) live beside these under the same layout and manifest.

Order: ``(block, tx_index, seq, out_index)`` is unique per chain and is the order a sweep
runs in. ``seq`` is the position inside the transaction: 0 for the transaction's own value
(with its fee), the depth-first position of an internal call (1, 2, ...), the log index
for a token transfer (whose ``tx_index`` is -1: exports of token transfers carry no
transaction index, and only one asset's order matters to a sweep), and for what a block
itself pays out (rewards, withdrawals: ``tx_index`` = 2^31-1) its position in the block.
"""

from __future__ import annotations

import pyarrow as pa

from nkwatch.trace.lake.amounts import LIMBS

RANGE_BLOCKS = 100_000
BLOCK_TX = 2**31 - 1  # tx_index of rewards and withdrawals: after the block's transactions
NO_TX = -1  # tx_index of token transfers (exports carry no transaction index)
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"  # source of minted value

KINDS = ("native", "internal", "token", "reward", "withdrawal")

AMOUNT_COLUMNS = [f"amount{i}" for i in range(LIMBS)]
FEE_COLUMNS = ["fee0", "fee1"]  # fees stay below 10^36 base units

TRANSFERS = pa.schema(
    [
        ("chain", pa.string()),
        ("block", pa.int64()),
        ("tx_index", pa.int32()),
        ("seq", pa.int64()),
        ("out_index", pa.int32()),
        ("time", pa.int64()),  # block time, unix seconds
        ("tx_hash", pa.string()),
        ("kind", pa.string()),
        ("asset", pa.string()),  # token contract; "" for the native coin
        ("symbol", pa.string()),
        ("decimals", pa.int32()),
        ("from_address", pa.string()),
        ("to_address", pa.string()),
        ("from_id", pa.int64()),
        ("to_id", pa.int64()),
        *[(c, pa.int64()) for c in AMOUNT_COLUMNS],
        *[(c, pa.int64()) for c in FEE_COLUMNS],
        ("failed", pa.bool_()),  # reverted: moves no value, still pays its fee
    ]
)

UTXO_OUTPUTS = pa.schema(
    [
        ("chain", pa.string()),
        ("block", pa.int64()),
        ("tx_index", pa.int32()),
        ("seq", pa.int64()),  # position among the transaction's outputs
        ("out_index", pa.int32()),
        ("time", pa.int64()),
        ("tx_hash", pa.string()),
        ("coinbase", pa.bool_()),
        ("address", pa.string()),  # null: non-standard or several addresses
        ("address_id", pa.int64()),
        ("value", pa.int64()),  # satoshi
    ]
)

UTXO_INPUTS = pa.schema(
    [
        ("chain", pa.string()),
        ("block", pa.int64()),
        ("tx_index", pa.int32()),
        ("seq", pa.int64()),  # input position in the transaction
        ("out_index", pa.int32()),  # -1: inputs are not outputs
        ("time", pa.int64()),
        ("tx_hash", pa.string()),
        ("prev_tx", pa.string()),
        ("prev_index", pa.int32()),
        ("address", pa.string()),
        ("address_id", pa.int64()),
        ("value", pa.int64()),
    ]
)

BLOCKS = pa.schema(
    [
        ("chain", pa.string()),
        ("block", pa.int64()),
        ("tx_index", pa.int32()),  # 0: present so every table sorts by the same key
        ("seq", pa.int64()),
        ("out_index", pa.int32()),
        ("time", pa.int64()),
    ]
)

TABLES = {
    "transfers": TRANSFERS,
    "utxo_outputs": UTXO_OUTPUTS,
    "utxo_inputs": UTXO_INPUTS,
    "blocks": BLOCKS,
}
ORDER = ("block", "tx_index", "seq", "out_index")
ORIGIN = [("_file", pa.string()), ("_row", pa.int64())]  # where each staged row came from

# text columns with a handful of values per partition (and ``_file``): staged and written as
# dictionaries, so a constant column costs one value and its indices, never one string a row
DICTIONARY_TEXT = frozenset({"chain", "kind", "asset", "symbol", "_file"})
TEXT_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def staged(schema: pa.Schema) -> pa.Schema:
    """The schema rows are staged and written with: ``schema`` with ``DICTIONARY_TEXT``
    columns as dictionaries (readers see plain text: Parquet stores both the same way)."""
    return pa.schema(
        [pa.field(f.name, TEXT_DICTIONARY) if f.name in DICTIONARY_TEXT else f for f in schema]
    )


def with_origin(schema: pa.Schema) -> pa.Schema:
    """``staged(schema)`` plus the ``_file``/``_row`` columns sources add to each batch."""
    return staged(pa.schema([*schema, *ORIGIN]))
