"""Turn flat records (CSV rows, YAML mappings) into model values, rejecting bad input.

The bundled dataset goes through exactly these checks too, so what ships and what users
import obey one set of rules. Every error names the record (``file:line`` and its id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from nkwatch.errors import UserError
from nkwatch.intel.addresses import address_problem
from nkwatch.intel.model import (
    CHAINS,
    TECHNIQUES,
    AddressRole,
    Confidence,
    Incident,
    IncidentAddress,
    Statistic,
    VictimType,
)

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")
_SIGNED = re.compile(r"^-?\d+(\.\d+)?$")
INCIDENT_FIELDS = [
    "incident_id",
    "theft_date",
    "victim",
    "victim_type",
    "amount_usd",
    "amount_native",
    "chains",
    "attribution",
    "attributed_by",
    "attribution_date",
    "confidence",
    "techniques",
    "malware",
    "sources",
    "notes",
]
ADDRESS_FIELDS = ("incident_id", "chain", "address", "role", "source")
STATISTIC_FIELDS = [
    "statistic_id",
    "publisher",
    "publication_date",
    "period",
    "metric",
    "value",
    "revises",
    "source",
    "notes",
]


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def parse_amount(text: str, *, field: str, where: str, signed: bool = False) -> Decimal:
    """A plain decimal number in USD; separators, symbols and other currencies are refused."""
    pattern = _SIGNED if signed else _AMOUNT
    if not pattern.match(text):
        if re.search(r"\d[,'\u202f ]\d{3}", text):
            hint = "thousands separators are not accepted; write e.g. 1500000"
        elif re.search(r"[A-Za-z$€£¥₩]", text):
            hint = "amounts are plain USD numbers; convert other currencies and drop symbols"
        else:
            hint = "expected a plain decimal number"
        raise UserError(f"bad {field} {text!r}: {hint}", where=where)
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise UserError(f"bad {field} {text!r}", where=where) from exc


def _date(text: str, field: str, where: str, *, required: bool) -> str:
    if not text and not required:
        return ""
    if not _DATE.match(text):
        raise UserError(f"bad {field} {text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD", where=where)
    return text


def _enum(enum: type[Any], text: str, field: str, where: str) -> Any:
    try:
        return enum(text)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise UserError(f"bad {field} {text!r} (allowed: {allowed})", where=where) from None


def incident_from_row(row: Mapping[str, Any], where: str) -> Incident:
    incident_id = _text(row, "incident_id")
    if not _ID.match(incident_id):
        raise UserError(f"bad incident_id {incident_id!r}: lowercase slug expected", where=where)
    where = f"{where} (incident {incident_id})"
    chains = _split(_text(row, "chains"))
    for chain in chains:
        if chain not in CHAINS:
            raise UserError(f"unknown chain/currency {chain!r}", where=where)
    techniques = _split(_text(row, "techniques"))
    for technique in techniques:
        if technique not in TECHNIQUES:
            raise UserError(f"unknown technique {technique!r}", where=where)
    amount = _text(row, "amount_usd")
    sources = _split(_text(row, "sources"))
    if not sources:
        raise UserError("no sources: every incident must cite at least one", where=where)
    victim = _text(row, "victim")
    if not victim:
        raise UserError("victim is empty", where=where)
    return Incident(
        incident_id=incident_id,
        theft_date=_date(_text(row, "theft_date"), "theft_date", where, required=True),
        victim=victim,
        victim_type=_enum(VictimType, _text(row, "victim_type"), "victim_type", where),
        amount_usd=parse_amount(amount, field="amount_usd", where=where) if amount else None,
        amount_native=_text(row, "amount_native"),
        chains=chains,
        attribution=_text(row, "attribution"),
        attributed_by=_text(row, "attributed_by"),
        attribution_date=_date(
            _text(row, "attribution_date"), "attribution_date", where, required=False
        ),
        confidence=_enum(Confidence, _text(row, "confidence"), "confidence", where),
        techniques=techniques,
        malware=_split(_text(row, "malware")),
        sources=sources,
        notes=_text(row, "notes"),
    )


def address_from_row(
    row: Mapping[str, Any], where: str, known_incidents: set[str]
) -> IncidentAddress:
    incident_id = _text(row, "incident_id")
    chain = _text(row, "chain") or _text(row, "currency")
    address = str(row.get("address") or "")
    where = f"{where} (address {address!r} of {incident_id or '?'})"
    if incident_id not in known_incidents:
        raise UserError(f"unknown incident_id {incident_id!r}", where=where)
    problem = address_problem(chain, address)
    if problem:
        raise UserError(problem, where=where)
    source = _text(row, "source")
    if not source:
        raise UserError("no source: every address must cite one", where=where)
    return IncidentAddress(
        incident_id=incident_id,
        chain=chain,
        address=address,
        role=_enum(AddressRole, _text(row, "role"), "role", where),
        source=source,
    )


def statistic_from_row(row: Mapping[str, Any], where: str) -> Statistic:
    statistic_id = _text(row, "statistic_id")
    where = f"{where} (statistic {statistic_id})"
    if not statistic_id:
        raise UserError("statistic_id is empty", where=where)
    if not _text(row, "publisher") or not _text(row, "source"):
        raise UserError("publisher and source are required", where=where)
    return Statistic(
        statistic_id=statistic_id,
        publisher=_text(row, "publisher"),
        publication_date=_date(
            _text(row, "publication_date"), "publication_date", where, required=False
        ),
        period=_text(row, "period"),
        metric=_text(row, "metric"),
        value=parse_amount(_text(row, "value"), field="value", where=where, signed=True),
        revises=_text(row, "revises"),
        source=_text(row, "source"),
        notes=_text(row, "notes"),
    )


def check_unique(ids: Iterable[tuple[str, str]], kind: str) -> None:
    """Reject a second record with the same id in one input; ``ids`` is (id, where)."""
    seen: dict[str, str] = {}
    for record_id, where in ids:
        if record_id in seen:
            raise UserError(
                f"duplicate {kind} id {record_id!r} (first at {seen[record_id]})", where=where
            )
        seen[record_id] = where


def incident_to_row(incident: Incident) -> dict[str, str]:
    """The flat CSV form of an incident (inverse of :func:`incident_from_row`)."""
    return {
        "incident_id": incident.incident_id,
        "theft_date": incident.theft_date,
        "victim": incident.victim,
        "victim_type": incident.victim_type.value,
        "amount_usd": "" if incident.amount_usd is None else str(incident.amount_usd),
        "amount_native": incident.amount_native,
        "chains": ";".join(incident.chains),
        "attribution": incident.attribution,
        "attributed_by": incident.attributed_by,
        "attribution_date": incident.attribution_date,
        "confidence": incident.confidence.value,
        "techniques": ";".join(incident.techniques),
        "malware": ";".join(incident.malware),
        "sources": "; ".join(incident.sources),
        "notes": incident.notes,
    }
