"""The live watch: follow new blocks of an EVM node and alert when watched value moves.

Core (pure): :func:`process_block` applies the poison policy forward from each incident's
seeds over one block's transfers in execution order: a transfer out of a tainted address
taints its receiver and is a ``movement`` alert, unless the receiver is a monitored deposit
address (``deposit`` alert) or a known service (``service`` alert); taint never spreads past
those, so an exchange sweep or a mixer does not taint the world. Dust (``min_amount``),
failed and zero-value transfers are ignored.

Adapter: :class:`Watcher` polls the node (head and its cursor block's hash in one request),
fetches complete blocks (``trace.evm.fetch``: one batch request per chunk), keeps the next
chunks in flight while it processes one (``trace.evm.prefetch``), checks parent hashes
against what it processed (a replaced block is rolled back with the taint it produced and
processed again), and persists cursor, taint and alert keys for a run of blocks in one
transaction before delivering. Delivery is tracked per sink, so a restart re-sends only
what a sink did not get, and an alert key is never emitted twice.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb

from nkwatch.exposure.alerts import (
    Alert,
    AlertSink,
    alert_for,
    record_alerts,
    send,
    undelivered,
)
from nkwatch.exposure.watch_config import Lookups, WatchConfig, lookups
from nkwatch.store import Store
from nkwatch.trace import (
    BlockFetcher,
    BlockHeader,
    EvmCache,
    FetchedBlock,
    InconsistentAnswer,
    NodeUnavailable,
    Prefetcher,
    RpcClient,
    RpcError,
    TokenMeta,
    fetch_token_meta,
    senders,
)


@dataclass(frozen=True, slots=True)
class Taint:
    incident: str
    address: str
    hops: int
    path: tuple[str, ...]
    first_block: int
    first_tx: str


TaintMap = dict[str, dict[str, Taint]]  # address -> incident -> taint


def seed_taint(config: WatchConfig) -> TaintMap:
    taint: TaintMap = {}
    for inc in config.incidents:
        for seed in inc.seeds:
            taint.setdefault(seed, {})[inc.id] = Taint(inc.id, seed, 0, (seed,), -1, "")
    return taint


def process_block(
    config: WatchConfig,
    taint: TaintMap,
    block: FetchedBlock,
    now: float,
    look: Lookups | None = None,
) -> tuple[list[Alert], list[Taint]]:
    """Alerts raised by ``block`` and the taints it adds; ``taint`` is updated in place.
    Only movements whose sender is tainted are looked at (and built, when fetched lazily)."""
    look = look or lookups(config)
    rows = block.transfers
    alerts: list[Alert] = []
    added: list[Taint] = []
    for i, sender in enumerate(senders(rows)):
        sources = taint.get(sender)
        if not sources:
            continue
        t = rows[i]
        if t.failed or t.amount < look.min_amount.get(t.asset.contract or "native", 1):
            continue  # reverted, or dust
        for inc, src in list(sources.items()):
            if t.to_address in look.deposits:
                kind, target = "deposit", look.deposits[t.to_address]
            elif t.to_address in look.services:
                kind, target = "service", look.services[t.to_address].name
            else:
                kind, target = "movement", ""
            path = (*src.path, t.to_address)
            source = look.seed_sources.get((inc, path[0]), "")
            alerts.append(
                alert_for(config.name, block.header, t, inc, kind, target, path, now, source)
            )
            if kind == "movement" and inc not in taint.get(t.to_address, {}):
                new = Taint(inc, t.to_address, src.hops + 1, path, block.header.number, t.tx_hash)
                taint.setdefault(t.to_address, {})[inc] = new
                added.append(new)
    return alerts, added


def _log(message: str) -> None:
    print(f"nkwatch watch: {message}", file=sys.stderr, flush=True)


class Watcher:
    def __init__(
        self,
        store: Store,
        rpc: RpcClient,
        config: WatchConfig,
        sinks: Iterable[AlertSink],
        *,
        clock: Callable[[], float] = time.time,
        log: Callable[[str], None] = _log,
    ) -> None:
        self.store, self.config, self.sinks = store, config, list(sinks)
        self._clock, self._log = clock, log
        self._db = threading.RLock()  # the store, shared with prefetch threads' token lookups
        self._tokens = EvmCache(store, config.chain)
        self._token_memo: dict[str, TokenMeta] = {}
        # alerts need no fees: skip receipts where traces tell each transaction's status
        self.fetcher = BlockFetcher(rpc, config.chain, self._token_lookup, fees=False)
        self.fetcher.internal = config.internal_transfers
        chunk = min(config.fetch_chunk, config.max_blocks_per_step)
        self.ahead = Prefetcher(self.fetcher.fetch, chunk=chunk, window=config.prefetch)
        self.id = config.name
        self._look = lookups(config)
        self.taint = self._load_taint()
        self.processed = 0
        self.rolled_back = 0
        self._behind = True  # recorded alerts may await delivery (a restart, a failed sink)
        self._cursor = self._read_cursor()  # (block, hash): this watcher is its only writer
        self.position: int | None = self._cursor[0] if self._cursor else None  # for monitors

    def close(self) -> None:
        """Stop fetching ahead (the caller owns store and node client)."""
        self.ahead.close()

    # -- state -------------------------------------------------------------------------
    def cursor(self) -> tuple[int, str] | None:
        """The last processed block and its hash, as committed."""
        return self._cursor

    def _read_cursor(self) -> tuple[int, str] | None:
        with self._db:
            rows = self.store.query(
                "SELECT last_block, last_hash FROM watch_cursor WHERE watch_id = ?", [self.id]
            )
        return (int(rows[0][0]), str(rows[0][1])) if rows else None

    def _load_taint(self) -> TaintMap:
        taint = seed_taint(self.config)
        with self._db:
            rows = self.store.query(
                "SELECT incident, address, hops, path, first_block, first_tx FROM watch_taint"
                " WHERE watch_id = ?",
                [self.id],
            )
        for inc, addr, hops, path, block, tx in rows:
            taint.setdefault(addr, {})[inc] = Taint(
                inc, addr, int(hops), tuple(path), int(block), tx
            )
        return taint

    # -- loop --------------------------------------------------------------------------
    def run(self, stop: threading.Event, *, max_backoff_s: float = 30.0) -> None:
        """Poll until ``stop`` is set; a node that goes away is retried with backoff."""
        failures = 0
        try:
            while not stop.is_set():
                try:
                    if self._behind:
                        self.deliver_pending()
                    done = self.step()
                    failures = 0
                except (NodeUnavailable, RpcError, InconsistentAnswer) as exc:
                    # the node is down, answers errors, or is mid-reorg: keep running, back off
                    failures += 1
                    delay = random.random() * min(max_backoff_s, 0.25 * 2 ** min(failures, 10))
                    self._log(f"node problem ({exc}); retrying in {delay:.1f}s")
                    stop.wait(delay)
                    continue
                if done == 0:
                    stop.wait(self.config.poll_interval_s)
        finally:
            self.close()

    def step(self) -> int:
        """Process the blocks available now (about ``max_blocks_per_step``); the next
        chunks are fetched while one is processed, continuity is checked on each block."""
        cursor = self.cursor()
        head, node = self.fetcher.head_and_header(cursor[0] if cursor else None)
        head -= self.config.confirmations
        if cursor is not None and self._reorged(cursor, node):
            self.ahead.reset()
            cursor = self.cursor()
        if cursor is None:
            start = self.config.start_block if self.config.start_block is not None else head
            prev_hash = None
        else:
            start, prev_hash = cursor[0] + 1, cursor[1]
        run: list[FetchedBlock] = []  # one store transaction for the whole run
        while start <= head and len(run) < self.config.max_blocks_per_step:
            _, last, blocks = self.ahead.take(start, head)
            for fb in blocks:
                if prev_hash is not None and fb.header.parent_hash != prev_hash:
                    break  # the chain changed under us; the next step's reorg check handles it
                run.append(fb)
                prev_hash = fb.header.hash
            else:
                start = last + 1
                if blocks:
                    continue
            self.ahead.reset()
            break
        if run:
            self._process(run)
        return len(run)

    # -- reorgs ------------------------------------------------------------------------
    def _reorged(self, cursor: tuple[int, str], node: BlockHeader | None) -> bool:
        """Roll back to the last block the node still has, when our cursor was replaced."""
        if node is not None and node.hash == cursor[1]:
            return False
        with self._db:
            ours = dict(
                self.store.query(
                    "SELECT number, hash FROM watch_blocks WHERE watch_id = ? ORDER BY number DESC",
                    [self.id],
                )
            )
        numbers = sorted(ours, reverse=True)
        theirs = {h.number: h.hash for h in self.fetcher.headers(numbers)} if numbers else {}
        keep = next((n for n in numbers if theirs.get(n) == ours[n]), None)
        self._rollback(keep)
        return True

    def _rollback(self, keep: int | None) -> None:
        """Forget blocks after ``keep`` (None: everything) and the taint they produced."""
        after = -1 if keep is None else keep
        with self._db, self.store.transaction() as conn:
            gone = conn.execute(
                "SELECT count(*) FROM watch_blocks WHERE watch_id = ? AND number > ?",
                [self.id, after],
            ).fetchone()
            for table, column in (("watch_blocks", "number"), ("watch_taint", "first_block")):
                conn.execute(
                    f"DELETE FROM {table} WHERE watch_id = ? AND {column} > ?",  # noqa: S608
                    [self.id, after],
                )
            conn.execute(
                "UPDATE watch_alerts SET orphaned = true WHERE watch_id = ? AND block > ?",
                [self.id, after],
            )
            if keep is None:
                conn.execute("DELETE FROM watch_cursor WHERE watch_id = ?", [self.id])
                cursor = None
            else:
                (row,) = conn.execute(
                    "SELECT hash FROM watch_blocks WHERE watch_id = ? AND number = ?",
                    [self.id, keep],
                ).fetchall()
                conn.execute(
                    "UPDATE watch_cursor SET last_block = ?, last_hash = ?, updated_at = now()"
                    " WHERE watch_id = ?",
                    [keep, row[0], self.id],
                )
                cursor = (keep, str(row[0]))
        self._cursor = cursor
        count = int(gone[0]) if gone else 0
        self.rolled_back += count
        self.position = keep
        self.taint = self._load_taint()
        self._log(f"reorg: rolled back {count} block(s) after {after}; processing again")

    # -- processing --------------------------------------------------------------------
    def _process(self, run: list[FetchedBlock]) -> None:
        """Taint, alerts and cursor for a run of consecutive blocks in one transaction;
        delivery follows the commit, so a crash in between re-sends, never loses."""
        now = self._clock()
        taint_rows: list[list[object]] = []
        alerts: list[Alert] = []
        with self._db:
            try:
                for fb in run:
                    found, added = process_block(self.config, self.taint, fb, now, self._look)
                    alerts.extend(found)
                    taint_rows.extend(
                        [self.id, t.incident, t.address, t.hops, list(t.path), t.first_block,
                         t.first_tx]
                        for t in added
                    )  # fmt: skip
                with self.store.transaction() as conn:
                    self._write(conn, run, taint_rows)
                    fresh = record_alerts(conn, self.id, alerts)
            except BaseException:
                # memory follows the store, which rolled back
                self._cursor, self.taint = self._read_cursor(), self._load_taint()
                raise
            self.processed += len(run)
            if self._behind:  # older alerts first
                self.deliver_pending()
            else:
                for sink in self.sinks:
                    done = send(self.store, self.id, sink, fresh, self._log)
                    self._behind |= done < len(fresh)
        self.position = run[-1].header.number  # processed and handed to the sinks

    def _write(
        self, conn: duckdb.DuckDBPyConnection, run: list[FetchedBlock], rows: list[list[object]]
    ) -> None:
        """Blocks, taint and cursor of ``run`` (one statement per table: DuckDB runs
        ``executemany`` row by row, a millisecond each)."""
        heads = [fb.header for fb in run]
        conn.execute(
            "INSERT INTO watch_blocks SELECT ?, unnest(?), unnest(?), unnest(?)",
            [self.id, [h.number for h in heads], [h.hash for h in heads],
             [h.parent_hash for h in heads]],
        )  # fmt: skip
        conn.execute(
            "DELETE FROM watch_blocks WHERE watch_id = ? AND number < ?",
            [self.id, heads[-1].number - self.config.reorg_depth],
        )
        if rows:  # new taint: few, one per movement of watched value
            conn.executemany("INSERT INTO watch_taint VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        last = heads[-1]
        if self._cursor is None:
            conn.execute(
                "INSERT INTO watch_cursor (watch_id, chain, last_block, last_hash)"
                " VALUES (?, ?, ?, ?)",
                [self.id, self.config.chain, last.number, last.hash],
            )
        else:
            conn.execute(
                "UPDATE watch_cursor SET last_block = ?, last_hash = ?, updated_at = now()"
                " WHERE watch_id = ?",
                [last.number, last.hash, self.id],
            )
        self._cursor = (last.number, last.hash)

    def deliver_pending(self) -> int:
        """Send every recorded alert a sink has not acknowledged yet, oldest first."""
        sent = 0
        with self._db:
            self._behind = False
            for sink in self.sinks:
                pending = undelivered(self.store, self.id, sink.name)
                done = send(self.store, self.id, sink, pending, self._log)
                self._behind |= done < len(pending)
                sent += done
        return sent

    # -- helpers -----------------------------------------------------------------------
    def _token_lookup(self, contracts: Sequence[str]) -> Mapping[str, TokenMeta]:
        """Token metadata from memory, else the store, else the chain (new tokens are
        stored); called from prefetch threads, so the store is used under the lock."""
        known = {c: self._token_memo[c] for c in contracts if c in self._token_memo}
        missing = [c for c in contracts if c not in known]
        if missing:
            with self._db:
                found = dict(self._tokens.tokens(missing))
                unknown = [c for c in missing if c not in found]
                if unknown:
                    fresh = fetch_token_meta(self.fetcher.rpc, unknown)
                    self._tokens.put_tokens(fresh)
                    found.update({m.contract: m for m in fresh})
            self._token_memo.update(found)
            known.update(found)
        return known
