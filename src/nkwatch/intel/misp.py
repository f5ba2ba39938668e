"""MISP events: one per incident, with ``coin-address`` objects and galaxy tags (PyMISP).

Export writes MISP's REST search shape (``{"response": [{"Event": ...}, ...]}``) so the
file can be pushed with PyMISP or loaded event by event with ``MISPEvent.load``. Facts MISP
has no field for are machine tags in an ``nkwatch:`` namespace; attribution is the MISP
galaxy tag ``misp-galaxy:threat-actor="<cluster value>"`` of each actor.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from pymisp import MISPEvent, MISPObject

from nkwatch.errors import UserError
from nkwatch.intel.model import AddressRole, Dataset, Incident, IncidentAddress
from nkwatch.intel.records import address_from_row, incident_from_row
from nkwatch.intel.stix.export import timestamp

NAMESPACE = uuid.UUID("1d1c3c86-5c0e-5f6f-8a43-0b1e3f9d8c21")
EPOCH = 1766016000  # 2025-12-18T00:00:00Z: fixed so an unchanged record exports identically
_TAG = re.compile(r'^nkwatch:([a-z-]+)="(.*)"$', re.S)
ROLES = frozenset(r.value for r in AddressRole)
THREAT_LEVEL = {"confirmed_government": 1, "attributed_industry": 2, "suspected": 3}


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def incident_event(
    incident: Incident, addresses: list[IncidentAddress], data: Dataset
) -> MISPEvent:
    event = MISPEvent()
    event.uuid = _uid("event", incident.incident_id)
    event.info = f"DPRK crypto theft: {incident.victim} ({incident.theft_date})"
    event.set_date(timestamp(incident.theft_date)[:10])
    event.threat_level_id = THREAT_LEVEL[incident.confidence.value]
    event.analysis = 2
    event.distribution = 0
    event.timestamp = EPOCH
    event.add_tag("tlp:clear")
    for actor_id in incident.actor_ids:
        actor = data.actor(actor_id)
        if actor and actor.galaxy_value:
            event.add_tag(f'misp-galaxy:threat-actor="{actor.galaxy_value}"')
    tags = {
        "incident-id": incident.incident_id,
        "theft-date": incident.theft_date,
        "victim": incident.victim,
        "victim-type": incident.victim_type.value,
        "amount-usd": "" if incident.amount_usd is None else str(incident.amount_usd),
        "amount-native": incident.amount_native,
        "chains": ";".join(incident.chains),
        "attribution": incident.attribution,
        "attributed-by": incident.attributed_by,
        "attribution-date": incident.attribution_date,
        "confidence": incident.confidence.value,
        "techniques": ";".join(incident.techniques),
        "malware": ";".join(incident.malware),
    }
    for key, value in tags.items():
        if value:
            event.add_tag(f'nkwatch:{key}="{value}"')  # the reader matches greedily
    for n, source in enumerate(incident.sources):
        attr: Any = event.add_attribute(
            "text", source, category="External analysis", comment="source"
        )
        attr.uuid = _uid("source", incident.incident_id, str(n))
    if incident.notes:
        note: Any = event.add_attribute("comment", incident.notes, category="Other")
        note.uuid = _uid("notes", incident.incident_id)
    for a in addresses:
        obj = MISPObject("coin-address", standalone=False)
        obj.uuid = _uid("coin-address", a.incident_id, a.chain, a.key, a.role.value)
        relation = "address" if a.chain == "BTC" else "address-crypto"
        obj.add_attribute(relation, value=a.address, comment=a.role.value)
        obj.add_attribute("symbol", value=a.chain)
        obj.comment = f"{a.role.value}: {a.source}"
        for attr in obj.attributes:
            attr.uuid = _uid("attr", obj.uuid, attr.object_relation)
        event.add_object(obj)
    return event


def to_misp(data: Dataset) -> dict[str, Any]:
    """All incidents as a MISP REST search response."""
    by_incident: dict[str, list[IncidentAddress]] = {}
    for address in data.addresses:
        by_incident.setdefault(address.incident_id, []).append(address)
    events = [
        incident_event(i, by_incident.get(i.incident_id, []), data)
        for i in sorted(data.incidents, key=lambda i: i.incident_id)
    ]
    return {"response": [{"Event": json.loads(e.to_json())} for e in events]}


def _events(doc: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(doc, dict) and "response" in doc:
        doc = doc["response"]
    items = doc if isinstance(doc, list) else [doc]
    events = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise UserError(f"MISP item #{n} is not an object", where=where)
        event = item.get("Event", item)
        if not isinstance(event, dict) or "info" not in event or "date" not in event:
            raise UserError(
                f"MISP item #{n} is not an event (needs Event.info and Event.date)", where=where
            )
        tags = event.get("Tag") or []
        if not isinstance(tags, list) or not all(
            isinstance(t, dict) and isinstance(t.get("name"), str) for t in tags
        ):  # found by fuzzing: a tag without its name
            raise UserError(f"MISP item #{n}: Tag must be a list of tags with a name", where=where)
        events.append(event)
    return events


def _incident_row(event: MISPEvent) -> dict[str, Any]:
    tags = {m.group(1): m.group(2) for t in event.tags if (m := _TAG.match(t.name))}
    actors = [
        t.name.split("=", 1)[1].strip('"')
        for t in event.tags
        if t.name.startswith("misp-galaxy:threat-actor=")
    ]
    date = str(event.date)[:10]
    sources = [
        a.value
        for a in event.attributes
        if getattr(a, "comment", "") == "source" or a.type == "link"
    ]
    notes = next((a.value for a in event.attributes if a.type == "comment"), "")
    slug = re.sub(r"[^a-z0-9]+", "-", event.info.casefold()).strip("-")[:50]
    return {
        "incident_id": tags.get("incident-id", f"{date}-{slug}"),
        "theft_date": tags.get("theft-date", date),
        "victim": tags.get("victim", event.info),
        "victim_type": tags.get("victim-type", "other"),
        "amount_usd": tags.get("amount-usd", ""),
        "amount_native": tags.get("amount-native", ""),
        "chains": tags.get("chains", ""),
        "attribution": tags.get("attribution", "; ".join(actors)),
        "attributed_by": tags.get("attributed-by", "MISP import"),
        "attribution_date": tags.get("attribution-date", ""),
        "confidence": tags.get("confidence", "suspected"),
        "techniques": tags.get("techniques", ""),
        "malware": tags.get("malware", ""),
        "sources": sources or [f"MISP event {event.uuid}"],
        "notes": notes,
    }


def parse_misp(
    doc: Any, where: str, known: set[str]
) -> tuple[list[Incident], list[IncidentAddress]]:
    """Incidents and coin addresses of the events in a MISP JSON document."""
    incidents: list[Incident] = []
    addresses: list[IncidentAddress] = []
    for n, raw in enumerate(_events(doc, where)):
        event = MISPEvent()
        try:
            event.from_dict(**raw)
        except Exception as exc:  # PyMISP raises bare Exceptions for bad shapes
            raise UserError(f"MISP event #{n} could not be loaded: {exc}", where=where) from None
        incident = incident_from_row(_incident_row(event), f"{where} event #{n}")
        incidents.append(incident)
        for obj in event.objects:
            if obj.name != "coin-address":
                continue
            values = {a.object_relation: a for a in obj.attributes}
            addr = values.get("address") or values.get("address-crypto")
            if addr is None:
                raise UserError(f"coin-address object {obj.uuid} has no address", where=where)
            comment = getattr(obj, "comment", "") or ""
            role, _, source = comment.partition(": ")
            if role not in ROLES:  # a foreign event's free comment: keep it as the source
                role, source = "other", comment
            row = {
                "incident_id": incident.incident_id,
                "chain": values["symbol"].value if "symbol" in values else "",
                "address": addr.value,
                "role": role,
                "source": source or f"MISP event {event.uuid}",
            }
            addresses.append(
                address_from_row(row, f"{where} event #{n}", known | {incident.incident_id})
            )
    return incidents, addresses
