"""The screener: names and crypto addresses against the loaded lists (pure, no I/O).

A hit is never just a score: it names the designated party, the list version it comes
from, its programs, the parties one published relationship away and whether the party is
DPRK-linked (and why), so an analyst can act on it without opening the list.

DPRK linkage follows the lists themselves: a DPRK program (OFAC DPRK, DPRK2-4,
DPRK-NKSPEA; the UN 1718 regime), a published relationship to a party under such a
program (e.g. "Providing support to" Lazarus Group), or a nationality/address in KP.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from nkwatch.errors import UserError
from nkwatch.sanctions.model import DPRK_PROGRAMS, Party, Relationship
from nkwatch.sanctions.names import DEFAULT_THRESHOLD, Feature, NameMatch, NameQuery
from nkwatch.sanctions.repository import LoadedLists

if TYPE_CHECKING:  # the address codecs load with the first address index, not with names
    from nkwatch.sanctions.addresses import AddressListing, AddressLookup

DPRK_COUNTRY = "KP"
MAX_NAME_CHARS = 500
CANDIDATES = 25
_COUNTRY = re.compile(r"[A-Z]{2}")
_DATE = re.compile(
    r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?"
)  # candidates asked of the name index before the threshold cut


class NameSearcher(Protocol):
    """What the screener needs from the name index (``nkwatch.sanctions.names.NameIndex``)."""

    def search(
        self, query: NameQuery, limit: int = 10, floor: float | None = None
    ) -> Sequence[NameMatch]: ...


class AddressSearcher(Protocol):
    """What the screener needs from the address index (``addresses.AddressIndex``)."""

    def lookup(self, text: str, chain: str | None = None) -> AddressLookup: ...


@dataclass(frozen=True, slots=True)
class RelatedParty:
    """A party one published relationship away from a hit."""

    entity_id: str
    name: str
    relationship: str  # as published, e.g. "Providing support to"
    direction: str  # "outgoing": hit -> related; "incoming": related -> hit
    dprk_program: bool
    kp_based: bool = False  # the related party has a KP nationality or address

    @property
    def phrase(self) -> str:
        """Readable from the hit's side: "providing support to Lazarus Group"."""
        kind = self.relationship.lower()
        if self.direction == "outgoing":
            return f"{kind} {self.name}"
        return f"{self.name} is {kind} it"

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "relationship": self.relationship,
            "direction": self.direction,
            "dprk_program": self.dprk_program,
        }


@dataclass(frozen=True, slots=True)
class DprkLink:
    linked: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """One designated party at or above the threshold, with everything that explains it."""

    entity_id: str
    list_id: str
    list_version: str
    name: str  # the party's primary name
    matched_name: str  # the name variant or the address as published that matched
    score: float
    programs: tuple[str, ...]
    dprk: DprkLink
    related: tuple[RelatedParty, ...]
    explanation: tuple[Feature, ...]

    @property
    def dprk_linked(self) -> bool:
        return self.dprk.linked

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "list": self.list_id,
            "name": self.name,
            "matched_name": self.matched_name,
            "score": round(self.score, 4),
            "programs": list(self.programs),
            "dprk_linked": self.dprk.linked,
            "related": [r.to_json() for r in self.related],
            "explanation": [
                {"feature": f.name, "value": round(f.weight_or_value, 4), "detail": f.detail}
                for f in self.explanation
            ],
        }


@dataclass(frozen=True)
class ScreeningResult:
    query: dict[str, Any]
    list_versions: tuple[str, ...]
    matches: tuple[Match, ...]
    threshold: float
    notes: tuple[str, ...] = field(default=())  # e.g. "matched the odd listed text exactly"

    @property
    def hit(self) -> bool:
        return bool(self.matches)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "list_versions": list(self.list_versions),
            "matches": [m.to_json() for m in self.matches],
        }


def _real_date(text: str) -> bool:
    """``1984``, ``1984-02`` or ``1984-02-29`` naming a day/month that exists (year 1-9999)."""
    parts = [int(p) for p in text.split("-")]
    year, month, day = (parts + [1, 1])[:3]
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


class Screener:
    """Screens against one set of active list versions; build once, query many times."""

    def __init__(self, lists: LoadedLists, names: NameSearcher, addresses: AddressSearcher) -> None:
        self.lists = lists
        self.names = names
        self.addresses = addresses
        # lists loaded lazily bring their own id map: a lookup decodes only the parties it shows
        self._by_id = lists.by_id or {p.entity_id: p for p in lists.parties}
        self._versions = {v.list_id: v.version_id for v in lists.versions}
        self._edges = _adjacency(lists.relationships)
        self._dprk: dict[str, DprkLink] = {}

    @classmethod
    def build(cls, lists: LoadedLists, names: NameSearcher) -> Screener:
        from nkwatch.sanctions.addresses import build_index

        return cls(lists, names, build_index(lists.parties))

    @property
    def list_versions(self) -> tuple[str, ...]:
        return tuple(v.version_id for v in self.lists.versions)

    # -- queries ---------------------------------------------------------------------
    def screen_name(self, query: NameQuery, *, threshold: float | None = None) -> ScreeningResult:
        name = query.name.strip()
        if not name:
            raise UserError("empty name")
        if len(name) > MAX_NAME_CHARS:
            raise UserError(f"name too long ({len(name):,} characters; at most {MAX_NAME_CHARS})")
        for position, ch in enumerate(name, start=1):
            if unicodedata.category(ch) == "Cc":
                raise UserError(
                    f"name has a control character (U+{ord(ch):04X}) at character {position}"
                )
        if query.country is not None and not _COUNTRY.fullmatch(query.country):
            raise UserError(
                f"country must be an ISO 3166-1 alpha-2 code like KP, got {query.country!r}"
            )
        if query.birth_date is not None and not _DATE.fullmatch(query.birth_date):
            raise UserError(
                f"date of birth must be ISO 8601 (1984, 1984-01 or 1984-01-08), got {query.birth_date!r}"
            )
        if query.birth_date is not None and not _real_date(query.birth_date):
            raise UserError(f"date of birth {query.birth_date!r} is not a calendar date")
        cut = DEFAULT_THRESHOLD if threshold is None else _check_threshold(threshold)
        found = self.names.search(query, CANDIDATES, cut)
        matches = [
            self._match(party, m.matched_name.value, m.score, m.explanation)
            for m in found
            if m.score >= cut and (party := self._by_id.get(m.entity_id)) is not None
        ]
        matches.sort(key=lambda m: (-m.score, m.entity_id))
        return ScreeningResult(_name_query_json(query), self.list_versions, tuple(matches), cut)

    def screen_address(self, address: str, chain: str | None = None) -> ScreeningResult:
        lookup = self.addresses.lookup(address, chain)
        by_party: dict[str, list[AddressListing]] = defaultdict(list)
        for listing in lookup.listings:
            by_party[listing.entity_id].append(listing)
        matches = []
        for entity_id, listings in by_party.items():
            party = self._by_id.get(entity_id)
            if party is not None:
                features = _address_features(lookup.query, listings)
                matches.append(self._match(party, listings[0].published, 1.0, features))
        matches.sort(key=lambda m: m.entity_id)
        query: dict[str, Any] = {"address": lookup.query, "chain": chain}
        if lookup.parsed is not None:
            query["canonical"] = lookup.parsed.canonical
            if chain is None:
                query["detected_chain"] = "EVM" if lookup.parsed.evm else lookup.parsed.chain
        return ScreeningResult(query, self.list_versions, tuple(matches), 1.0)

    # -- what a hit carries ----------------------------------------------------------
    def _match(
        self, party: Party, matched: str, score: float, features: Iterable[Feature]
    ) -> Match:
        related = self.related(party)
        link = self.dprk_link(party)
        version = self._versions.get(party.list_id, party.list_id)
        extra = [Feature("list_version", 1.0, f"designated on {version}")]
        extra += [Feature("dprk_linked", 1.0, reason) for reason in link.reasons]
        return Match(
            entity_id=party.entity_id,
            list_id=party.list_id,
            list_version=version,
            name=party.caption,
            matched_name=matched,
            score=score,
            programs=party.programs,
            dprk=link,
            related=related,
            explanation=(*features, *extra),
        )

    def related(self, party: Party) -> tuple[RelatedParty, ...]:
        out = []
        for rel, direction in self._edges.get(party.entity_id, ()):
            other_id = rel.target_id if direction == "outgoing" else rel.source_id
            other = self._by_id.get(other_id)
            out.append(
                RelatedParty(
                    entity_id=other_id,
                    name=other.caption if other else other_id,
                    relationship=rel.kind,
                    direction=direction,
                    dprk_program=bool(other and other.dprk_program),
                    kp_based=_kp_based(other),
                )
            )
        return tuple(out)

    def dprk_link(self, party: Party) -> DprkLink:
        cached = self._dprk.get(party.entity_id)
        if cached is None:
            reasons = dprk_reasons(party, self.related(party))
            cached = self._dprk[party.entity_id] = DprkLink(bool(reasons), reasons)
        return cached


_NORTH_KOREA = re.compile(r"north korea|korea,? north|\bdprk\b|pyongyang", re.IGNORECASE)


def dprk_reasons(party: Party, related: Sequence[RelatedParty]) -> tuple[str, ...]:
    """Why a party is DPRK-linked, in the words an analyst would write; empty if it is not."""
    reasons = [f"program {p}" for p in party.programs if p in DPRK_PROGRAMS]
    reasons += [f"{r.phrase} (DPRK program)" for r in related if r.dprk_program]
    reasons += [f"{r.phrase} (based in KP)" for r in related if r.kp_based and not r.dprk_program]
    if DPRK_COUNTRY in party.nationalities:
        reasons.append("nationality KP (North Korea)")
    if any(a.country == DPRK_COUNTRY for a in party.addresses):
        reasons.append("address in KP (North Korea)")
    reasons += [f"{i.kind} issued by KP" for i in party.identifiers if i.country == DPRK_COUNTRY]
    reasons += [f"born in {place}" for place in party.birth_places if _NORTH_KOREA.search(place)]
    reasons += [
        f"{key}: {value}" for key, value in party.properties if "north korea" in value.lower()
    ]
    if not reasons and DPRK_COUNTRY in party.countries:
        reasons.append("country link KP (North Korea)")
    return tuple(dict.fromkeys(reasons))


def _kp_based(party: Party | None) -> bool:
    if party is None:
        return False
    return DPRK_COUNTRY in party.nationalities or any(
        a.country == DPRK_COUNTRY for a in party.addresses
    )


def _adjacency(
    relationships: Iterable[Relationship],
) -> dict[str, list[tuple[Relationship, str]]]:
    edges: dict[str, list[tuple[Relationship, str]]] = defaultdict(list)
    for rel in relationships:
        edges[rel.source_id].append((rel, "outgoing"))
        edges[rel.target_id].append((rel, "incoming"))
    return edges


def _address_features(query: str, listings: Sequence[AddressListing]) -> tuple[Feature, ...]:
    currencies = ", ".join(sorted({x.currency for x in listings}))
    published = listings[0].published
    detail = f"{published} listed for {currencies}"
    if query != published:
        detail += f"; query {query} is the same address in canonical form {listings[0].canonical}"
    features = [Feature("address_exact", 1.0, detail)]
    features += [
        Feature("listing_anomaly", 0.0, f"as published: {x.problem}") for x in listings if x.problem
    ]
    return tuple(features)


def _check_threshold(value: float) -> float:
    if not 0.0 < value <= 1.0:
        raise UserError(f"threshold must be in (0, 1], got {value}")
    return value


def _name_query_json(query: NameQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "type": query.schema.value if query.schema else None,
        "country": query.country,
        "dob": query.birth_date,
        "identifiers": [i.value for i in query.identifiers],
    }
