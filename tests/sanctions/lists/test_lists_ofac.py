"""OFAC SDN advanced XML, checked against the real 2024 and 2025 issues."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from nkwatch.errors import UserError
from nkwatch.sanctions.model import ListDocument, NameKind, Party, Schema
from nkwatch.sanctions.ofac import date_range_iso
from nkwatch.sanctions.parsers import parse_list

pytestmark = pytest.mark.slow  # parses the full OFAC file(s)

LAZARUS = "ofac-27307"


def _by_caption(doc: ListDocument, caption: str) -> Party:
    found = [p for p in doc.parties if p.caption == caption]
    assert len(found) == 1, f"{caption}: {len(found)} parties"
    return found[0]


def _distinct_addresses(doc: ListDocument) -> int:
    return len({(c.currency, c.address) for p in doc.parties for c in p.crypto_addresses})


def test_2025_issue_counts_date_and_hash(ofac_2025: ListDocument) -> None:
    assert ofac_2025.list_id == "us_ofac_sdn"
    assert ofac_2025.published == date(2025, 11, 19)
    assert len(ofac_2025.parties) == 18_367
    assert _distinct_addresses(ofac_2025) == 758
    # sha256 of the uncompressed XML, as published upstream (sdn_advanced_checksum.txt)
    assert ofac_2025.sha256.startswith("36c517bd") and ofac_2025.sha256.endswith("3117")
    assert len({p.entity_id for p in ofac_2025.parties}) == len(ofac_2025.parties)
    schemas = Counter(p.schema for p in ofac_2025.parties)
    assert set(schemas) == set(Schema)  # individuals, entities, vessels and aircraft
    assert schemas[Schema.VESSEL] > 1000 and schemas[Schema.AIRCRAFT] > 100


def test_2024_issue_counts(ofac_2024: ListDocument) -> None:
    assert ofac_2024.published == date(2024, 5, 28)
    assert len(ofac_2024.parties) == 14_984
    assert _distinct_addresses(ofac_2024) == 649
    assert ofac_2024.sha256.startswith("b6e13caa") and ofac_2024.sha256.endswith("bdc")


def test_every_party_has_a_program_and_a_latin_primary_name(ofac_2025: ListDocument) -> None:
    for party in ofac_2025.parties:
        assert party.programs, party.entity_id
        assert party.names[0].kind is NameKind.PRIMARY and party.names[0].script == "Latn"


def test_lazarus_group_addresses_aliases_and_supporters(ofac_2025: ListDocument) -> None:
    lazarus = _by_caption(ofac_2025, "Lazarus Group")
    assert lazarus.entity_id == LAZARUS
    assert lazarus.programs == ("DPRK3",)
    eth = {c.address.lower() for c in lazarus.crypto_addresses if c.currency == "ETH"}
    assert len(eth) == 8
    assert "0x098b716b8aaf21512996dc57eb0615e2383e2f96" in eth
    assert "0x08723392ed15743cc38513c4925f5e6be5c17243" in eth
    hidden_cobra = next(n for n in lazarus.names if n.value == "Hidden Cobra")
    assert hidden_cobra.kind is NameKind.AKA and hidden_cobra.weak
    assert "KP" in lazarus.countries
    supporters = {r.source_id: r.kind for r in ofac_2025.relationships if r.target_id == LAZARUS}
    by_id = {p.entity_id: p for p in ofac_2025.parties}
    names = {by_id[s].caption: kind for s, kind in supporters.items()}
    assert names["Tian Yinyin"] == "Providing support to"
    assert names["Li Jiadong"] == "Providing support to"


def test_relationships_point_at_parties_of_the_same_issue(ofac_2025: ListDocument) -> None:
    ids = {p.entity_id for p in ofac_2025.parties}
    kinds = Counter(r.kind for r in ofac_2025.relationships)
    assert len(ofac_2025.relationships) > 8000
    assert {"Owned or Controlled By", "Providing support to", "Associate Of"} <= set(kinds)
    assert all(r.source_id in ids and r.target_id in ids for r in ofac_2025.relationships)


def test_kim_jong_un(ofac_2025: ListDocument) -> None:
    kim = _by_caption(ofac_2025, "Kim Jong Un")  # surname first, as OFAC orders the parts
    assert kim.schema is Schema.PERSON
    assert kim.birth_dates == ("1984-01-08",)
    assert kim.programs == ("DPRK3",)
    assert kim.listed_on == "2016-07-06"
    assert ("Title", "Chairman of the Workers' Party of Korea") in kim.properties
    # The 2025-11-19 issue publishes no Hangul name for him (only "Kim Jong Un").
    assert [n.script for n in kim.names] == ["Latn"]


def test_hangul_and_chinese_names_carry_their_script(ofac_2025: ListDocument) -> None:
    jong = _by_caption(ofac_2025, "Jong Song Hwa")
    assert ("정성화", "Hang") in {(n.value, n.script) for n in jong.names}
    silverstar = _by_caption(ofac_2025, "Yanbian Silverstar Network Technology Co., Ltd.")
    scripts = {n.value: n.script for n in silverstar.names}
    assert scripts["延边银星网络科技有限公司"] == "Hans"
    assert scripts["은성인터네트기술회사"] == "Hang"
    tian = _by_caption(ofac_2025, "Tian Yinyin")
    assert ("田寅寅", "Hans") in {(n.value, n.script) for n in tian.names}
    counts = Counter(n.script for p in ofac_2025.parties for n in p.names)
    assert counts["Cyrl"] > 1000 and counts["Hang"] > 20 and counts["Arab"] > 500


def test_sim_hyon_sop_programs_and_evm_addresses(ofac_2025: ListDocument) -> None:
    sim = _by_caption(ofac_2025, "Sim Hyon Sop")
    assert sim.programs == ("NPWMD",)
    assert {c.currency for c in sim.crypto_addresses} == {"ETH", "ARB", "BSC"}
    assert sim.birth_dates == ("1983-11-25",)
    assert "KP" in sim.countries  # born in Pyongyang
    assert any(i.kind == "Passport" and i.country == "KP" for i in sim.identifiers)


def test_dprk_vessel_has_imo_and_flag(ofac_2025: ListDocument) -> None:
    ship = _by_caption(ofac_2025, "Chong Chon Gang")
    assert ship.schema is Schema.VESSEL
    assert [i.value for i in ship.identifiers if i.kind == "IMO"] == ["7937317"]
    assert "KP" in ship.countries
    assert ("VESSEL TYPE", "General Cargo") in ship.properties
    dprk_ships = [
        p
        for p in ofac_2025.parties
        if p.schema is Schema.VESSEL and "KP" in p.countries and p.dprk_program
    ]
    assert len(dprk_ships) > 50


def test_name_kinds_and_weak_aliases_are_kept(ofac_2025: ListDocument) -> None:
    kinds = Counter(n.kind for p in ofac_2025.parties for n in p.names)
    assert kinds[NameKind.FKA] > 100 and kinds[NameKind.AKA] > 10_000
    assert sum(n.weak for p in ofac_2025.parties for n in p.names) > 1000


def test_date_periods_keep_their_precision() -> None:
    assert date_range_iso(date(1984, 1, 8), date(1984, 1, 8)) == ["1984-01-08"]
    assert date_range_iso(date(1955, 1, 1), date(1955, 12, 31)) == ["1955"]
    assert date_range_iso(date(1955, 1, 1), date(1957, 12, 31)) == ["1955", "1956", "1957"]
    assert date_range_iso(date(1960, 2, 1), date(1960, 2, 29)) == ["1960-02"]
    assert date_range_iso(date(1940, 1, 1), date(1970, 12, 31)) == ["1940", "1970"]
    assert date_range_iso(date(1960, 3, 5), date(1961, 7, 9)) == ["1960-03-05", "1961-07-09"]


def test_year_only_birth_dates_are_partial(ofac_2025: ListDocument) -> None:
    dates = {d for p in ofac_2025.parties for d in p.birth_dates}
    assert any(len(d) == 4 for d in dates)
    assert all(len(d) in (4, 7, 10) for d in dates)


def test_a_namespace_uri_with_a_closing_brace_is_refused_by_name(tmp_path: Path) -> None:
    """Found by fuzzing: ``xmlns="…A}B@C…"`` made every child lookup an invalid element
    path (``KeyError: '@'`` from lxml) instead of a one-line refusal."""
    ns = "https://sanctionslistservice.ofac.treas.gov/A}B@C_XML"
    path = tmp_path / "sdn.xml"
    path.write_text(
        f'<?xml version="1.0"?><Sanctions xmlns="{ns}"><DateOfIssue><Year>2026</Year>'
        "</DateOfIssue></Sanctions>"
    )
    with pytest.raises(UserError, match=r"XML namespace '.*A}B@C_XML' is not a URI"):
        parse_list(path)
