"""Store adapter for the EVM crawler's cache (migration 0350): complete blocks, their
transfers and token metadata. Every write of blocks happens inside one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from nkwatch.store import Store
from nkwatch.trace.evm.decode import BlockHeader, native_asset
from nkwatch.trace.evm.fetch import FetchedBlock
from nkwatch.trace.evm.tokens import TokenMeta
from nkwatch.trace.model import Transfer, TransferKind

_COLUMNS = (
    "t.number, t.tx_hash, t.idx, t.kind, t.from_address, t.to_address, t.asset_contract,"
    " t.amount, t.fee, t.failed, b.ts, k.symbol, k.decimals"
)
_FROM = (
    " FROM evm_transfers t JOIN evm_blocks b ON b.chain = t.chain AND b.number = t.number"
    " LEFT JOIN evm_tokens k ON k.chain = t.chain AND k.contract = t.asset_contract"
)
_ORDER = " ORDER BY t.number, t.tx_pos, t.idx"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


class EvmCache:
    def __init__(self, store: Store, chain: str) -> None:
        self.store = store
        self.chain = chain

    # -- blocks ------------------------------------------------------------------------
    def have(self, first: int, last: int) -> set[int]:
        rows = self.store.query(
            "SELECT number FROM evm_blocks WHERE chain = ? AND number BETWEEN ? AND ?",
            [self.chain, first, last],
        )
        return {int(r[0]) for r in rows}

    def tip(self) -> BlockHeader | None:
        rows = self.store.query(
            "SELECT number, hash, parent_hash, ts FROM evm_blocks WHERE chain = ?"
            " ORDER BY number DESC LIMIT 1",
            [self.chain],
        )
        return (
            BlockHeader(int(rows[0][0]), rows[0][1], rows[0][2], _utc(rows[0][3])) if rows else None
        )

    def hashes(self, first: int, last: int) -> dict[int, str]:
        rows = self.store.query(
            "SELECT number, hash FROM evm_blocks WHERE chain = ? AND number BETWEEN ? AND ?",
            [self.chain, first, last],
        )
        return {int(r[0]): str(r[1]) for r in rows}

    def write(self, blocks: Sequence[FetchedBlock]) -> None:
        """Headers and all transfers of ``blocks``, all or nothing."""
        rows: list[list[Any]] = []
        for fb in blocks:
            positions: dict[str, int] = {}
            for t in fb.transfers:
                if t.kind is TransferKind.NATIVE:
                    positions.setdefault(t.tx_hash, len(positions))
            for t in fb.transfers:
                rows.append(
                    [self.chain, t.block, positions.get(t.tx_hash, 0), t.tx_hash, t.index,
                     t.kind.value, t.from_address, t.to_address, t.asset.contract,
                     str(t.amount), str(t.fee), t.failed]
                )  # fmt: skip
        with self.store.transaction() as conn:
            for fb in blocks:
                h = fb.header
                conn.execute(
                    "INSERT INTO evm_blocks (chain, number, hash, parent_hash, ts, transfers)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [self.chain, h.number, h.hash, h.parent_hash, h.timestamp, len(fb.transfers)],
                )
            if rows:
                conn.executemany(
                    "INSERT INTO evm_transfers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
                )

    def scans(self, address: str, direction: str) -> list[tuple[int, int]]:
        rows = self.store.query(
            "SELECT first_block, last_block FROM evm_address_scans"
            " WHERE chain = ? AND address = ? AND direction = ?",
            [self.chain, address, direction],
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    def add_scan(self, address: str, direction: str, first: int, last: int) -> None:
        self.store.conn.execute(
            "INSERT INTO evm_address_scans (chain, address, direction, first_block, last_block)"
            " VALUES (?, ?, ?, ?, ?)",
            [self.chain, address, direction, first, last],
        )

    def drop_from(self, number: int) -> int:
        """Forget blocks >= ``number`` (replaced by a reorg) and the scans that covered
        them; returns how many blocks."""
        with self.store.transaction() as conn:
            conn.execute(
                "DELETE FROM evm_address_scans WHERE chain = ? AND first_block >= ?",
                [self.chain, number],
            )
            conn.execute(
                "UPDATE evm_address_scans SET last_block = ? WHERE chain = ? AND last_block >= ?",
                [number - 1, self.chain, number],
            )
            row = conn.execute(
                "SELECT count(*) FROM evm_blocks WHERE chain = ? AND number >= ?",
                [self.chain, number],
            ).fetchone()
            conn.execute(
                "DELETE FROM evm_transfers WHERE chain = ? AND number >= ?", [self.chain, number]
            )
            conn.execute(
                "DELETE FROM evm_blocks WHERE chain = ? AND number >= ?", [self.chain, number]
            )
        return int(row[0]) if row else 0

    # -- tokens ------------------------------------------------------------------------
    def tokens(self, contracts: Iterable[str]) -> dict[str, TokenMeta]:
        wanted = sorted(set(contracts))
        if not wanted:
            return {}
        rows = self.store.query(
            "SELECT contract, symbol, name, decimals FROM evm_tokens"
            " WHERE chain = ? AND list_contains(?, contract)",
            [self.chain, wanted],
        )
        return {r[0]: TokenMeta(r[0], r[1], r[2], r[3]) for r in rows}

    def put_tokens(self, metas: Iterable[TokenMeta]) -> None:
        with self.store.transaction() as conn:
            for m in metas:
                conn.execute(
                    "INSERT OR REPLACE INTO evm_tokens (chain, contract, symbol, name, decimals)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [self.chain, m.contract, m.symbol, m.name, m.decimals],
                )

    def flagged_tokens(self) -> list[TokenMeta]:
        rows = self.store.query(
            "SELECT contract, symbol, name, decimals FROM evm_tokens"
            " WHERE chain = ? AND decimals IS NULL ORDER BY contract",
            [self.chain],
        )
        return [TokenMeta(r[0], r[1], r[2], r[3]) for r in rows]

    # -- reads -------------------------------------------------------------------------
    def outgoing(self, address: str, since: datetime | None) -> list[Transfer]:
        sql = "SELECT " + _COLUMNS + _FROM + " WHERE t.chain = ? AND t.from_address = ?"
        params: list[Any] = [self.chain, address]
        if since is not None:
            sql += " AND b.ts >= ?"
            params.append(since)
        return [self._row(r) for r in self.store.query(sql + _ORDER, params)]

    def incoming(self, address: str, until: datetime | None) -> list[Transfer]:
        sql = "SELECT " + _COLUMNS + _FROM + " WHERE t.chain = ? AND t.to_address = ?"
        params: list[Any] = [self.chain, address]
        if until is not None:
            sql += " AND b.ts <= ?"
            params.append(until)
        return [self._row(r) for r in self.store.query(sql + _ORDER, params)]

    def all_transfers(self) -> list[Transfer]:
        sql = "SELECT " + _COLUMNS + _FROM + " WHERE t.chain = ?"
        return [self._row(r) for r in self.store.query(sql + _ORDER, [self.chain])]

    def _row(self, r: tuple[Any, ...]) -> Transfer:
        contract = r[6]
        if contract is None:
            asset = native_asset(self.chain)
        else:
            asset = TokenMeta(contract, r[11], None, r[12]).asset(self.chain)
        return Transfer(
            chain=self.chain,
            tx_hash=r[1],
            index=int(r[2]),
            kind=TransferKind(r[3]),
            from_address=r[4],
            to_address=r[5],
            asset=asset,
            amount=int(r[7]),
            block=int(r[0]),
            timestamp=_utc(r[10]),
            fee=int(r[8]),
            failed=bool(r[9]),
        )
