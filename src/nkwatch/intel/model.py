"""The intel knowledge base as immutable values: incidents, addresses, actors, statistics.

Every fact keeps its sources (URLs or document citations) and, for figures, who published
them and when. Dates stay as published ("2019-03" when the day is unknown), so nothing is
invented by parsing them into full dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class VictimType(StrEnum):
    CENTRALIZED_EXCHANGE = "centralized_exchange"
    DEFI_PROTOCOL = "defi_protocol"
    BRIDGE = "bridge"
    WALLET_PROVIDER = "wallet_provider"
    PAYMENT_PROCESSOR = "payment_processor"
    GAMING = "gaming"
    OTHER = "other"


class Confidence(StrEnum):
    """Who stands behind the attribution (see docs/intel.md for the rules)."""

    CONFIRMED_GOVERNMENT = "confirmed_government"
    ATTRIBUTED_INDUSTRY = "attributed_industry"
    SUSPECTED = "suspected"


class AddressRole(StrEnum):
    VICTIM_WALLET = "victim_wallet"
    EXPLOITER = "exploiter"
    THEFT_RECEIVER = "theft_receiver"
    LAUNDERING_HOP = "laundering_hop"
    MIXER_DEPOSIT = "mixer_deposit"
    EXCHANGE_DEPOSIT = "exchange_deposit"
    BRIDGE = "bridge"
    MALICIOUS_CONTRACT = "malicious_contract"
    OTHER = "other"


# Chain codes used by the dataset (docs/intel.md §chains); an import naming any other
# code is rejected as an unknown currency.
CHAINS = frozenset(
    [
        "BTC",
        "ETH",
        "BSC",
        "ARB",
        "OP",
        "BASE",
        "POLYGON",
        "AVAX",
        "FTM",
        "ETC",
        "TRX",
        "SOL",
        "XRP",
        "LTC",
        "DOGE",
        "BCH",
        "ADA",
        "DOT",
        "XLM",
        "TON",
        "ALGO",
        "SUI",
        "EOS",
        "HECO",
        "BLAST",
        "BSV",
        "ZKSYNC",
        "XDC",
        "FIL",
        "ATOM",
        "ZEC",
        "XTZ",
        "MONA",
    ]
)

TECHNIQUES = frozenset(
    {
        "social_engineering_fake_recruiter",
        "social_engineering",
        "spear_phishing",
        "malicious_app_trojan",
        "multisig_ui_spoofing",
        "transaction_signature_phishing",
        "smart_contract_upgrade_abuse",
        "private_key_compromise",
        "hot_wallet_compromise",
        "validator_key_compromise",
        "supply_chain",
        "third_party_provider_compromise",
        "session_cookie_theft",
        "transaction_manipulation",
        "insider_it_worker",
        "unauthorized_mint",
    }
)


def year_of(partial_date: str) -> int | None:
    """Year of an ISO date that may lack month or day ("2019", "2019-03", "2019-03-07")."""
    return int(partial_date[:4]) if len(partial_date) >= 4 and partial_date[:4].isdigit() else None


@dataclass(frozen=True, slots=True)
class Incident:
    """One theft. ``amount_usd`` is the attribution source's figure (None if unpublished)."""

    incident_id: str
    theft_date: str
    victim: str
    victim_type: VictimType
    amount_usd: Decimal | None
    amount_native: str
    chains: tuple[str, ...]
    attribution: str
    attributed_by: str
    attribution_date: str
    confidence: Confidence
    techniques: tuple[str, ...]
    malware: tuple[str, ...]
    sources: tuple[str, ...]
    notes: str = ""
    actor_ids: tuple[str, ...] = ()  # resolved from ``attribution``, most specific first

    @property
    def theft_year(self) -> int | None:
        return year_of(self.theft_date)

    @property
    def attribution_year(self) -> int | None:
        return year_of(self.attribution_date)

    @property
    def primary_actor(self) -> str | None:
        return self.actor_ids[0] if self.actor_ids else None


@dataclass(frozen=True, slots=True)
class IncidentAddress:
    """An address with its role in one incident and the source that names it."""

    incident_id: str
    chain: str
    address: str
    role: AddressRole
    source: str

    @property
    def key(self) -> str:
        """Comparison key: EVM-style hex addresses are case-insensitive, others are not."""
        return address_key(self.address)


def address_key(address: str) -> str:
    text = address.strip()
    return text.lower() if text[:2].lower() == "0x" else text


@dataclass(frozen=True, slots=True)
class Statistic:
    """A published aggregate figure; ``revises`` names the figure it restates."""

    statistic_id: str
    publisher: str
    publication_date: str
    period: str
    metric: str
    value: Decimal
    revises: str
    source: str
    notes: str = ""

    @property
    def period_years(self) -> tuple[int, int] | None:
        """First and last calendar year covered by ``period`` (``2024``, ``2016-2025``, ``a/b``)."""
        text = self.period
        if "/" in text:
            start, end = text.split("/", 1)
        elif len(text) == 9 and text[4] == "-":
            start, end = text[:4], text[5:]
        else:
            start = end = text
        first, last = year_of(start), year_of(end)
        return (first, last) if first is not None and last is not None else None


@dataclass(frozen=True, slots=True)
class Alias:
    """A name of an actor and who uses it (MISP galaxy, MITRE ATT&CK, a vendor, nkwatch)."""

    name: str
    origin: str


@dataclass(frozen=True, slots=True)
class Software:
    """Malware or tool an actor uses, as catalogued by MITRE ATT&CK."""

    name: str
    attack_id: str
    kind: str  # "malware" or "tool"


@dataclass(frozen=True, slots=True)
class Actor:
    """A DPRK cluster with its names across vendors and its catalogue references."""

    actor_id: str
    name: str
    description: str
    aliases: tuple[Alias, ...]
    match: tuple[str, ...]  # lowercase phrases that name this actor in attribution text
    galaxy_value: str = ""
    galaxy_uuid: str = ""
    attack_id: str = ""
    attack_stix_id: str = ""
    parent: str = ""  # umbrella actor_id, e.g. APT38 -> lazarus-group
    refs: tuple[str, ...] = ()
    software: tuple[Software, ...] = ()
    sanctions_names: tuple[str, ...] = ()  # names under which sanctions lists designate it

    def names(self) -> set[str]:
        return {self.name.casefold(), *(a.name.casefold() for a in self.aliases)}


@dataclass(frozen=True)
class Dataset:
    """A whole knowledge base in memory; what stats, charts and exporters work on."""

    incidents: tuple[Incident, ...]
    addresses: tuple[IncidentAddress, ...]
    statistics: tuple[Statistic, ...]
    actors: tuple[Actor, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def incident(self, incident_id: str) -> Incident | None:
        return next((i for i in self.incidents if i.incident_id == incident_id), None)

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.actor_id == actor_id), None)
