"""The bundled, curated dataset shipped in ``nkwatch/data/intel`` and actor resolution.

Attribution text is free prose ("TraderTraitor; Lazarus Group (APT38)"), so incidents are
linked to actors by the phrases each actor declares in ``actors.json``; the first matching
actor (most specific first) is the incident's primary actor.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import replace
from importlib import resources
from typing import Any

from nkwatch.errors import UserError
from nkwatch.intel.model import Actor, Alias, Dataset, Incident, Software
from nkwatch.intel.records import (
    address_from_row,
    check_unique,
    incident_from_row,
    statistic_from_row,
)

BUNDLE_NAME = "nkwatch bundled intel dataset"


def _read(name: str) -> str:
    return (resources.files("nkwatch.data") / "intel" / name).read_text("utf-8")


def actor_from_json(obj: dict[str, Any]) -> Actor:
    return Actor(
        actor_id=obj["actor_id"],
        name=obj["name"],
        description=obj.get("description", ""),
        aliases=tuple(Alias(a["name"], a["origin"]) for a in obj.get("aliases", [])),
        match=tuple(obj.get("match", [])),
        galaxy_value=obj.get("galaxy_value", ""),
        galaxy_uuid=obj.get("galaxy_uuid", ""),
        attack_id=obj.get("attack_id", ""),
        attack_stix_id=obj.get("attack_stix_id", ""),
        parent=obj.get("parent", ""),
        refs=tuple(obj.get("refs", [])),
        software=tuple(
            Software(s["name"], s["attack_id"], s["kind"]) for s in obj.get("software", [])
        ),
        sanctions_names=tuple(obj.get("sanctions_names", [])),
    )


def actor_to_json(actor: Actor) -> dict[str, Any]:
    return {
        "actor_id": actor.actor_id,
        "name": actor.name,
        "description": actor.description,
        "aliases": [{"name": a.name, "origin": a.origin} for a in actor.aliases],
        "match": list(actor.match),
        "galaxy_value": actor.galaxy_value,
        "galaxy_uuid": actor.galaxy_uuid,
        "attack_id": actor.attack_id,
        "attack_stix_id": actor.attack_stix_id,
        "parent": actor.parent,
        "refs": list(actor.refs),
        "software": [
            {"name": s.name, "attack_id": s.attack_id, "kind": s.kind} for s in actor.software
        ],
        "sanctions_names": list(actor.sanctions_names),
    }


def resolve_actors(attribution: str, actors: Iterable[Actor]) -> tuple[str, ...]:
    """Actor ids named in ``attribution``; the catch-all DPRK actor only if nothing else matches."""
    text = attribution.casefold()
    found: list[str] = []
    fallback: list[str] = []
    for actor in actors:
        if any(phrase in text for phrase in actor.match):
            (fallback if actor.actor_id == "dprk-unattributed" else found).append(actor.actor_id)
    return tuple(found or fallback)


def with_actors(incidents: Iterable[Incident], actors: tuple[Actor, ...]) -> tuple[Incident, ...]:
    return tuple(replace(i, actor_ids=resolve_actors(i.attribution, actors)) for i in incidents)


def _dict_rows(text: str, origin: str) -> list[dict[str, Any]]:
    """Every row of a CSV table; a malformed one (a bare carriage return inside an unquoted
    field, found by fuzzing) is one UserError naming its line."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        return list(reader)
    except csv.Error as exc:
        raise UserError(f"bad CSV: {exc}", where=f"{origin}:{reader.line_num}") from None


def parse_csv_tables(
    incidents_csv: str,
    addresses_csv: str | None,
    statistics_csv: str | None,
    *,
    origin: str,
    known_incidents: set[str] | None = None,
) -> tuple[list[Incident], list[Any], list[Any]]:
    """Parse the three CSV tables (any may be empty), checking ids and references."""
    rows = _dict_rows(incidents_csv, origin) if incidents_csv else []
    incidents = [incident_from_row(r, f"{origin}:{n + 2}") for n, r in enumerate(rows)]
    check_unique(
        ((i.incident_id, f"{origin}:{n + 2}") for n, i in enumerate(incidents)), "incident"
    )
    known = {i.incident_id for i in incidents} | (known_incidents or set())
    addresses = []
    if addresses_csv:
        for n, r in enumerate(_dict_rows(addresses_csv, origin)):
            addresses.append(address_from_row(r, f"{origin}:{n + 2}", known))
    statistics = []
    if statistics_csv:
        statistics = [
            statistic_from_row(r, f"{origin}:{n + 2}")
            for n, r in enumerate(_dict_rows(statistics_csv, origin))
        ]
        check_unique(
            ((s.statistic_id, f"{origin}:{n + 2}") for n, s in enumerate(statistics)), "statistic"
        )
    return incidents, addresses, statistics


def load_bundled() -> Dataset:
    """The curated dataset exactly as shipped, validated by the same rules as imports."""
    actors = tuple(actor_from_json(a) for a in json.loads(_read("actors.json"))["actors"])
    incidents, addresses, statistics = parse_csv_tables(
        _read("incidents.csv"),
        _read("incident_addresses.csv"),
        _read("reported_statistics.csv"),
        origin="bundled",
    )
    return Dataset(
        incidents=with_actors(incidents, actors),
        addresses=tuple(addresses),
        statistics=tuple(statistics),
        actors=actors,
    )
