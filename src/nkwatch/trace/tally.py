"""Building blocks of a report shared by both tracers: whole-unit amounts and the per-endpoint
tally of deliveries (amounts by asset, minimum hops, first arrival, delivering txs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from nkwatch.trace.report_model import DeliveryTx, Endpoint


def whole(base: int, decimals: int) -> str:
    """Base units as a plain decimal string in whole units (no exponent, no trailing zeros)."""
    text = format(Decimal(base).scaleb(-decimals).normalize(), "f")
    return text if text != "-0" else "0"


@dataclass(frozen=True)
class EndpointLabel:
    """Who an endpoint is, and on what authority."""

    service: str
    category: str
    confidence: float
    source: str
    source_date: str | None
    detail: str | None


@dataclass
class EndpointTally:
    """Deliveries to one endpoint, added in the order the tracer finds them."""

    address: str
    label: EndpointLabel
    hops: int
    first_seen: str
    example_path: tuple[str, ...]
    bridge_destination: str | None = None
    base: dict[str, int] = field(default_factory=dict)  # symbol -> base units
    decimals: dict[str, int] = field(default_factory=dict)
    txs: list[DeliveryTx] = field(default_factory=list)
    tx_count: int = 0

    def add(
        self, tx: DeliveryTx, base: int, decimals: int, hops: int, *, max_txs: int | None
    ) -> None:
        self.base[tx.symbol] = self.base.get(tx.symbol, 0) + base
        self.decimals[tx.symbol] = decimals
        self.hops = min(self.hops, hops)
        if max_txs is None or len(self.txs) < max_txs:
            self.txs.append(tx)
        self.tx_count += 1

    @property
    def total(self) -> int:
        return sum(self.base.values())

    def endpoint(self) -> Endpoint:
        lb = self.label
        return Endpoint(
            address=self.address, service=lb.service, category=lb.category,
            confidence=lb.confidence, label_source=lb.source, label_date=lb.source_date,
            detail=lb.detail, entered_mixer=lb.category == "mixer",
            bridge_destination=self.bridge_destination,
            amounts={s: whole(v, self.decimals[s]) for s, v in self.base.items()},
            hops=self.hops, first_seen=self.first_seen, txs=tuple(self.txs),
            example_path=self.example_path, tx_count=self.tx_count,
        )  # fmt: skip
