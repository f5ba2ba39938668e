"""Watch alerts and where they go.

An alert names one event: value of a watched incident moving (``movement``), reaching a
monitored deposit address (``deposit``) or entering a known service (``service``). Its key
is derived from the event itself (chain, transaction, transfer, incident, kind), not from the
block, so the same transaction re-mined after a reorg is the same alert, and a restarted
watch recognises what it already sent. Sinks are pluggable (a registry the built-ins use).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import IO, Any, Protocol

import duckdb
import httpx

from nkwatch.exposure.watch_config import WatchConfig
from nkwatch.store import Store
from nkwatch.store.audit import AuditRecord, append
from nkwatch.trace import BlockHeader, Transfer


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str  # movement | deposit | service
    watch: str
    incident: str
    chain: str
    block: int
    block_hash: str
    block_time: str  # ISO 8601 UTC
    tx_hash: str
    transfer_index: int
    transfer_kind: str  # native | internal | token
    from_address: str
    to_address: str
    asset: str  # symbol as published by the contract
    asset_contract: str | None
    amount: str  # base units, exact
    amount_units: str  # whole units (decimals applied)
    hops: int  # from the incident seed to ``to_address``
    path: tuple[str, ...]  # seed ... from_address, to_address
    target: str = ""  # deposit owner or service name
    detected_at: float = 0.0  # unix time the watch built the alert
    seed_source: str = ""  # who named the seed at the start of ``path`` (intel source, config)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def alert_key(chain: str, tx_hash: str, kind: str, index: int, incident: str, alert: str) -> str:
    """Stable identity of an event: same transaction + transfer + incident -> same key."""
    raw = f"{chain}|{tx_hash}|{kind}|{index}|{incident}|{alert}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def alert_for(
    watch: str,
    head: BlockHeader,
    t: Transfer,
    incident: str,
    kind: str,
    target: str,
    path: tuple[str, ...],
    now: float,
    seed_source: str,
) -> Alert:
    """The alert for transfer ``t`` of the block ``head`` reaching the end of ``path``."""
    return Alert(
        key=alert_key(t.chain, t.tx_hash, t.kind.value, t.index, incident, kind),
        kind=kind,
        watch=watch,
        incident=incident,
        chain=t.chain,
        block=head.number,
        block_hash=head.hash,
        block_time=head.timestamp.isoformat(),
        tx_hash=t.tx_hash,
        transfer_index=t.index,
        transfer_kind=t.kind.value,
        from_address=t.from_address,
        to_address=t.to_address,
        asset=t.asset.symbol,
        asset_contract=t.asset.contract,
        amount=str(t.amount),
        amount_units=format(t.whole_units().normalize(), "f"),
        hops=len(path) - 1,
        path=path,
        target=target,
        detected_at=now,
        seed_source=seed_source,
    )


class AlertSink(Protocol):
    name: str

    def emit(self, alert: Alert) -> None: ...


class StdoutSink:
    """One JSON object per line, flushed at once (pipe it to jq, a SIEM forwarder, ...)."""

    name = "stdout"

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout

    def emit(self, alert: Alert) -> None:
        self.stream.write(json.dumps(alert.to_json(), ensure_ascii=False) + "\n")
        self.stream.flush()


class WebhookError(Exception):
    pass


class WebhookSink:
    """POST the alert as JSON; retried with exponential backoff; the alert key is sent as
    ``Idempotency-Key`` so a receiver can drop a re-delivery after a crash."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        *,
        retries: int = 5,
        timeout_s: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.retries = retries
        self._sleep = sleep
        self._http = httpx.Client(timeout=timeout_s, transport=transport)

    def emit(self, alert: Alert) -> None:
        last = ""
        for attempt in range(self.retries + 1):
            try:
                response = self._http.post(
                    self.url, json=alert.to_json(), headers={"Idempotency-Key": alert.key}
                )
                if response.status_code < 300:
                    return
                last = f"HTTP {response.status_code}"
                if 400 <= response.status_code < 500 and response.status_code != 429:
                    break  # the receiver refuses this alert: retrying will not help
            except httpx.TransportError as exc:
                last = type(exc).__name__
            if attempt < self.retries:
                self._sleep(min(5.0, 0.1 * 2**attempt))
        raise WebhookError(f"webhook {self.url}: alert {alert.key} not delivered ({last})")


class AuditSink:
    """Append each alert to the store's audit log (action ``watch.alert``)."""

    name = "audit"

    def __init__(self, store: Store) -> None:
        self.store = store

    def emit(self, alert: Alert) -> None:
        append(self.store, AuditRecord(
            actor=f"watch:{alert.watch}", action="watch.alert",
            query={"key": alert.key, "incident": alert.incident, "tx": alert.tx_hash},
            result=alert.to_json(), list_versions=(),
        ))  # fmt: skip


SinkFactory = Callable[[WatchConfig, Store], AlertSink | None]
SINKS: dict[str, SinkFactory] = {}


def register_sink(name: str, factory: SinkFactory) -> None:
    SINKS[name] = factory


register_sink("stdout", lambda c, s: StdoutSink() if c.sinks.stdout else None)
register_sink("audit", lambda c, s: AuditSink(s) if c.sinks.audit else None)
register_sink(
    "webhook",
    lambda c, s: (
        WebhookSink(
            c.sinks.webhook.url,
            retries=c.sinks.webhook.retries,
            timeout_s=c.sinks.webhook.timeout_s,
        )
        if c.sinks.webhook
        else None
    ),
)


def build_sinks(config: WatchConfig, store: Store) -> list[AlertSink]:
    sinks = [factory(config, store) for factory in SINKS.values()]
    return [s for s in sinks if s is not None]


# -- the store's alert book-keeping (tables watch_alerts, watch_deliveries) ---------------
def record_alerts(
    conn: duckdb.DuckDBPyConnection, watch_id: str, alerts: list[Alert]
) -> list[Alert]:
    """Record ``alerts`` inside the caller's transaction; returns the fresh ones. An alert
    seen before (re-mined after a reorg) is confirmed, never recorded or sent again."""
    if not alerts:
        return []
    known = {
        r[0]
        for r in conn.execute(
            "SELECT key FROM watch_alerts WHERE watch_id = ? AND list_contains(?, key)",
            [watch_id, [a.key for a in alerts]],
        ).fetchall()
    }
    for a in alerts:
        if a.key in known:
            conn.execute(
                "UPDATE watch_alerts SET orphaned = false, block = ?, payload = ?"
                " WHERE watch_id = ? AND key = ?",
                [a.block, json.dumps(a.to_json()), watch_id, a.key],
            )
    fresh = [a for a in alerts if a.key not in known]
    if fresh:  # one statement for all rows: DuckDB runs executemany row by row
        conn.execute(
            "INSERT INTO watch_alerts (watch_id, key, kind, block, tx_hash, payload)"
            " SELECT ?, unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
            [
                watch_id,
                [a.key for a in fresh],
                [a.kind for a in fresh],
                [a.block for a in fresh],
                [a.tx_hash for a in fresh],
                [json.dumps(a.to_json()) for a in fresh],
            ],
        )
    return fresh


def undelivered(store: Store, watch_id: str, sink: str) -> list[Alert]:
    """Recorded alerts ``sink`` has not acknowledged, oldest first."""
    rows = store.query(
        "SELECT a.payload FROM watch_alerts a WHERE a.watch_id = ? AND NOT EXISTS"
        " (SELECT 1 FROM watch_deliveries d WHERE d.watch_id = a.watch_id"
        "  AND d.key = a.key AND d.sink = ?) ORDER BY a.block, a.created_at, a.key",
        [watch_id, sink],
    )
    out: list[Alert] = []
    for (payload,) in rows:
        data = json.loads(payload)
        data["path"] = tuple(data["path"])
        out.append(Alert(**data))
    return out


def send(
    store: Store, watch_id: str, sink: AlertSink, alerts: list[Alert], log: Callable[[str], None]
) -> int:
    """Emit ``alerts`` in order, recording each delivery; stop at the first failure (the
    rest stays undelivered and is retried). Returns how many were sent."""
    sent: list[str] = []
    for a in alerts:
        try:
            sink.emit(a)
        except Exception as exc:  # a failing sink must not stop the watch
            log(f"sink {sink.name} failed, will retry: {exc}")
            break
        sent.append(a.key)
    if sent:  # a crash before this commit re-sends these: at least once, never lost
        store.conn.execute(
            "INSERT INTO watch_deliveries (watch_id, key, sink) SELECT ?, unnest(?), ?",
            [watch_id, sent, sink.name],
        )
    return len(sent)
