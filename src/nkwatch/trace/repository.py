"""The DuckDB transfer store: bulk, idempotent writes and columnar reads.

Writes go through Arrow tables inserted with ``INSERT OR IGNORE`` on the natural keys
``(chain, tx_hash, idx, kind)`` and ``(chain, tx_hash[, n])``, so re-importing a file or
re-crawling a block adds nothing twice. Amounts travel as decimal strings and are cast to
HUGEINT inside DuckDB, which keeps wei amounts exact. Every write joins the caller's
:meth:`Store.transaction` (or opens one), so a failed import leaves the store untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

import duckdb
import numpy as np
import pyarrow as pa

from nkwatch.errors import NotFoundError, UserError
from nkwatch.store import Store
from nkwatch.trace.graph import EdgeInfo, TransferGraph, unit_exponent
from nkwatch.trace.model import Asset, Transfer, TransferKind, UtxoTx
from nkwatch.trace.report_model import TraceReport

BATCH = 200_000

_TRANSFER_SCHEMA = pa.schema(
    [
        ("chain", pa.string()),
        ("tx_hash", pa.string()),
        ("idx", pa.int32()),
        ("kind", pa.string()),
        ("from_address", pa.string()),
        ("to_address", pa.string()),
        ("asset_contract", pa.string()),
        ("symbol", pa.string()),
        ("decimals", pa.int32()),
        ("amount", pa.string()),
        ("block", pa.int64()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("fee", pa.string()),
        ("failed", pa.bool_()),
        ("source", pa.string()),
    ]
)

_INSERT_TRANSFERS = """
INSERT OR IGNORE INTO trace_transfers
SELECT chain, tx_hash, idx, kind, from_address, to_address, asset_contract, symbol, decimals,
       CAST(amount AS HUGEINT), block, ts, CAST(fee AS HUGEINT), failed, source
FROM (SELECT DISTINCT ON (chain, tx_hash, idx, kind) * FROM _nk_batch)
"""


def _chunks(items: Iterable[Transfer], size: int) -> Iterator[list[Transfer]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _transfer_batch(rows: Sequence[Transfer], source: str) -> pa.Table:
    return pa.table(
        {
            "chain": [t.chain for t in rows],
            "tx_hash": [t.tx_hash for t in rows],
            "idx": [t.index for t in rows],
            "kind": [t.kind.value for t in rows],
            "from_address": [t.from_address for t in rows],
            "to_address": [t.to_address for t in rows],
            "asset_contract": [t.asset.contract or "" for t in rows],
            "symbol": [t.asset.symbol for t in rows],
            "decimals": [t.asset.decimals for t in rows],
            "amount": [str(t.amount) for t in rows],
            "block": [t.block for t in rows],
            "ts": [t.timestamp for t in rows],
            "fee": [str(t.fee) for t in rows],
            "failed": [t.failed for t in rows],
            "source": [source] * len(rows),
        },
        schema=_TRANSFER_SCHEMA,
    )


def count_transfers(store: Store, chain: str | None = None) -> int:
    if chain is None:
        row = store.conn.execute("SELECT count(*) FROM trace_transfers").fetchall()[0]
    else:
        row = store.conn.execute(
            "SELECT count(*) FROM trace_transfers WHERE chain = ?", [chain]
        ).fetchall()[0]
    return int(row[0]) if row else 0


def add_transfers(store: Store, transfers: Iterable[Transfer], *, source: str = "api") -> int:
    """Insert transfers (idempotent on chain, tx_hash, index, kind); returns rows added."""
    before = count_transfers(store)
    with store.transaction() as conn:
        for chunk in _chunks(transfers, BATCH):
            batch = _transfer_batch(chunk, source)
            conn.register("_nk_batch", batch)
            try:
                conn.execute(_INSERT_TRANSFERS)
            finally:
                conn.unregister("_nk_batch")
    return count_transfers(store) - before


def add_transfer_table(store: Store, table: pa.Table) -> int:
    """Bulk path for importers that already hold Arrow columns in ``_TRANSFER_SCHEMA``."""
    before = count_transfers(store)
    with store.transaction() as conn:
        conn.register("_nk_batch", table.cast(_TRANSFER_SCHEMA))
        try:
            conn.execute(_INSERT_TRANSFERS)
        finally:
            conn.unregister("_nk_batch")
    return count_transfers(store) - before


def _insert_arrow(conn: duckdb.DuckDBPyConnection, table: str, batch: pa.Table) -> None:
    conn.register("_nk_batch", batch)
    try:
        conn.execute(f"INSERT OR IGNORE INTO {table} SELECT * FROM _nk_batch")  # noqa: S608 - fixed table names
    finally:
        conn.unregister("_nk_batch")


def add_utxo_txs(store: Store, txs: Iterable[UtxoTx], *, source: str = "api") -> int:
    """Insert UTXO transactions with their inputs and outputs; returns transactions added."""
    before = int(store.conn.execute("SELECT count(*) FROM trace_utxo_txs").fetchall()[0][0])
    cols: dict[str, list[list[object]]] = {
        "tx": [[] for _ in range(6)],
        "out": [[] for _ in range(6)],
        "in": [[] for _ in range(7)],
    }
    for tx in txs:
        for col, v in zip(
            cols["tx"],
            (tx.chain, tx.tx_hash, tx.block, tx.timestamp, tx.coinbase, source),
            strict=True,
        ):
            col.append(v)
        for o in tx.outputs:
            for col, v in zip(
                cols["out"],
                (tx.chain, tx.tx_hash, o.index, o.address, o.value, o.memo),
                strict=True,
            ):
                col.append(v)
        for n, i in enumerate(tx.inputs):
            row = (tx.chain, tx.tx_hash, n, i.prev_tx, i.prev_index, i.address, i.value)
            for col, v in zip(cols["in"], row, strict=True):
                col.append(v)
    tables = {
        "trace_utxo_txs": pa.table(cols["tx"], schema=pa.schema([("chain", pa.string()), ("tx_hash", pa.string()), ("block", pa.int64()), ("ts", pa.timestamp("us", tz="UTC")), ("coinbase", pa.bool_()), ("source", pa.string())])),
        "trace_utxo_outputs": pa.table(cols["out"], schema=pa.schema([("chain", pa.string()), ("tx_hash", pa.string()), ("n", pa.int32()), ("address", pa.string()), ("value", pa.int64()), ("memo", pa.string())])),
        "trace_utxo_inputs": pa.table(cols["in"], schema=pa.schema([("chain", pa.string()), ("tx_hash", pa.string()), ("n", pa.int32()), ("prev_tx", pa.string()), ("prev_n", pa.int32()), ("address", pa.string()), ("value", pa.int64())])),
    }  # fmt: skip
    with store.transaction() as conn:
        for name, table in tables.items():
            if table.num_rows:
                _insert_arrow(conn, name, table)
    after = int(store.conn.execute("SELECT count(*) FROM trace_utxo_txs").fetchall()[0][0])
    return after - before


_SELECT_TRANSFER = (
    "SELECT chain, tx_hash, idx, kind, from_address, to_address, asset_contract, symbol, "
    "decimals, CAST(amount AS VARCHAR), block, ts, CAST(fee AS VARCHAR), failed FROM trace_transfers"
)


def _to_transfer(r: tuple[object, ...]) -> Transfer:
    ts = r[11]
    assert isinstance(ts, datetime)
    asset = Asset(str(r[0]), str(r[7]), int(str(r[8])), str(r[6]) or None)
    return Transfer(
        chain=str(r[0]),
        tx_hash=str(r[1]),
        index=int(str(r[2])),
        kind=TransferKind(str(r[3])),
        from_address=str(r[4]),
        to_address=str(r[5]),
        asset=asset,
        amount=int(str(r[9])),
        block=int(str(r[10])),
        timestamp=ts.astimezone(UTC),
        fee=int(str(r[12])),
        failed=bool(r[13]),
    )


def transfers_from(
    store: Store, chain: str, address: str, since: datetime | None = None
) -> list[Transfer]:
    """Outgoing transfers of ``address`` at or after ``since``, oldest first."""
    sql = _SELECT_TRANSFER + " WHERE chain = ? AND from_address = ?"
    params: list[object] = [chain, address]
    if since is not None:
        sql += " AND ts >= ?"
        params.append(since)
    rows = store.conn.execute(sql + " ORDER BY block, tx_hash, idx, kind", params).fetchall()
    return [_to_transfer(r) for r in rows]


def transfers_to(
    store: Store, chain: str, address: str, until: datetime | None = None
) -> list[Transfer]:
    """Incoming transfers of ``address`` up to ``until``, oldest first."""
    sql = _SELECT_TRANSFER + " WHERE chain = ? AND to_address = ?"
    params: list[object] = [chain, address]
    if until is not None:
        sql += " AND ts <= ?"
        params.append(until)
    rows = store.conn.execute(sql + " ORDER BY block, tx_hash, idx, kind", params).fetchall()
    return [_to_transfer(r) for r in rows]


class StoreSource:
    """:class:`~nkwatch.trace.source.TransferSource` (and ``IncomingSource``) over the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def outgoing(self, chain: str, address: str, since: datetime | None) -> list[Transfer]:
        return transfers_from(self.store, chain, address, since)

    def incoming(self, chain: str, address: str, until: datetime | None) -> list[Transfer]:
        return transfers_to(self.store, chain, address, until)


def data_version(store: Store, chain: str) -> str:
    """A short fingerprint of what the store holds for ``chain`` (rows, last block)."""
    row = store.conn.execute(
        "SELECT count(*), max(block), max(ts) FROM trace_transfers WHERE chain = ?", [chain]
    ).fetchall()[0]
    if not row or not row[0]:
        return f"{chain}: empty"
    return f"{chain}: {row[0]} transfers to block {row[1]} ({row[2]})"


def load_graph(store: Store, chain: str) -> TransferGraph:
    """Load every transfer of ``chain`` into a columnar :class:`TransferGraph`.

    Address ids are assigned inside DuckDB so no Python string per edge is created;
    amounts are scaled per asset (see ``graph``) in SQL before leaving DuckDB.
    """
    conn = store.conn
    assets = conn.execute(
        "SELECT asset_contract, any_value(symbol), any_value(decimals), "
        "CAST(sum(amount) + sum(CASE WHEN asset_contract = '' THEN fee ELSE 0 END) AS VARCHAR) "
        "FROM trace_transfers WHERE chain = ? GROUP BY asset_contract ORDER BY asset_contract",
        [chain],
    ).fetchall()
    if not assets:
        raise UserError(f"no {chain} transfers in the store: import some first", where="--chain")
    asset_list = [Asset(chain, str(s), int(d), str(c) or None) for c, s, d, _ in assets]
    exps = [unit_exponent(int(str(v))) for *_, v in assets]
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _nk_assets (contract VARCHAR, aid SMALLINT, scale HUGEINT)"
    )
    conn.executemany(
        "INSERT INTO _nk_assets VALUES (?, ?, ?)",
        [(str(a[0]), i, 10 ** exps[i]) for i, a in enumerate(assets)],
    )
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _nk_addr AS "
        "SELECT address, CAST(row_number() OVER (ORDER BY address) - 1 AS INTEGER) AS id FROM "
        "(SELECT from_address AS address FROM trace_transfers WHERE chain = ? "
        " UNION SELECT to_address FROM trace_transfers WHERE chain = ?)",
        [chain, chain],
    )
    addresses = [
        str(r[0]) for r in conn.execute("SELECT address FROM _nk_addr ORDER BY id").fetchall()
    ]
    cols = conn.execute(
        "SELECT f.id AS src, d.id AS dst, CAST(epoch(t.ts) AS BIGINT) AS ts, "
        "CAST(CASE WHEN t.failed THEN 0 ELSE t.amount // a.scale END AS BIGINT) AS amount, "
        "CAST(CASE WHEN t.asset_contract = '' THEN t.fee // a.scale ELSE 0 END AS BIGINT) AS fee, "
        "a.aid AS asset, t.rowid AS ref "
        "FROM trace_transfers t JOIN _nk_addr f ON f.address = t.from_address "
        "JOIN _nk_addr d ON d.address = t.to_address JOIN _nk_assets a ON a.contract = t.asset_contract "
        "WHERE t.chain = ? ORDER BY t.block, t.ts, t.tx_hash, t.idx, t.kind",
        [chain],
    ).fetchnumpy()

    def resolve(refs: Sequence[int]) -> dict[int, EdgeInfo]:
        if not refs:
            return {}
        rows = conn.execute(
            "SELECT rowid, tx_hash, block FROM trace_transfers WHERE rowid IN "
            "(SELECT unnest(?::BIGINT[]))",
            [list(int(r) for r in refs)],
        ).fetchall()
        return {int(r[0]): EdgeInfo(str(r[1]), int(r[2])) for r in rows}

    def find_tx(tx_hash: str) -> list[int]:
        rows = conn.execute(
            "SELECT rowid FROM trace_transfers WHERE chain = ? AND tx_hash = ?",
            [chain, tx_hash.lower()],
        ).fetchall()
        return [int(r[0]) for r in rows]

    return TransferGraph(
        chain=chain,
        addresses=addresses,
        assets=asset_list,
        unit_exp=exps,
        src=np.ascontiguousarray(cols["src"], dtype=np.int32),
        dst=np.ascontiguousarray(cols["dst"], dtype=np.int32),
        ts=np.ascontiguousarray(cols["ts"], dtype=np.int64),
        amount=np.ascontiguousarray(cols["amount"], dtype=np.int64),
        fee=np.ascontiguousarray(cols["fee"], dtype=np.int64),
        asset=np.ascontiguousarray(cols["asset"], dtype=np.int16),
        ref=np.ascontiguousarray(cols["ref"], dtype=np.int64),
        resolve=resolve,
        data_version=data_version(store, chain),
        find_tx=find_tx,
    )


# -- saved reports --------------------------------------------------------------------------
REPORT_NAME = r"^[a-z0-9][a-z0-9._-]{0,63}$"  # a saved report's name (URL-safe)


@dataclass(frozen=True)
class ReportSummary:
    """A saved report's headline, for listings."""

    name: str
    case: str | None
    chain: str
    policy: str
    endpoints: int
    generated_at: str


def save_report(store: Store, name: str, report: TraceReport, *, overwrite: bool = True) -> None:
    """Store ``report`` under ``name``; with ``overwrite=False`` a taken name is refused
    (the API: nobody replaces another analyst's report by naming a job after it)."""
    with store.transaction() as conn:
        if not overwrite and report_exists(store, name):
            raise UserError(f"a report named {name!r} already exists", where="name")
        conn.execute(
            "INSERT OR REPLACE INTO trace_reports (name, report) VALUES (?, ?)",
            [name, report.to_json_text(indent=None, ensure_ascii=True)],
        )


def report_exists(store: Store, name: str) -> bool:
    return bool(store.query("SELECT 1 FROM trace_reports WHERE name = ?", [name]))


def find_report(store: Store, name: str) -> TraceReport | None:
    rows = store.query("SELECT report FROM trace_reports WHERE name = ?", [name])
    return TraceReport.from_json_text(str(rows[0][0]), where=name) if rows else None


def load_report(store: Store, name: str) -> TraceReport:
    found = find_report(store, name)
    if found is None:
        raise NotFoundError(f"no trace report {name!r}", where="report")
    return found


def report_summaries(store: Store) -> list[ReportSummary]:
    out = []
    for name, raw in store.query("SELECT name, report FROM trace_reports ORDER BY name"):
        r = TraceReport.from_json_text(str(raw), where=str(name))
        p = r.parameters
        out.append(
            ReportSummary(str(name), p.case, p.chain, p.policy, len(r.endpoints), r.generated_at)
        )
    return out
