"""Stored event logs (``trace_logs``) for the bridge and swap decoders.

Only logs whose topic 0 a decoder knows are kept (bridge departures and arrivals, DEX swap
events): a node or an export carries millions of logs, the tracer needs a handful. The hex
text is stored as given, so a malformed log reaches the report's noise section instead of
failing the import.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from nkwatch.store import Store
from nkwatch.trace.bridges.abi import AbiError, EvmLog, RawLog
from nkwatch.trace.bridges.registry import KNOWN_TOPICS
from nkwatch.trace.swaps import SWAP_TOPICS

WANTED_TOPICS = KNOWN_TOPICS | SWAP_TOPICS
_SCHEMA = pa.schema([
    ("chain", pa.string()), ("tx_hash", pa.string()), ("log_index", pa.int32()),
    ("tx_index", pa.int32()), ("block", pa.int64()), ("block_hash", pa.string()),
    ("address", pa.string()), ("topic0", pa.string()), ("topics", pa.list_(pa.string())),
    ("data", pa.string()), ("source", pa.string()),
])  # fmt: skip


def wanted(raw: RawLog) -> bool:
    return bool(raw.topics) and raw.topics[0].strip().lower() in WANTED_TOPICS


def add_logs(store: Store, logs: Iterable[RawLog], *, source: str = "api") -> int:
    """Insert the logs a decoder knows (idempotent on chain, tx, log index); rows added."""
    rows = [r for r in logs if wanted(r)]
    before = count_logs(store)
    if rows:
        table = pa.table({
            "chain": [r.chain for r in rows], "tx_hash": [r.tx_hash.lower() for r in rows],
            "log_index": [r.log_index for r in rows], "tx_index": [r.tx_index for r in rows],
            "block": [r.block for r in rows], "block_hash": [r.block_hash for r in rows],
            "address": [r.address.lower() for r in rows],
            "topic0": [r.topics[0].strip().lower() for r in rows],
            "topics": [list(r.topics) for r in rows], "data": [r.data for r in rows],
            "source": [source] * len(rows),
        }, schema=_SCHEMA)  # fmt: skip
        with store.transaction() as conn:
            conn.register("_nk_logs", table)
            try:
                conn.execute(
                    "INSERT OR IGNORE INTO trace_logs SELECT DISTINCT ON "
                    "(chain, tx_hash, log_index) * FROM _nk_logs"
                )
            finally:
                conn.unregister("_nk_logs")
    return count_logs(store) - before


def count_logs(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM trace_logs").fetchall()[0][0])


def load_logs(store: Store, chain: str) -> tuple[list[EvmLog], list[tuple[RawLog, str]]]:
    """The chain's stored logs, decoded; the malformed ones with the reason."""
    rows = store.conn.execute(
        "SELECT tx_hash, log_index, block, address, topics, data, tx_index, block_hash "
        "FROM trace_logs WHERE chain = ? ORDER BY block, tx_index, log_index",
        [chain],
    ).fetchall()
    good: list[EvmLog] = []
    bad: list[tuple[RawLog, str]] = []
    for h, i, b, a, t, d, ti, bh in rows:
        raw = RawLog(chain, str(h), int(i), int(b), str(a), tuple(t), str(d), int(ti), str(bh))
        try:
            good.append(raw.parse())
        except AbiError as exc:
            bad.append((raw, str(exc)))
    return good, bad


def utxo_memos(store: Store, chain: str) -> dict[tuple[str, int], str]:
    """(tx hash, output index) -> the memo of an OP_RETURN output."""
    rows = store.conn.execute(
        "SELECT tx_hash, n, memo FROM trace_utxo_outputs WHERE chain = ? AND memo IS NOT NULL",
        [chain],
    ).fetchall()
    return {(str(h), int(n)): str(m) for h, n, m in rows}
