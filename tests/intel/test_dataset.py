"""The bundled dataset: complete, sourced, resolved to actors, and stored faithfully."""

from __future__ import annotations

from pathlib import Path

from nkwatch.intel.dataset import load_bundled, resolve_actors
from nkwatch.intel.model import Dataset
from nkwatch.intel.repository import Batch, ensure_bundled, load_dataset, save
from nkwatch.store import Store

DATA = Path(__file__).resolve().parents[2] / "src" / "nkwatch" / "data" / "intel"


def test_bundled_matches_the_shared_pack(shared_data: Path) -> None:
    for name in ("incidents.csv", "incident_addresses.csv", "reported_statistics.csv"):
        assert (DATA / name).read_bytes() == (shared_data / "intel" / name).read_bytes(), name


def test_every_row_keeps_sources(bundled: Dataset) -> None:
    assert len(bundled.incidents) == 151 and len(bundled.addresses) == 402
    assert all(i.sources for i in bundled.incidents)
    assert all(a.source for a in bundled.addresses)
    assert all(s.source and s.publisher for s in bundled.statistics)


def test_actor_aliases_come_from_galaxy_and_attack(bundled: Dataset) -> None:
    lazarus = bundled.actor("lazarus-group")
    assert lazarus is not None
    assert lazarus.galaxy_uuid == "68391641-859f-4a9a-9a1e-3e5cf71ec376"
    assert lazarus.attack_id == "G0032"
    origins = {a.origin for a in lazarus.aliases}
    assert {"misp-galaxy", "mitre-attack"} <= origins
    tt = bundled.actor("tradertraitor")
    assert tt is not None and {"Jade Sleet", "UNC4899"} <= {a.name for a in tt.aliases}
    apt38 = bundled.actor("apt38")
    assert apt38 is not None and "Bluenoroff" in {a.name for a in apt38.aliases}
    assert any(s.attack_id.startswith("S") for s in apt38.software)


def test_attribution_text_resolves_most_specific_first(bundled: Dataset) -> None:
    actors = bundled.actors
    assert resolve_actors("TraderTraitor; Lazarus Group (APT38)", actors)[0] == "tradertraitor"
    assert resolve_actors("Lazarus Group", actors) == ("lazarus-group",)
    assert resolve_actors("DPRK cyber actors", actors) == ("dprk-unattributed",)
    assert resolve_actors("unknown crew", actors) == ()


def test_store_round_trip_and_idempotent_bundle(store: Store) -> None:
    assert ensure_bundled(store) is True
    assert ensure_bundled(store) is False
    stored = load_dataset(store)
    fresh = load_bundled()
    assert {i.incident_id: i for i in stored.incidents} == {
        i.incident_id: i for i in fresh.incidents
    }
    assert set(stored.addresses) == set(fresh.addresses)
    assert set(stored.statistics) == set(fresh.statistics)
    again = save(store, Batch("again", fresh.incidents), changed_by="tester")
    assert again.inserted == {} and again.unchanged == {"incident": 151}


def test_actors_json_is_reproducible_from_the_catalogue_packages() -> None:
    """actors.json is generated, not hand-edited: re-running the curation gives the same."""
    import json

    from nkwatch.intel.curate import build_actors

    shipped = json.loads((DATA / "actors.json").read_text("utf-8"))
    assert json.loads(json.dumps(build_actors(), sort_keys=True)) == shipped
