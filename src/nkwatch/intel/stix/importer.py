"""STIX 2.1 bundle -> records to import (pure; raises UserError naming the object).

nkwatch's own exports carry the ``nkwatch-intel-properties`` extension and round-trip
exactly. Other producers (OpenCTI, partners) are read from standard properties:
incident name/first_seen/external references, ``attributed-to`` intrusion-sets and
``targets`` identities, and indicators whose pattern names a ``cryptocurrency-wallet``.
A bundle with object types nkwatch does not know, or with references to objects that are
not in the bundle, is refused as a whole.
"""

from __future__ import annotations

import re
from typing import Any

from nkwatch import boundary
from nkwatch.errors import UserError
from nkwatch.intel.dataset import actor_from_json
from nkwatch.intel.model import Actor, Incident, IncidentAddress, address_key
from nkwatch.intel.records import address_from_row, incident_from_row
from nkwatch.intel.stix.extensions import PROPS_EXT, WALLET_TYPE

# STIX 2.1 types nkwatch maps, and standard types it accepts but does not store.
MAPPED = {"incident", "indicator", "intrusion-set", "relationship", WALLET_TYPE}
IGNORED = {
    "identity",
    "extension-definition",
    "threat-actor",
    "malware",
    "report",
    "marking-definition",
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "infrastructure",
    "location",
    "note",
    "observed-data",
    "opinion",
    "tool",
    "vulnerability",
    "malware-analysis",
    "sighting",
    "language-content",
    "ipv4-addr",
    "ipv6-addr",
    "domain-name",
    "url",
    "email-addr",
    "file",
    "artifact",
    "autonomous-system",
    "directory",
    "email-message",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
}
# OpenCTI's own object types (its exports do not carry their extension-definitions).
OPENCTI_TYPES = {
    "case-incident",
    "case-rfi",
    "case-rft",
    "feedback",
    "task",
    "channel",
    "narrative",
    "event",
    "data-component",
    "data-source",
    "persona",
    "cryptographic-key",
    "hostname",
    "text",
    "user-agent",
    "bank-account",
    "phone-number",
    "payment-card",
    "media-content",
    "credential",
    "tracking-number",
    "security-platform",
}
_WALLET_PATTERN = re.compile(r"^\[cryptocurrency-wallet:value\s*=\s*'((?:[^'\\]|\\.)*)'\]$")
# created_by_ref is exempt: producers rarely ship their own identity object.
_REF_KEYS = ("source_ref", "target_ref", "sighting_of_ref")


def _check_shape(bundle: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise UserError("not a STIX 2.1 bundle (no top-level type 'bundle')", where=where)
    objects = bundle.get("objects")
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise UserError("bundle 'objects' must be a list of objects", where=where)
    return objects


def _check_objects(objects: list[dict[str, Any]], where: str) -> dict[str, dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    declared = {o.get("name") for o in objects if o.get("type") == "extension-definition"}
    for n, obj in enumerate(objects):
        kind, oid = obj.get("type"), obj.get("id")
        if not isinstance(kind, str) or not isinstance(oid, str) or not oid.startswith(f"{kind}--"):
            raise UserError(f"object #{n} has no valid type/id", where=where)
        if kind not in MAPPED | IGNORED | OPENCTI_TYPES and kind not in declared:
            raise UserError(f"unknown STIX object type {kind!r} in {oid}", where=where)
        if oid in by_id:
            if by_id[oid].get("modified") == obj.get("modified"):
                raise UserError(f"duplicate object {oid}", where=where)
            if str(by_id[oid].get("modified", "")) > str(obj.get("modified", "")):
                continue  # several versions of one object: the newest wins
        by_id[oid] = obj
    for oid, obj in by_id.items():
        refs = [obj[k] for k in _REF_KEYS if isinstance(obj.get(k), str)]
        refs += [r for r in obj.get("object_refs", []) if isinstance(r, str)]
        for ref in refs:
            if ref not in by_id:
                raise UserError(
                    f"broken reference: {oid} points to {ref}, not in the bundle", where=where
                )
    return by_id


def _props(obj: dict[str, Any]) -> dict[str, Any] | None:
    ext = obj.get("extensions", {}).get(PROPS_EXT)
    return ext if isinstance(ext, dict) else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "incident"


def _foreign_incident(
    obj: dict[str, Any], rels: list[dict[str, Any]], by_id: dict[str, Any], where: str
) -> dict[str, Any]:
    """Flat incident record from a standard STIX incident (no nkwatch extension)."""
    date = str(obj.get("first_seen") or obj.get("created") or "")[:10]
    victims = [by_id[r["target_ref"]]["name"] for r in rels if r["relationship_type"] == "targets"]
    actors = [
        by_id[r["target_ref"]].get("name", "")
        for r in rels
        if r["relationship_type"] == "attributed-to"
    ]
    sources = [
        ref.get("url") or ref.get("description") or ref.get("source_name", "")
        for ref in obj.get("external_references", [])
    ]
    name = victims[0] if victims else obj.get("name", "")
    return {
        "incident_id": f"{date}-{_slug(name)}",
        "theft_date": date,
        "victim": name,
        "victim_type": "other",
        "attribution": "; ".join(a for a in actors if a),
        "attributed_by": f"STIX import ({obj.get('created_by_ref', 'unknown producer')})",
        "confidence": "suspected",
        "sources": sources or [f"STIX {obj['id']} ({where})"],
        "notes": obj.get("description", ""),
    }


def _incident_row(
    obj: dict[str, Any], rels: list[dict[str, Any]], by_id: dict[str, Any], where: str
) -> dict[str, Any]:
    props = _props(obj)
    if props is None:
        return _foreign_incident(obj, rels, by_id, where)
    row = {k: v for k, v in props.items() if k != "extension_type"}
    row["incident_id"] = row.pop("nkwatch_id", "")
    row["confidence"] = row.pop("confidence_class", "")
    row["sources"] = [
        r.get("description") or r.get("url", "") for r in obj.get("external_references", [])
    ]
    return row


def _guess_chain(address: str) -> str:
    if address.startswith("0x") and len(address) == 42:
        return "ETH"
    if address.startswith("T") and len(address) == 34:
        return "TRX"
    return "BTC"


def parse_bundle(
    bundle: Any, where: str, known_incidents: set[str]
) -> tuple[list[Incident], list[IncidentAddress], list[Actor]]:
    """Incidents, addresses and actors in a bundle; everything checked before anything is kept."""
    by_id = _check_objects(_check_shape(bundle, where), where)
    rels_from: dict[str, list[dict[str, Any]]] = {}
    for obj in by_id.values():
        if obj["type"] == "relationship":
            rels_from.setdefault(obj["source_ref"], []).append(obj)
    actors = [
        actor_from_json(p["nkwatch_actor"])
        for o in by_id.values()
        if o["type"] == "intrusion-set" and (p := _props(o)) and "nkwatch_actor" in p
    ]
    incidents: list[Incident] = []
    stix_to_incident: dict[str, str] = {}
    for oid, obj in by_id.items():
        if obj["type"] == "incident":
            row = _incident_row(obj, rels_from.get(oid, []), by_id, where)
            incident = incident_from_row(row, f"{where} {oid}")
            incidents.append(incident)
            stix_to_incident[oid] = incident.incident_id
    seen: dict[str, str] = {}
    for stix_id, iid in stix_to_incident.items():
        if iid in seen:
            raise UserError(
                f"duplicate incident id {iid!r} ({seen[iid]} and {stix_id})", where=where
            )
        seen[iid] = stix_id
    known = known_incidents | set(seen)
    addresses = _indicator_addresses(by_id, rels_from, stix_to_incident, known, where)
    addresses += _linked_wallets(by_id, stix_to_incident, addresses, known, where)
    return incidents, addresses, actors


def _indicator_addresses(
    by_id: dict[str, dict[str, Any]],
    rels_from: dict[str, list[dict[str, Any]]],
    stix_to_incident: dict[str, str],
    known: set[str],
    where: str,
) -> list[IncidentAddress]:
    """Addresses from indicators whose pattern names one cryptocurrency-wallet value."""
    addresses: list[IncidentAddress] = []
    for oid, obj in by_id.items():
        match = (
            _WALLET_PATTERN.match(obj.get("pattern", "")) if obj["type"] == "indicator" else None
        )
        if not match:
            continue
        value = match.group(1).replace("\\'", "'").replace("\\\\", "\\")
        props = _props(obj)
        if props is not None:
            row = {k: props.get(k, "") for k in ("incident_id", "chain", "role", "source")}
        else:
            linked = [stix_to_incident.get(r["target_ref"]) for r in rels_from.get(oid, [])]
            row = {
                "incident_id": next((i for i in linked if i), ""),
                "chain": _guess_chain(value),
                "role": "other",
                "source": obj.get("description") or obj.get("name") or f"STIX {oid}",
            }
        row["address"] = value
        addresses.append(address_from_row(row, f"{where} {oid}", known))
    return addresses


def _linked_wallets(
    by_id: dict[str, dict[str, Any]],
    stix_to_incident: dict[str, str],
    found: list[IncidentAddress],
    known: set[str],
    where: str,
) -> list[IncidentAddress]:
    """Wallet SCOs related to an incident directly (OpenCTI's usual shape), not yet seen."""
    seen = {(a.incident_id, a.key) for a in found}
    addresses: list[IncidentAddress] = []
    for rel in (o for o in by_id.values() if o["type"] == "relationship"):
        ends = (rel["source_ref"], rel["target_ref"])
        incident_id = next((stix_to_incident[e] for e in ends if e in stix_to_incident), None)
        wallet = next((by_id[e] for e in ends if by_id[e]["type"] == WALLET_TYPE), None)
        if incident_id is None or wallet is None:
            continue
        value = str(wallet.get("value", ""))
        if (incident_id, address_key(value)) in seen:
            continue
        seen.add((incident_id, address_key(value)))
        row = {
            "incident_id": incident_id,
            "chain": wallet.get("chain") or _guess_chain(value),
            "address": value,
            "role": "other",
            "source": wallet.get("description") or f"STIX {wallet['id']} ({where})",
        }
        addresses.append(address_from_row(row, f"{where} {wallet['id']}", known))
    return addresses


def load_json(text: str, where: str) -> Any:
    """JSON within the boundary's limits (nesting depth, integer digits), else a UserError."""
    return boundary.load_json(text, where=where)
