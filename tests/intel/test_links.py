"""Links to sanctions designations: Lazarus Group's OFAC entry and its supporters."""

from __future__ import annotations

from nkwatch.intel.links import active_parties, addresses_index, link_parties
from nkwatch.intel.model import Dataset
from nkwatch.sanctions.model import CryptoAddress, Party, PartyName, Relationship, Schema
from nkwatch.store import Store

LAZARUS_ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"


def _parties() -> tuple[list[Party], list[Relationship]]:
    lazarus = Party(
        "ofac-27307",
        "us_ofac_sdn",
        Schema.ORGANIZATION,
        (PartyName("LAZARUS GROUP"),),
        programs=("DPRK3",),
        crypto_addresses=(CryptoAddress("ETH", LAZARUS_ETH),),
    )
    tian = Party(
        "ofac-28263",
        "us_ofac_sdn",
        Schema.PERSON,
        (PartyName("TIAN, Yinyin"),),
        crypto_addresses=(CryptoAddress("XBT", "134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak"),),
    )
    other = Party("ofac-1", "us_ofac_sdn", Schema.PERSON, (PartyName("Someone Else"),))
    rels = [
        Relationship("ofac-28263", "ofac-27307", "Providing support to"),
        Relationship("ofac-1", "ofac-28263", "Associate Of"),
    ]
    return [lazarus, tian, other], rels


def test_lazarus_designation_and_supporters(bundled: Dataset) -> None:
    parties, rels = _parties()
    links = link_parties(bundled.actors, parties, rels)
    assert [(lk.entity_id, lk.relation) for lk in links] == [
        ("ofac-27307", "designated as"),
        ("ofac-28263", "Providing support to"),
    ]
    assert all(lk.actor_id == "lazarus-group" for lk in links)
    index = addresses_index(links)
    assert index[LAZARUS_ETH.lower()][0].caption == "LAZARUS GROUP"
    # the bundled intel already holds the same OFAC addresses under the Ronin incident
    ronin = {a.key for a in bundled.addresses if a.incident_id == "2022-03-23-ronin-bridge"}
    assert LAZARUS_ETH.lower() in ronin


def test_no_list_imported_says_so(store: Store) -> None:
    parties, rels, note = active_parties(store)
    assert parties == [] and rels == []
    assert note is not None and "no sanctions list imported" in note
