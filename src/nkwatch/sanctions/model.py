"""The in-memory shape of a sanctions list, shared by parsers, the store and the matchers.

Parsers (``ofac.py``, ``un.py``) turn a published file into a :class:`ListDocument`; the
repository stores it as a list version; the name and address indexes are built from the
parties of the active versions. Everything here is an immutable value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Schema(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class NameKind(StrEnum):
    PRIMARY = "primary"
    AKA = "aka"
    FKA = "fka"
    NKA = "nka"


# Programs (OFAC) and regimes (UN) that make a party DPRK-linked by themselves.
DPRK_PROGRAMS = frozenset({"DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA", "UN-DPRK"})


@dataclass(frozen=True, slots=True)
class PartyName:
    """One published name of a party. ``script`` is ISO 15924 (Latn, Hang, Hani, Cyrl, Arab...)."""

    value: str
    script: str = "Latn"
    kind: NameKind = NameKind.PRIMARY
    weak: bool = False  # OFAC "weak" (low quality) alias, UN "Low" quality alias


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identity document or registration number (passport, IMO, tax id...)."""

    kind: str
    value: str
    country: str | None = None  # ISO 3166-1 alpha-2 where known


@dataclass(frozen=True, slots=True)
class CryptoAddress:
    """A digital-currency address as published, with the list's currency code (XBT, ETH...)."""

    currency: str
    address: str


@dataclass(frozen=True, slots=True)
class PostalAddress:
    text: str
    country: str | None = None  # ISO 3166-1 alpha-2 where known


@dataclass(frozen=True, slots=True)
class Party:
    """A designated person, organisation, vessel or aircraft on one list."""

    entity_id: str  # stable across versions, e.g. "ofac-36142", "un-KPi.033"
    list_id: str  # "us_ofac_sdn" or "un_sc_consolidated"
    schema: Schema
    names: tuple[PartyName, ...]
    programs: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO alpha-2
    countries: tuple[str, ...] = ()  # ISO alpha-2 of addresses and other country links
    birth_dates: tuple[str, ...] = ()  # ISO 8601, possibly partial: "1984", "1984-01", "1984-01-08"
    birth_places: tuple[str, ...] = ()
    addresses: tuple[PostalAddress, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    crypto_addresses: tuple[CryptoAddress, ...] = ()
    listed_on: str | None = None  # ISO date of first designation where published
    remarks: str | None = None
    # Other published facts as (label, value), e.g. ("Title", "Chairman of ..."),
    # ("Gender", "Male"), ("Vessel Type", "Crude Oil Tanker"). Shown, not matched on.
    properties: tuple[tuple[str, str], ...] = ()

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.entity_id

    @property
    def dprk_program(self) -> bool:
        return any(p in DPRK_PROGRAMS for p in self.programs)


@dataclass(frozen=True, slots=True)
class Relationship:
    """A published link between two parties, e.g. "Providing support to" Lazarus Group."""

    source_id: str
    target_id: str
    kind: str


@dataclass(frozen=True)
class ListDocument:
    """One published issue of one list, as parsed from its file."""

    list_id: str
    publisher: str
    published: date
    sha256: str
    source_name: str
    parties: tuple[Party, ...]
    relationships: tuple[Relationship, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    # sha256 of the file as read (compressed bytes for .bz2/.gz): lets a caller recognise
    # an already-imported file without decompressing and parsing it again.
    source_sha256: str | None = None

    @property
    def version_id(self) -> str:
        """Human-readable version key: list, publication date and a short hash."""
        return f"{self.list_id}@{self.published.isoformat()}#{self.sha256[:12]}"
