"""Dataset -> STIX 2.1 bundle (pure; deterministic ids and timestamps).

Mapping: actor -> intrusion-set (attributed-to the DPRK RGB threat-actor), incident ->
incident (+ nkwatch property-extension) attributed-to its actors and targeting the victim
identity, malware -> malware used by the incident's primary actor, address ->
cryptocurrency-wallet SCO + indicator (indicates the actor, related-to the incident), and
one report per incident whose external references are the incident's sources.
"""

from __future__ import annotations

import json
import re
from typing import Any

import stix2

from nkwatch.intel.dataset import actor_to_json
from nkwatch.intel.model import (
    Actor,
    AddressRole,
    Confidence,
    Dataset,
    Incident,
    IncidentAddress,
)
from nkwatch.intel.stix.extensions import (
    EPOCH,
    NKWATCH_IDENTITY,
    PROPS_EXT,
    WALLET_TYPE,
    CryptocurrencyWallet,
    extension_definitions,
    stable_id,
)

RGB_ID = stable_id("threat-actor", "dprk-rgb")
STIX_CONFIDENCE = {
    Confidence.CONFIRMED_GOVERNMENT: 85,
    Confidence.ATTRIBUTED_INDUSTRY: 60,
    Confidence.SUSPECTED: 15,
}
_URL = re.compile(r"https?://[^\s;,)\"']+")
_COMMON = {"created_by_ref": NKWATCH_IDENTITY.id, "created": EPOCH, "modified": EPOCH}


def timestamp(partial_date: str) -> str:
    """STIX timestamp for a possibly partial ISO date (missing parts become the 1st)."""
    parts = (partial_date.split("-") + ["01", "01"])[:3] if partial_date else ["1970", "01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00.000Z"


def external_reference(source: str) -> dict[str, str]:
    """A source citation as an external reference; ``description`` keeps it verbatim."""
    ref = {"source_name": "nkwatch-source", "description": source}
    match = _URL.search(source)
    if match:
        ref["url"] = match.group(0)
    return ref


def _actor_objects(actor: Actor) -> list[Any]:
    refs: list[dict[str, str]] = [
        {"source_name": "nkwatch", "external_id": actor.actor_id},
    ]
    if actor.attack_id:
        refs.append(
            {
                "source_name": "mitre-attack",
                "external_id": actor.attack_id,
                "url": f"https://attack.mitre.org/groups/{actor.attack_id}/",
            }
        )
    if actor.galaxy_uuid:
        refs.append(
            {
                "source_name": "misp-galaxy:threat-actor",
                "external_id": actor.galaxy_uuid,
                "description": actor.galaxy_value,
            }
        )
    refs += [{"source_name": "reference", "url": url} for url in actor.refs]
    aliases = [a.name for a in actor.aliases if a.name != actor.name]
    iset = stix2.v21.IntrusionSet(
        id=stable_id("intrusion-set", actor.actor_id),
        name=actor.name,
        description=actor.description or actor.name,
        aliases=aliases or None,
        external_references=refs,
        extensions={
            PROPS_EXT: {
                "extension_type": "property-extension",
                "nkwatch_actor": actor_to_json(actor),
            }
        },
        **_COMMON,
    )
    rel = _rel(iset.id, "attributed-to", RGB_ID)
    return [iset, rel]


def _rel(source: str, kind: str, target: str, description: str | None = None) -> Any:
    return stix2.v21.Relationship(
        id=stable_id("relationship", source, kind, target),
        source_ref=source,
        relationship_type=kind,
        target_ref=target,
        description=description,
        **_COMMON,
    )


def _incident_props(i: Incident) -> dict[str, Any]:
    props: dict[str, Any] = {
        "extension_type": "property-extension",
        "nkwatch_id": i.incident_id,
        "theft_date": i.theft_date,
        "victim": i.victim,
        "victim_type": i.victim_type.value,
        "amount_native": i.amount_native,
        "chains": list(i.chains),
        "attribution": i.attribution,
        "attributed_by": i.attributed_by,
        "attribution_date": i.attribution_date,
        "confidence_class": i.confidence.value,
        "techniques": list(i.techniques),
        "malware": list(i.malware),
        "notes": i.notes,
    }
    if i.amount_usd is not None:
        props["amount_usd"] = str(i.amount_usd)
    return {k: v for k, v in props.items() if v not in ("", [])}


def _address_objects(a: IncidentAddress, incident: Incident, actor_ref: str | None) -> list[Any]:
    wallet = CryptocurrencyWallet(value=a.address, chain=a.chain)
    victim_side = a.role is AddressRole.VICTIM_WALLET
    value = a.address.replace("\\", "\\\\").replace("'", "\\'")
    indicator = stix2.v21.Indicator(
        id=stable_id("indicator", a.incident_id, a.chain, a.key, a.role.value),
        name=f"{a.role.value} address ({a.chain}) in {incident.victim} theft",
        description=a.source,
        indicator_types=["compromised"] if victim_side else ["malicious-activity", "attribution"],
        pattern=f"[{WALLET_TYPE}:value = '{value}']",
        pattern_type="stix",
        valid_from=timestamp(incident.theft_date),
        confidence=STIX_CONFIDENCE[incident.confidence],
        extensions={
            PROPS_EXT: {
                "extension_type": "property-extension",
                "incident_id": a.incident_id,
                "chain": a.chain,
                "role": a.role.value,
                "source": a.source,
            }
        },
        **_COMMON,
    )
    objects = [wallet, indicator, _rel(indicator.id, "related-to", wallet.id)]
    objects.append(_rel(indicator.id, "related-to", stable_id("incident", a.incident_id)))
    if actor_ref and not victim_side:
        objects.append(_rel(indicator.id, "indicates", actor_ref))
    return objects


def _incident_objects(i: Incident, addresses: list[IncidentAddress]) -> list[Any]:
    victim = stix2.v21.Identity(
        id=stable_id("identity", "victim", i.victim),
        name=i.victim,
        identity_class="organization",
        sectors=["financial-services"],
        **_COMMON,
    )
    incident = stix2.v21.Incident(
        id=stable_id("incident", i.incident_id),
        name=f"{i.victim} theft ({i.theft_date})",
        description=i.notes or f"Theft from {i.victim}",
        confidence=STIX_CONFIDENCE[i.confidence],
        external_references=[external_reference(s) for s in i.sources],
        extensions={PROPS_EXT: _incident_props(i)},
        **_COMMON,
    )
    objects: list[Any] = [victim, incident, _rel(incident.id, "targets", victim.id)]
    actor_refs = [stable_id("intrusion-set", a) for a in i.actor_ids]
    objects += [
        _rel(incident.id, "attributed-to", ref, i.attributed_by or None) for ref in actor_refs
    ]
    for name in i.malware:
        malware = stix2.v21.Malware(
            id=stable_id("malware", name.casefold()), name=name, is_family=True, **_COMMON
        )
        objects.append(malware)
        if actor_refs:
            objects.append(_rel(actor_refs[0], "uses", malware.id))
    for address in addresses:
        objects += _address_objects(address, i, actor_refs[0] if actor_refs else None)
    report = stix2.v21.Report(
        id=stable_id("report", i.incident_id),
        name=f"nkwatch incident record: {i.victim} ({i.theft_date})",
        description=f"Sources for nkwatch incident {i.incident_id}; attributed by {i.attributed_by or 'n/a'}.",
        report_types=["threat-report"],
        published=timestamp(i.attribution_date or i.theft_date),
        object_refs=sorted({o.id for o in objects} | set(actor_refs)),
        external_references=[external_reference(s) for s in i.sources],
        **_COMMON,
    )
    return [*objects, report]


def to_bundle(data: Dataset) -> stix2.v21.Bundle:
    """The whole dataset (without published statistics) as one STIX 2.1 bundle."""
    rgb = stix2.v21.ThreatActor(
        id=RGB_ID,
        name="DPRK Reconnaissance General Bureau",
        description="North Korea's military intelligence agency, to which the DPRK crypto-theft clusters are attributed.",
        threat_actor_types=["nation-state"],
        aliases=["RGB", "Reconnaissance General Bureau"],
        primary_motivation="organizational-gain",
        **_COMMON,
    )
    objects: dict[str, Any] = {o.id: o for o in [NKWATCH_IDENTITY, *extension_definitions(), rgb]}
    for actor in data.actors:
        objects.update((o.id, o) for o in _actor_objects(actor))
    by_incident: dict[str, list[IncidentAddress]] = {}
    for address in data.addresses:
        by_incident.setdefault(address.incident_id, []).append(address)
    for incident in sorted(data.incidents, key=lambda i: i.incident_id):
        for obj in _incident_objects(incident, by_incident.get(incident.incident_id, [])):
            objects.setdefault(obj.id, obj)
    return stix2.v21.Bundle(
        objects=list(objects.values()),
        id=stable_id("bundle", "nkwatch", str(len(objects))),
        allow_custom=False,
    )


def canonical(bundle_json: str) -> str:
    """Canonical text of a bundle for comparison: objects sorted by id, keys sorted."""
    obj = json.loads(bundle_json)
    objects = sorted(obj.get("objects", []), key=lambda o: o["id"])
    return json.dumps(objects, sort_keys=True, ensure_ascii=False)
