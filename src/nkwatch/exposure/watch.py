"""The live watch: follow new blocks of an EVM node and alert when watched value moves.

Core (pure): :func:`process_block` applies the poison policy forward from each incident's
seeds over one block's transfers in execution order: a transfer out of a tainted address
taints its receiver and is a ``movement`` alert, unless the receiver is a monitored deposit
address (``deposit`` alert) or a known service (``service`` alert); taint never spreads past
those, so an exchange sweep or a mixer does not taint the world. Dust (``min_amount``),
failed and zero-value transfers are ignored.

Adapter: :class:`Watcher` polls the node, fetches complete blocks (``trace.evm.fetch``),
checks parent hashes against what it processed (a replaced block is rolled back with the
taint it produced and processed again), and persists cursor, taint and alert keys per block
in one transaction before delivering. Delivery is tracked per sink, so a restart re-sends
only what a sink did not get, and an alert key is never emitted twice.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from nkwatch.exposure.alerts import Alert, AlertSink, alert_key
from nkwatch.exposure.watch_config import WatchConfig
from nkwatch.store import Store
from nkwatch.trace.evm.cache import EvmCache
from nkwatch.trace.evm.fetch import BlockFetcher, FetchedBlock, InconsistentAnswer
from nkwatch.trace.evm.rpc import NodeUnavailable, RpcClient, RpcError
from nkwatch.trace.evm.tokens import TokenMeta, fetch_token_meta
from nkwatch.trace.model import Transfer


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


def _dust(config: WatchConfig, t: Transfer) -> bool:
    return t.amount < config.min_amount.get(t.asset.contract or "native", 1)


def process_block(
    config: WatchConfig, taint: TaintMap, block: FetchedBlock, now: float
) -> tuple[list[Alert], list[Taint]]:
    """Alerts raised by ``block`` and the taints it adds; ``taint`` is updated in place."""
    deposits, services = config.deposit_owner(), config.service_of()
    sources_of = {
        (inc.id, seed): source
        for inc in config.incidents
        for seed, source in zip(
            inc.seeds, inc.seed_sources or ("watch config",) * len(inc.seeds), strict=True
        )
    }
    alerts: list[Alert] = []
    added: list[Taint] = []
    for t in block.transfers:
        sources = taint.get(t.from_address)
        if not sources or t.failed or _dust(config, t):
            continue
        for inc, src in list(sources.items()):
            if t.to_address in deposits:
                kind, target = "deposit", deposits[t.to_address]
            elif t.to_address in services:
                kind, target = "service", services[t.to_address].name
            else:
                kind, target = "movement", ""
            path = (*src.path, t.to_address)
            alert = _alert(config, block, t, inc, kind, target, len(path) - 1, path, now)
            alerts.append(replace(alert, seed_source=sources_of.get((inc, path[0]), "")))
            if kind == "movement" and inc not in taint.get(t.to_address, {}):
                new = Taint(inc, t.to_address, src.hops + 1, path, block.header.number, t.tx_hash)
                taint.setdefault(t.to_address, {})[inc] = new
                added.append(new)
    return alerts, added


def _alert(
    config: WatchConfig,
    block: FetchedBlock,
    t: Transfer,
    incident: str,
    kind: str,
    target: str,
    hops: int,
    path: tuple[str, ...],
    now: float,
) -> Alert:
    return Alert(
        key=alert_key(t.chain, t.tx_hash, t.kind.value, t.index, incident, kind),
        kind=kind,
        watch=config.name,
        incident=incident,
        chain=t.chain,
        block=block.header.number,
        block_hash=block.header.hash,
        block_time=block.header.timestamp.isoformat(),
        tx_hash=t.tx_hash,
        transfer_index=t.index,
        transfer_kind=t.kind.value,
        from_address=t.from_address,
        to_address=t.to_address,
        asset=t.asset.symbol,
        asset_contract=t.asset.contract,
        amount=str(t.amount),
        amount_units=format(t.whole_units().normalize(), "f"),
        hops=hops,
        path=path,
        target=target,
        detected_at=now,
    )


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
        self._tokens = EvmCache(store, config.chain)
        # alerts need no fees: skip receipts where traces tell each transaction's status
        self.fetcher = BlockFetcher(rpc, config.chain, self._token_lookup, fees=False)
        if not config.internal_transfers:
            self.fetcher.tracer = None
        self.id = config.name
        self.taint = self._load_taint()
        self.processed = 0
        self.rolled_back = 0
        cur = self.cursor()
        self.position: int | None = cur[0] if cur else None  # last processed block, for monitors

    # -- state -------------------------------------------------------------------------
    def cursor(self) -> tuple[int, str] | None:
        rows = self.store.query(
            "SELECT last_block, last_hash FROM watch_cursor WHERE watch_id = ?", [self.id]
        )
        return (int(rows[0][0]), str(rows[0][1])) if rows else None

    def _load_taint(self) -> TaintMap:
        taint = seed_taint(self.config)
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
        while not stop.is_set():
            try:
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

    def step(self) -> int:
        """Process the blocks available now (at most ``max_blocks_per_step``)."""
        head = self.fetcher.head() - self.config.confirmations
        cursor = self.cursor()
        if cursor is not None and self._reorged(cursor):
            cursor = self.cursor()
        if cursor is None:
            start = self.config.start_block if self.config.start_block is not None else head
            if start > head:
                return 0
            blocks = self.fetcher.fetch(
                start, min(head, start + self.config.max_blocks_per_step - 1)
            )
            prev_hash = None
        else:
            if cursor[0] >= head:
                return 0
            last = min(head, cursor[0] + self.config.max_blocks_per_step)
            blocks = self.fetcher.fetch(cursor[0] + 1, last)
            prev_hash = cursor[1]
        run: list[FetchedBlock] = []
        for fb in blocks:
            if prev_hash is not None and fb.header.parent_hash != prev_hash:
                break  # the chain changed under us; the next step's reorg check handles it
            run.append(fb)
            prev_hash = fb.header.hash
        if run:
            self._process(run)
        return len(run)

    # -- reorgs ------------------------------------------------------------------------
    def _reorged(self, cursor: tuple[int, str]) -> bool:
        (node,) = self.fetcher.headers([cursor[0]]) or (None,)
        if node is not None and node.hash == cursor[1]:
            return False
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
        with self.store.transaction() as conn:
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
        block_rows: list[list[object]] = []
        taint_rows: list[list[object]] = []
        alerts: list[Alert] = []
        try:
            for fb in run:
                found, added = process_block(self.config, self.taint, fb, now)
                alerts.extend(found)
                h = fb.header
                block_rows.append([self.id, h.number, h.hash, h.parent_hash])
                taint_rows.extend(
                    [
                        self.id,
                        t.incident,
                        t.address,
                        t.hops,
                        list(t.path),
                        t.first_block,
                        t.first_tx,
                    ]
                    for t in added
                )
            last = run[-1].header
            with self.store.transaction() as conn:
                conn.executemany("INSERT INTO watch_blocks VALUES (?, ?, ?, ?)", block_rows)
                conn.execute(
                    "DELETE FROM watch_blocks WHERE watch_id = ? AND number < ?",
                    [self.id, last.number - self.config.reorg_depth],
                )
                if taint_rows:
                    conn.executemany(
                        "INSERT INTO watch_taint VALUES (?, ?, ?, ?, ?, ?, ?)", taint_rows
                    )
                self._record_alerts(alerts)
                conn.execute(
                    "INSERT OR REPLACE INTO watch_cursor (watch_id, chain, last_block, last_hash)"
                    " VALUES (?, ?, ?, ?)",
                    [self.id, self.config.chain, last.number, last.hash],
                )
        except BaseException:
            self.taint = self._load_taint()  # memory follows the store, which rolled back
            raise
        self.processed += len(run)
        self.deliver_pending()
        self.position = last.number  # processed and handed to the sinks

    def _record_alerts(self, alerts: list[Alert]) -> None:
        if not alerts:
            return
        known = {
            r[0]
            for r in self.store.query(
                "SELECT key FROM watch_alerts WHERE watch_id = ? AND list_contains(?, key)",
                [self.id, [a.key for a in alerts]],
            )
        }
        for a in alerts:
            if a.key in known:  # seen before (re-mined after a reorg): confirm, never re-send
                self.store.conn.execute(
                    "UPDATE watch_alerts SET orphaned = false, block = ?, payload = ?"
                    " WHERE watch_id = ? AND key = ?",
                    [a.block, json.dumps(a.to_json()), self.id, a.key],
                )
        fresh = [a for a in alerts if a.key not in known]
        if fresh:
            self.store.conn.executemany(
                "INSERT INTO watch_alerts (watch_id, key, kind, block, tx_hash, payload)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    [self.id, a.key, a.kind, a.block, a.tx_hash, json.dumps(a.to_json())]
                    for a in fresh
                ],
            )

    def deliver_pending(self) -> int:
        """Send every recorded alert a sink has not acknowledged yet, oldest first."""
        sent = 0
        for sink in self.sinks:
            rows = self.store.query(
                "SELECT a.key, a.payload FROM watch_alerts a WHERE a.watch_id = ? AND NOT EXISTS"
                " (SELECT 1 FROM watch_deliveries d WHERE d.watch_id = a.watch_id"
                "  AND d.key = a.key AND d.sink = ?) ORDER BY a.block, a.created_at, a.key",
                [self.id, sink.name],
            )
            if not rows:
                continue
            with self.store.transaction() as conn:
                for key, payload in rows:
                    data = json.loads(payload)
                    data["path"] = tuple(data["path"])
                    try:
                        sink.emit(Alert(**data))
                    except Exception as exc:  # a failing sink must not stop the watch
                        self._log(f"sink {sink.name} failed, will retry: {exc}")
                        break
                    conn.execute(
                        "INSERT INTO watch_deliveries (watch_id, key, sink) VALUES (?, ?, ?)",
                        [self.id, key, sink.name],
                    )
                    sent += 1
        return sent

    # -- helpers -----------------------------------------------------------------------
    def _token_lookup(self, contracts: Sequence[str]) -> Mapping[str, TokenMeta]:
        known = self._tokens.tokens(contracts)
        missing = [c for c in contracts if c not in known]
        if missing:
            fresh = fetch_token_meta(self.fetcher.rpc, missing)
            self._tokens.put_tokens(fresh)
            known.update({m.contract: m for m in fresh})
        return known
