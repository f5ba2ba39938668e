"""MISP: one event per incident, coin-address objects, galaxy tags; PyMISP loads each."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from pymisp import MISPEvent

from nkwatch.errors import UserError
from nkwatch.intel.misp import parse_misp, to_misp
from nkwatch.intel.model import Dataset


@pytest.fixture(scope="module")
def doc(bundled: Dataset) -> dict[str, Any]:
    return json.loads(json.dumps(to_misp(bundled)))


def test_every_event_loads_in_pymisp(doc: dict[str, Any], bundled: Dataset) -> None:
    events = doc["response"]
    assert len(events) == len(bundled.incidents)
    for raw in events:
        event = MISPEvent()
        event.load(json.dumps(raw))
        assert event.info.startswith("DPRK crypto theft:")


def test_bybit_event_has_coin_addresses_and_galaxy_tag(
    doc: dict[str, Any], bundled: Dataset
) -> None:
    wanted = 'nkwatch:incident-id="2025-02-21-bybit"'
    raw = next(e for e in doc["response"] if any(t["name"] == wanted for t in e["Event"]["Tag"]))
    event = MISPEvent()
    event.load(json.dumps(raw))
    tags = {t.name for t in event.tags}
    assert 'misp-galaxy:threat-actor="TraderTraitor"' in tags
    coins = [o for o in event.objects if o.name == "coin-address"]
    expected = [a for a in bundled.addresses if a.incident_id == "2025-02-21-bybit"]
    assert len(coins) == len(expected) > 50
    symbols = {a.value for o in coins for a in o.attributes if a.object_relation == "symbol"}
    assert symbols == {a.chain for a in expected}
    assert event.date.isoformat() == "2025-02-21"


def test_misp_import_restores_incidents_and_addresses(
    doc: dict[str, Any], bundled: Dataset
) -> None:
    incidents, addresses = parse_misp(doc, "events.json", set())
    assert {i.incident_id: i for i in incidents} == {
        i.incident_id: replace(i, actor_ids=()) for i in bundled.incidents
    }
    assert set(addresses) == set(bundled.addresses)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"response": ["not an event"]}, "MISP item #0 is not an object"),
        ({"Event": {"uuid": "x"}}, "MISP item #0 is not an event"),
        (
            [{"Event": {"info": "x", "date": "2024-01-01", "Object": "bad"}}],
            "MISP event #0 could not be loaded",
        ),
    ],
)
def test_wrong_shape_is_refused(doc: Any, message: str) -> None:
    with pytest.raises(UserError) as err:
        parse_misp(doc, "events.json", set())
    assert message in err.value.message and err.value.where == "events.json"


def test_foreign_event_comment_becomes_the_source(bundled: Dataset) -> None:
    event = {
        "Event": {
            "info": "Exchange hack linked to Lazarus",
            "date": "2025-06-01",
            "Tag": [{"name": 'misp-galaxy:threat-actor="Lazarus Group"'}],
            "Attribute": [
                {"type": "link", "category": "External analysis", "value": "https://example.org/x"}
            ],
            "Object": [
                {
                    "name": "coin-address",
                    "meta-category": "financial",
                    "description": "coin",
                    "template_uuid": "d0e6997e-78da-4815-a6a1-cfc1c1cb8a46",
                    "template_version": "4",
                    "comment": "Note: seen in partner report",
                    "Attribute": [
                        {
                            "object_relation": "address",
                            "type": "btc",
                            "value": "134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak",
                        },
                        {"object_relation": "symbol", "type": "text", "value": "BTC"},
                    ],
                }
            ],
        }
    }
    (incident,), (address,) = parse_misp(event, "partner.json", set())
    assert incident.attribution == "Lazarus Group" and incident.sources == (
        "https://example.org/x",
    )
    assert address.role.value == "other" and address.source == "Note: seen in partner report"
