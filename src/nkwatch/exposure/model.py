"""Values of exposure screening: risk sources, the exposure found, and the decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class RiskCategory(StrEnum):
    """Why funds from a source are risky; rules and reports group by this."""

    DPRK_INCIDENT = "dprk_incident"  # attacker / laundering address of an attributed DPRK theft
    SANCTIONED = "sanctioned"  # address published on a sanctions list
    MIXER = "mixer"  # mixing service (Tornado Cash, Sinbad, Blender...)
    USER_LIST = "user_list"  # an address list the user supplied


class Decision(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return {"allow": 0, "review": 1, "block": 2}[self.value]


@dataclass(frozen=True, slots=True)
class RiskSource:
    """One risky address with the reason and its provenance."""

    address: str  # canonical (lower-case for EVM)
    category: RiskCategory
    label: str  # e.g. "Bybit exploit 2025-02-21", "Lazarus Group (OFAC SDN)"
    dprk_linked: bool
    actor: str | None = None
    incident_id: str | None = None
    program: str | None = None
    source: str = ""  # who published it, e.g. "OFAC SDN 2025-11-19", "FBI PSA 2025-02-26"
    group: str | None = None  # explicit grouping (e.g. the designated party's entity id)

    @property
    def key(self) -> str:
        """Grouping key in breakdowns: incident/party/program rather than the single address."""
        detail = self.group or self.incident_id or self.program or self.actor or self.label
        return f"{self.category.value}:{detail}"


@dataclass(frozen=True, slots=True)
class PathStep:
    tx_hash: str
    from_address: str
    to_address: str
    amount: str  # whole units, decimal string
    asset: str
    timestamp: str


@dataclass(frozen=True, slots=True)
class SourceExposure:
    """How much of the screened value traces back to one source group."""

    key: str
    category: RiskCategory
    label: str
    dprk_linked: bool
    direct: Decimal  # whole units received straight from the source (one hop)
    indirect: Decimal  # whole units received through intermediaries (2..N hops)
    share: float  # (direct + indirect) / total received, per asset
    asset: str
    min_hops: int
    example_path: tuple[PathStep, ...] = ()
    provenance: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule_id: str
    decision: Decision
    reason: str


@dataclass(frozen=True)
class ExposureResult:
    """Exposure of one address or transaction, with its evidence and decision."""

    chain: str
    subject: str  # address or tx hash
    subject_kind: str  # "address" | "tx"
    policy: str
    max_hops: int
    received: dict[str, Decimal]  # asset -> total whole units received in scope
    sources: tuple[SourceExposure, ...]
    decision: Decision = Decision.ALLOW
    fired: tuple[RuleHit, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def dprk_share(self) -> float:
        """Share of what the subject received that came from DPRK-linked sources."""
        return sum(s.share for s in self.sources if s.dprk_linked)

    def to_json(self) -> dict[str, object]:
        return {
            "chain": self.chain,
            "subject": self.subject,
            "subject_kind": self.subject_kind,
            "policy": self.policy,
            "max_hops": self.max_hops,
            "received": {k: str(v) for k, v in self.received.items()},
            "decision": self.decision.value,
            "fired": [
                {"rule": h.rule_id, "decision": h.decision.value, "reason": h.reason}
                for h in self.fired
            ],
            "sources": [
                {
                    "key": s.key,
                    "category": s.category.value,
                    "label": s.label,
                    "dprk_linked": s.dprk_linked,
                    "asset": s.asset,
                    "direct": str(s.direct),
                    "indirect": str(s.indirect),
                    "share": round(s.share, 6),
                    "min_hops": s.min_hops,
                    "example_path": [_step(step) for step in s.example_path],
                    "provenance": list(s.provenance),
                }
                for s in self.sources
            ],
            "notes": list(self.notes),
        }


def _step(step: PathStep) -> dict[str, str]:
    return {
        "tx_hash": step.tx_hash,
        "from": step.from_address,
        "to": step.to_address,
        "amount": step.amount,
        "asset": step.asset,
        "timestamp": step.timestamp,
    }
