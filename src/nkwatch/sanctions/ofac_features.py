"""Pieces of the OFAC advanced XML: reference values, locations, documents, one party.

Split from ``ofac.py`` (which drives the stream) so each stays small. Everything here
works on one already-parsed element at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from nkwatch.sanctions.countries import country_in_text
from nkwatch.sanctions.model import (
    CryptoAddress,
    Identifier,
    NameKind,
    Party,
    PartyName,
    PostalAddress,
    Schema,
)
from nkwatch.sanctions.scriptdetect import detect_script
from nkwatch.sanctions.xmlsafe import text

# OFAC's ScriptCode values that are not ISO 15924 codes.
_SCRIPT_CODES = {"Latin": "Latn", "Hebrew": "Hebr", "Japanese": "Jpan", "Korean": "Kore"}
# Codes that say "CJK, some mix": we look at the characters instead.
_DETECT_SCRIPTS = {"Kore", "Jpan", ""}
_CJK = {"Hani", "Hans", "Hant", "Hang", "Kore", "Jpan"}
_ALIAS_KINDS = {
    "Name": NameKind.PRIMARY,
    "A.K.A.": NameKind.AKA,
    "F.K.A.": NameKind.FKA,
    "N.K.A.": NameKind.NKA,
}
T = TypeVar("T")
_CRYPTO_PREFIX = "Digital Currency Address - "
_BIRTH_DATE = "Birthdate"
_BIRTH_PLACE = "Place of Birth"
_NATIONALITY = {"Nationality Country", "Citizenship Country"}
_COUNTRY_TEXT = {"Vessel Flag", "Former Vessel Flag", "Other Vessel Flag", "Registration Country"}
_COUNTRY_LOC = {"Nationality of Registration", "Registration Country"}
# Features that identify a party (searchable like a document number).
_IDENTIFYING = {
    "Vessel Call Sign",
    "Other Vessel Call Sign",
    "SWIFT/BIC",
    "Email Address",
    "Website",
    "Phone Number",
    "D-U-N-S Number",
    "ISIN",
    "Equity Ticker",
    "BIK (RU)",
    "UN/LOCODE",
    "MICEX Code",
    "Aircraft Tail Number",
    "Previous Aircraft Tail Number",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Mode S Transponder Code",
}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@dataclass
class Refs:
    """The ``ReferenceValueSets`` lookups the rest of the file points into."""

    values: dict[str, dict[str, tuple[str, dict[str, str]]]] = field(default_factory=dict)

    @classmethod
    def from_element(cls, elem: Any) -> Refs:
        values: dict[str, dict[str, tuple[str, dict[str, str]]]] = {}
        for group in elem:
            items: dict[str, tuple[str, dict[str, str]]] = {}
            for item in group:
                if isinstance(item.tag, str) and item.get("ID") is not None:
                    items[item.get("ID")] = (text(item), dict(item.attrib))
            values[_local(group.tag)] = items
        return cls(values)

    def name(self, group: str, ref_id: str | None) -> str:
        entry = self.values.get(group, {}).get(ref_id or "")
        return entry[0] if entry else ""

    def attr(self, group: str, ref_id: str | None, key: str) -> str:
        entry = self.values.get(group, {}).get(ref_id or "")
        return entry[1].get(key, "") if entry else ""

    def _names(self, group: str) -> dict[str, str]:
        return {k: v[0] for k, v in self.values.get(group, {}).items()}

    @property
    def relation_type(self) -> dict[str, str]:
        return self._names("RelationTypeValues")

    @property
    def sanctions_type(self) -> dict[str, str]:
        return self._names("SanctionsTypeValues")

    def country_iso2(self, country_id: str | None) -> str | None:
        """ISO2 from OFAC's own country table, falling back to the name (Kosovo has none)."""
        iso = self.attr("CountryValues", country_id, "ISO2")
        return iso or country_in_text(self.name("CountryValues", country_id))

    def script(self, script_id: str | None, value: str) -> str:
        code = self.attr("ScriptValues", script_id, "ScriptCode")
        code = _SCRIPT_CODES.get(code, code)
        return detect_script(value, "Latn") if code in _DETECT_SCRIPTS else code


@dataclass(frozen=True)
class Place:
    text: str
    country: str | None


@dataclass(frozen=True)
class Doc:
    identifier: Identifier


def place_from_location(elem: Any, refs: Refs) -> Place:
    """A ``Location``: its parts joined in published order, plus its country."""
    parts: list[str] = []
    for part in elem.iter("{*}Value"):
        value = text(part)
        if value and value not in parts:
            parts.append(value)
    country_el = elem.find("{*}LocationCountry")
    country_id = country_el.get("CountryID") if country_el is not None else None
    country_name = refs.name("CountryValues", country_id)
    if country_name and country_name not in parts:
        parts.append(country_name)
    return Place(", ".join(parts), refs.country_iso2(country_id) if country_id else None)


def doc_from_element(elem: Any, refs: Refs) -> Doc | None:
    """An ``IDRegDocument`` (passport, IMO number, registration...) as an identifier."""
    number = text(elem.find("{*}IDRegistrationNo"))
    if not number:
        return None
    kind = refs.name("IDRegDocTypeValues", elem.get("IDRegDocTypeID")) or "Document"
    if kind == "Vessel Registration Identification" and number.upper().startswith("IMO"):
        kind, number = "IMO", number[3:].strip(" :")
    country_id = elem.get("IssuedBy-CountryID")
    country = refs.country_iso2(country_id) if country_id else None
    return Doc(Identifier(kind=kind, value=number, country=country))


@dataclass
class PartyBuilder:
    """Mutable accumulator for one party until its sanctions entry has been read."""

    profile_id: str
    entity_id: str
    schema: Schema
    names: list[PartyName] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    addresses: list[PostalAddress] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    crypto: list[CryptoAddress] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)
    listed_on: str | None = None
    remarks: str | None = None

    def build(self, list_id: str) -> Party:
        return Party(
            entity_id=self.entity_id,
            list_id=list_id,
            schema=self.schema,
            names=tuple(_dedupe(self.names)),
            programs=tuple(self.programs),
            nationalities=tuple(_dedupe(self.nationalities)),
            countries=tuple(_dedupe(self.countries)),
            birth_dates=tuple(_dedupe(self.birth_dates)),
            birth_places=tuple(_dedupe(self.birth_places)),
            addresses=tuple(_dedupe(self.addresses)),
            identifiers=tuple(_dedupe(self.identifiers)),
            crypto_addresses=tuple(_dedupe(self.crypto)),
            listed_on=self.listed_on,
            remarks=self.remarks,
            properties=tuple(_dedupe(self.properties)),
        )


def _dedupe(items: list[T]) -> list[T]:
    return list(dict.fromkeys(items))


def _schema(refs: Refs, subtype_id: str | None) -> Schema:
    subtype = refs.name("PartySubTypeValues", subtype_id)
    party_type = refs.name(
        "PartyTypeValues", refs.attr("PartySubTypeValues", subtype_id, "PartyTypeID")
    )
    if subtype == "Vessel":
        return Schema.VESSEL
    if subtype == "Aircraft":
        return Schema.AIRCRAFT
    return Schema.PERSON if party_type == "Individual" else Schema.ORGANIZATION


def party_from_element(
    elem: Any,
    refs: Refs,
    locations: dict[str, Place],
    documents: dict[str, list[Doc]],
    *,
    date_range: Callable[[Any], list[str]],
) -> PartyBuilder | None:
    """One ``DistinctParty``: names, features and the documents of its identities."""
    profile = elem.find("{*}Profile")
    if profile is None:
        return None
    fixed = elem.get("FixedRef") or profile.get("ID")
    builder = PartyBuilder(
        profile_id=profile.get("ID"),
        entity_id=f"ofac-{fixed}",
        schema=_schema(refs, profile.get("PartySubTypeID")),
    )
    comment = text(elem.find("{*}Comment"))
    builder.remarks = comment or None
    for identity in profile.iterfind("{*}Identity"):
        _add_names(builder, identity, refs)
        for doc in documents.pop(identity.get("ID"), []):
            builder.identifiers.append(doc.identifier)
    for feature in profile.iterfind("{*}Feature"):
        _add_feature(builder, feature, refs, locations, date_range)
    # Primary Latin name first, so ``Party.caption`` is the name OFAC lists the party under.
    builder.names.sort(key=lambda n: (n.kind is not NameKind.PRIMARY, n.script != "Latn"))
    return builder


def _add_names(builder: PartyBuilder, identity: Any, refs: Refs) -> None:
    for alias in identity.iterfind("{*}Alias"):
        kind = _ALIAS_KINDS.get(
            refs.name("AliasTypeValues", alias.get("AliasTypeID")), NameKind.AKA
        )
        weak = alias.get("LowQuality") == "true"
        for documented in alias.iterfind("{*}DocumentedName"):
            # Parts in the order the DocumentedName gives them: OFAC writes the surname
            # first ("Kim" + "Jong Un", "MADURO MOROS" + "Nicolas").
            values = [v for v in (text(el) for el in documented.iter("{*}NamePartValue")) if v]
            if not values:
                continue
            first = documented.find(".//{*}NamePartValue")
            script = refs.script(
                first.get("ScriptID") if first is not None else None, "".join(values)
            )
            # Chinese, Japanese and Korean personal names are written without spaces.
            value = ("" if script in _CJK else " ").join(values)
            builder.names.append(PartyName(value=value, script=script, kind=kind, weak=weak))


def _add_feature(
    builder: PartyBuilder,
    feature: Any,
    refs: Refs,
    locations: dict[str, Place],
    date_range: Callable[[Any], list[str]],
) -> None:
    ftype = refs.name("FeatureTypeValues", feature.get("FeatureTypeID"))
    for version in feature.iterfind("{*}FeatureVersion"):
        if refs.name("ReliabilityValues", version.get("ReliabilityID")) == "False":
            continue
        detail_el = version.find("{*}VersionDetail")
        detail = text(detail_el)
        if not detail and detail_el is not None and detail_el.get("DetailReferenceID"):
            detail = refs.name("DetailReferenceValues", detail_el.get("DetailReferenceID"))
        loc_el = version.find("{*}VersionLocation")
        place = locations.get(loc_el.get("LocationID")) if loc_el is not None else None
        period = version.find("{*}DatePeriod")
        _apply_feature(
            builder, ftype, detail, place, date_range(period) if period is not None else []
        )


def _apply_feature(
    b: PartyBuilder, ftype: str, detail: str, place: Place | None, dates: list[str]
) -> None:
    if ftype.startswith(_CRYPTO_PREFIX) and detail:
        b.crypto.append(CryptoAddress(ftype[len(_CRYPTO_PREFIX) :].strip(), detail))
    elif ftype == _BIRTH_DATE:
        b.birth_dates.extend(dates)
    elif ftype == _BIRTH_PLACE and detail:
        b.birth_places.append(detail)
        _add_country(b.countries, country_in_text(detail))
    elif ftype in _NATIONALITY:
        code = place.country if place else country_in_text(detail)
        _add_country(b.nationalities, code)
    elif ftype == "Location" and place is not None and place.text:
        b.addresses.append(PostalAddress(place.text, place.country))
        _add_country(b.countries, place.country)
    elif ftype in _COUNTRY_TEXT or ftype in _COUNTRY_LOC:
        code = place.country if place else country_in_text(detail)
        _add_country(b.countries, code)
        if detail or place:
            b.properties.append((ftype, detail or (place.text if place else "")))
    elif ftype in _IDENTIFYING and detail:
        b.identifiers.append(Identifier(kind=ftype, value=detail))
    elif detail or dates:
        b.properties.append((ftype.rstrip(" :-"), detail or " / ".join(dates)))


def _add_country(target: list[str], code: str | None) -> None:
    if code and code not in target:
        target.append(code)
