"""UN Security Council Consolidated List XML (``sc-sanctions.xsd``) -> :class:`ListDocument`.

One flat record per ``INDIVIDUAL`` / ``ENTITY``. Regimes are prefixed ``UN-`` (``UN-DPRK``
for the 1718 regime) so they stay distinguishable from OFAC programs of the same name.
The UN keeps IMO numbers of DPRK shipping companies only in ``COMMENTS1``; we lift them
into ``IMO`` identifiers so they can be screened like OFAC's.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from nkwatch.errors import UserError
from nkwatch.sanctions.countries import country_in_text, to_iso2
from nkwatch.sanctions.model import (
    Identifier,
    ListDocument,
    NameKind,
    Party,
    PartyName,
    PostalAddress,
    Schema,
)
from nkwatch.sanctions.scriptdetect import detect_script
from nkwatch.sanctions.xmlsafe import file_sha256, open_xml, release, text

LIST_ID = "un_sc_consolidated"
PUBLISHER = "UN Security Council"
ROOT_TAG = "CONSOLIDATED_LIST"

T = TypeVar("T")
_IMO = re.compile(r"\bIMO(?:\s+(?:number|no\.?))?\s*[:.]?\s*(\d{7})\b", re.I)
_NAME_FIELDS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ALIAS_KINDS = {"f.k.a.": NameKind.FKA, "n.k.a.": NameKind.NKA}


def parse_un_consolidated(path: Path) -> ListDocument:
    """Parse the UN consolidated XML (plain or compressed) into a list document."""
    parties: list[Party] = []
    published: date | None = None
    with open_xml(path, ("INDIVIDUAL", "ENTITY")) as (elements, reader):
        for elem in elements:
            if published is None:
                published = _published(elem.getroottree().getroot(), path)
            parties.append(_party(elem))
            release(elem)
        reader.drain()
        sha = reader.hexdigest()
    if published is None or not parties:
        raise UserError(
            "no INDIVIDUAL or ENTITY records: not a UN consolidated list", where=str(path)
        )
    return ListDocument(
        list_id=LIST_ID,
        publisher=PUBLISHER,
        published=published,
        sha256=sha,
        source_name=path.name,
        source_sha256=file_sha256(path),
        parties=tuple(parties),
    )


def _published(root: Any, path: Path) -> date:
    raw = root.get("dateGenerated") or ""
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise UserError(
            f"missing or invalid dateGenerated {raw!r} on CONSOLIDATED_LIST", where=str(path)
        ) from exc


def _values(elem: Any, tag: str) -> list[str]:
    """Texts of ``<TAG><VALUE>..</VALUE></TAG>`` lists."""
    return [v for v in (text(x) for x in elem.iterfind(f"{tag}/VALUE")) if v]


def _unique(items: list[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


def _party(elem: Any) -> Party:
    individual = elem.tag == "INDIVIDUAL"
    prefix = "INDIVIDUAL" if individual else "ENTITY"
    ref = text(elem.find("REFERENCE_NUMBER")) or text(elem.find("DATAID"))
    comments = text(elem.find("COMMENTS1"))
    countries: list[str] = []
    addresses = _addresses(elem, prefix, countries)
    birth_places = _birth_places(elem, countries) if individual else []
    identifiers = _documents(elem) if individual else []
    identifiers += [Identifier("IMO", imo) for imo in _IMO.findall(comments)]
    list_type = text(elem.find("UN_LIST_TYPE"))
    return Party(
        entity_id=f"un-{ref}",
        list_id=LIST_ID,
        schema=Schema.PERSON if individual else Schema.ORGANIZATION,
        names=_unique(_names(elem, prefix)),
        programs=(f"UN-{list_type}",) if list_type else (),
        nationalities=_unique([c for c in map(to_iso2, _values(elem, "NATIONALITY")) if c]),
        countries=_unique(countries),
        birth_dates=_unique(_birth_dates(elem)) if individual else (),
        birth_places=_unique(birth_places),
        addresses=_unique(addresses),
        identifiers=_unique(identifiers),
        listed_on=text(elem.find("LISTED_ON"))[:10] or None,
        remarks=comments or None,
        properties=_unique(_properties(elem)),
    )


def _names(elem: Any, prefix: str) -> list[PartyName]:
    parts = [text(elem.find(f)) for f in _NAME_FIELDS]
    names = [PartyName(" ".join(p for p in parts if p))]
    for original in elem.iterfind("NAME_ORIGINAL_SCRIPT"):
        value = text(original)
        if value:
            names.append(PartyName(value, script=detect_script(value)))
    for alias in elem.iterfind(f"{prefix}_ALIAS"):
        value = text(alias.find("ALIAS_NAME"))
        if not value:
            continue
        quality = text(alias.find("QUALITY")).lower()
        names.append(
            PartyName(
                value,
                script=detect_script(value),
                kind=_ALIAS_KINDS.get(quality, NameKind.AKA),
                weak=quality == "low",
            )
        )
    return [n for n in names if n.value]


def _joined(elem: Any, fields: tuple[str, ...]) -> str:
    return ", ".join(v for v in (text(elem.find(f)) for f in fields) if v)


def _addresses(elem: Any, prefix: str, countries: list[str]) -> list[PostalAddress]:
    found: list[PostalAddress] = []
    for addr in elem.iterfind(f"{prefix}_ADDRESS"):
        line = _joined(addr, ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE"))
        if not line:
            continue
        country = to_iso2(text(addr.find("COUNTRY"))) or country_in_text(line)
        if country:
            countries.append(country)
        found.append(PostalAddress(line, country))
    return found


def _birth_places(elem: Any, countries: list[str]) -> list[str]:
    places: list[str] = []
    for pob in elem.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        line = _joined(pob, ("CITY", "STATE_PROVINCE", "COUNTRY", "NOTE"))
        if line:
            places.append(line)
            country = to_iso2(text(pob.find("COUNTRY"))) or country_in_text(line)
            if country:
                countries.append(country)
    return places


def _birth_dates(elem: Any) -> list[str]:
    dates: list[str] = []
    for dob in elem.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        exact = text(dob.find("DATE"))[:10]
        year = text(dob.find("YEAR"))
        low, high = text(dob.find("FROM_YEAR")), text(dob.find("TO_YEAR"))
        if exact:
            dates.append(exact)
        elif year:
            dates.append(year)
        elif low.isdigit() and high.isdigit() and 0 <= int(high) - int(low) <= 10:
            dates.extend(str(y) for y in range(int(low), int(high) + 1))
        else:
            dates.extend(y for y in (low, high) if y)
    for alias in elem.iterfind("INDIVIDUAL_ALIAS"):
        alias_dob = text(alias.find("DATE_OF_BIRTH"))[:10]
        if alias_dob:
            dates.append(alias_dob)
    return dates


def _documents(elem: Any) -> list[Identifier]:
    found: list[Identifier] = []
    for doc in elem.iterfind("INDIVIDUAL_DOCUMENT"):
        number = text(doc.find("NUMBER"))
        if not number:
            continue
        kind = (
            text(doc.find("TYPE_OF_DOCUMENT")) or text(doc.find("TYPE_OF_DOCUMENT2")) or "Document"
        )
        issuer = text(doc.find("ISSUING_COUNTRY")) or text(doc.find("COUNTRY_OF_ISSUE"))
        found.append(Identifier(kind, number, to_iso2(issuer)))
    return found


def _properties(elem: Any) -> list[tuple[str, str]]:
    props = [("Designation", v) for v in _values(elem, "DESIGNATION")]
    props += [("Title", v) for v in _values(elem, "TITLE")]
    gender = text(elem.find("GENDER"))
    if gender:
        props.append(("Gender", gender))
    return props
