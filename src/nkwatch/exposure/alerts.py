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

import httpx

from nkwatch.exposure.watch_config import WatchConfig
from nkwatch.store import Store
from nkwatch.store.audit import record


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
        record(
            self.store,
            actor=f"watch:{alert.watch}",
            action="watch.alert",
            query={"key": alert.key, "incident": alert.incident, "tx": alert.tx_hash},
            result=alert.to_json(),
            list_versions=[],
        )


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
