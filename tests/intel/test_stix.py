"""STIX 2.1: zero validator errors, round-trip through the store, strict import checks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from stix2validator import ValidationOptions, validate_string

from nkwatch.errors import UserError
from nkwatch.intel.model import Dataset
from nkwatch.intel.repository import Batch, load_dataset, save
from nkwatch.intel.stix.export import canonical, to_bundle
from nkwatch.intel.stix.extensions import PROPS_EXT, WALLET_EXT
from nkwatch.intel.stix.importer import parse_bundle
from nkwatch.store import Store


@pytest.fixture(scope="module")
def exported(bundled: Dataset) -> str:
    return str(to_bundle(bundled).serialize())


def _objects(text: str) -> list[dict[str, Any]]:
    return list(json.loads(text)["objects"])


@pytest.mark.slow
def test_export_passes_stix2_validator_with_zero_errors(exported: str) -> None:
    """The whole bundled dataset (~2,800 objects): 20-50 s, the validator is slow."""
    results = validate_string(exported, ValidationOptions(version="2.1"))
    assert [str(e) for e in results.errors] == []
    assert results.is_valid


def test_export_has_the_objects_and_relationships_the_field_uses(
    exported: str, bundled: Dataset
) -> None:
    objects = _objects(exported)
    kinds = {o["type"] for o in objects}
    assert {
        "intrusion-set",
        "threat-actor",
        "malware",
        "incident",
        "report",
        "identity",
        "relationship",
        "indicator",
        "cryptocurrency-wallet",
        "extension-definition",
    } <= kinds
    rel_types = {o["relationship_type"] for o in objects if o["type"] == "relationship"}
    assert {"attributed-to", "uses", "targets", "indicates"} <= rel_types
    wallet_ext = next(o for o in objects if o["id"] == WALLET_EXT)
    assert wallet_ext["extension_types"] == ["new-sco"]
    wallets = [o for o in objects if o["type"] == "cryptocurrency-wallet"]
    assert all(o["extensions"][WALLET_EXT]["extension_type"] == "new-sco" for o in wallets)
    assert len({(o["value"], o["chain"]) for o in wallets}) == len(wallets)
    dmm = next(
        o
        for o in objects
        if o["type"] == "incident"
        and o["extensions"][PROPS_EXT]["nkwatch_id"] == "2024-05-31-dmm-bitcoin"
    )
    assert dmm["extensions"][PROPS_EXT]["amount_usd"] == "308000000"
    report = next(o for o in objects if o["type"] == "report" and dmm["id"] in o["object_refs"])
    assert any("fbi.gov" in r.get("url", "") for r in report["external_references"])
    lazarus = next(
        o for o in objects if o["type"] == "intrusion-set" and o["name"] == "Lazarus Group"
    )
    assert {
        "source_name": "mitre-attack",
        "external_id": "G0032",
        "url": "https://attack.mitre.org/groups/G0032/",
    } in lazarus["external_references"]
    assert len([o for o in objects if o["type"] == "incident"]) == len(bundled.incidents)


def test_round_trip_export_import_export_is_identical(exported: str, store: Store) -> None:
    incidents, addresses, actors = parse_bundle(json.loads(exported), "bundle.json", set())
    save(
        store,
        Batch("bundle.json", tuple(incidents), tuple(addresses), (), tuple(actors)),
        changed_by="t",
    )
    again = to_bundle(load_dataset(store)).serialize()
    assert canonical(again) == canonical(exported)


def test_foreign_bundle_maps_standard_properties(foreign_bundle: dict[str, Any]) -> None:
    incidents, addresses, actors = parse_bundle(foreign_bundle, "partner.json", set())
    assert actors == []
    (incident,) = incidents
    assert incident.incident_id == "2025-02-27-example-exchange"
    assert incident.victim == "Example Exchange" and incident.attribution == "TraderTraitor"
    assert incident.sources == ("https://example.org/advisory/1",)
    (address,) = addresses
    assert address.incident_id == incident.incident_id and address.chain == "ETH"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda b: b["objects"].append(
                {
                    "type": "x-unknown-thing",
                    "id": "x-unknown-thing--7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e05",
                }
            ),
            "unknown STIX object type 'x-unknown-thing'",
        ),
        (
            lambda b: b["objects"][3].update(
                target_ref="identity--00000000-0000-4000-8000-000000000000"
            ),
            "broken reference",
        ),
        (
            lambda b: b["objects"].append(
                dict(
                    b["objects"][0],
                    id="incident--9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a26",
                    name="Example Exchange",
                )
            ),
            "duplicate incident id '2025-02-27-example-exchange'",
        ),
        (lambda b: b.update(type="report"), "not a STIX 2.1 bundle"),
    ],
)
def test_bad_bundles_are_refused_naming_the_object(
    mutate: Any, message: str, foreign_bundle: dict[str, Any]
) -> None:
    bundle = foreign_bundle
    mutate(bundle)
    with pytest.raises(UserError) as err:
        parse_bundle(bundle, "partner.json", set())
    assert message in err.value.message
    assert err.value.where == "partner.json"


def test_opencti_shape_wallet_related_to_incident(foreign_bundle: dict[str, Any]) -> None:
    """OpenCTI relates Cryptocurrency-Wallet observables to incidents and ships its own types."""
    wallet = {
        "type": "cryptocurrency-wallet",
        "spec_version": "2.1",
        "id": "cryptocurrency-wallet--8d9e0f1a-2b3c-5d4e-9f5a-6b7c8d9e0f17",
        "value": "TNVaKWQzau7xL9bcnvLmF9KSEQkWEs4Ug8",
        "description": "laundering wallet per partner",
        "extensions": {
            "extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82": {
                "extension_type": "new-sco"
            }
        },
    }
    case = {
        "type": "case-incident",
        "spec_version": "2.1",
        "id": "case-incident--9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a28",
        "name": "response case",
    }
    rel = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": "relationship--0f1a2b3c-4d5e-4f6a-9b7c-8d9e0f1a2b39",
        "created": "2025-03-01T00:00:00.000Z",
        "modified": "2025-03-01T00:00:00.000Z",
        "relationship_type": "related-to",
        "source_ref": wallet["id"],
        "target_ref": "incident--0b0d5c55-8c4e-4a0e-9b0e-3c1f8b6b2a11",
    }
    foreign_bundle["objects"] += [wallet, case, rel]
    _, addresses, _ = parse_bundle(foreign_bundle, "opencti.json", set())
    tron = next(a for a in addresses if a.chain == "TRX")
    assert tron.address == wallet["value"] and tron.source == "laundering wallet per partner"
