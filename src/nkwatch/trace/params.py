"""What a trace is asked: its seeds and its parameters (plain values, shared by the tracers
and the crawler)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

MAX_DECIMALS = 77  # a token's decimals: 10**77 < 2**256, more than any uint256 token could use


@dataclass(frozen=True)
class Seed:
    """Where stolen value starts: an address (all it holds from ``since`` on, or ``amount``),
    or a theft transaction (what it delivered). ``asset`` is an asset key; None: every
    genuine asset the seed moved."""

    address: str | None = None
    tx_hash: str | None = None
    amount: int | None = None  # base units
    amount_whole: Decimal | None = None  # or whole units of the traced asset (CLI: ADDR=AMOUNT)
    asset: str | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class TraceParams:
    chain: str
    policy: str = "haircut"
    max_hops: int = 6
    min_amount: Decimal = Decimal(0)  # whole units; tainted flows below are dust
    max_addresses: int = 100_000
    until: datetime | None = None
    detect_deposits: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "chain": self.chain,
            "policy": self.policy,
            "max_hops": self.max_hops,
            "min_amount": str(self.min_amount),
            "max_addresses": self.max_addresses,
            "until": self.until.isoformat() if self.until else None,
            "detect_deposits": self.detect_deposits,
        }
