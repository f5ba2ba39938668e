"""OFAC advanced XML rules on a small hand-built file (fast; every branch visible)."""

from __future__ import annotations

import bz2
import gzip
from datetime import date
from pathlib import Path

import pytest

from nkwatch.sanctions.model import NameKind, Schema
from nkwatch.sanctions.parsers import parse_list

NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"


def _name(*parts: tuple[str, str]) -> str:
    inner = "".join(
        f'<DocumentedNamePart><NamePartValue ScriptID="{s}">{v}</NamePartValue></DocumentedNamePart>'
        for s, v in parts
    )
    return f"<DocumentedName>{inner}</DocumentedName>"


def _period(year: int) -> str:
    return (
        f"<DatePeriod><Start><From><Year>{year}</Year><Month>1</Month><Day>1</Day></From></Start>"
        f"<End><To><Year>{year}</Year><Month>12</Month><Day>31</Day></To></End></DatePeriod>"
    )


def ofac_xml(list_id: str = "1550") -> str:
    person = (
        '<DistinctParty FixedRef="1"><Comment/><Profile ID="1" PartySubTypeID="4">'
        '<Identity ID="100"><Alias AliasTypeID="1403" LowQuality="false">'
        + _name(("215", "PAK"), ("215", "Jin Hyok"))
        + _name(("287", "박"), ("287", "진혁"))
        + '</Alias><Alias AliasTypeID="1400" LowQuality="true">'
        + _name(("215", "Ri Jin Hyok"))
        + "</Alias></Identity>"
        f'<Feature FeatureTypeID="8"><FeatureVersion ReliabilityID="1">{_period(1984)}</FeatureVersion></Feature>'
        f'<Feature FeatureTypeID="8"><FeatureVersion ReliabilityID="1561">{_period(1999)}</FeatureVersion></Feature>'
        '<Feature FeatureTypeID="10"><FeatureVersion ReliabilityID="1"><VersionLocation LocationID="1"/></FeatureVersion></Feature>'
        '<Feature FeatureTypeID="25"><FeatureVersion ReliabilityID="1"><VersionLocation LocationID="2"/></FeatureVersion></Feature>'
        '<Feature FeatureTypeID="345"><FeatureVersion ReliabilityID="1"><VersionDetail DetailTypeID="1432">'
        "0xA7e5d5A720f06526557c513402f2e6B5fA20b008</VersionDetail></FeatureVersion></Feature>"
        "</Profile></DistinctParty>"
    )
    company = (
        '<DistinctParty FixedRef="2"><Profile ID="2" PartySubTypeID="3"><Identity ID="200">'
        '<Alias AliasTypeID="1403" LowQuality="false">'
        + _name(("215", "Chosun Expo"))
        + "</Alias></Identity></Profile></DistinctParty>"
    )

    def entry(profile: str, *programs: str) -> str:
        measures = "".join(
            f'<SanctionsMeasure SanctionsTypeID="1"><Comment>{p}</Comment></SanctionsMeasure>'
            for p in programs
        )
        return (
            f'<SanctionsEntry ProfileID="{profile}" ListID="{list_id}"><EntryEvent><Date>'
            "<Year>2018</Year><Month>9</Month><Day>6</Day></Date></EntryEvent>"
            '<SanctionsMeasure SanctionsTypeID="1705"><Comment/></SanctionsMeasure>'
            f"{measures}</SanctionsEntry>"
        )

    return f"""<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns="{NS}">
<DateOfIssue><Year>2026</Year><Month>1</Month><Day>2</Day></DateOfIssue>
<ReferenceValueSets>
<AliasTypeValues><AliasType ID="1400">A.K.A.</AliasType><AliasType ID="1403">Name</AliasType></AliasTypeValues>
<CountryValues><Country ID="11" ISO2="KP">Korea, North</Country><Country ID="12">Kosovo</Country></CountryValues>
<FeatureTypeValues><FeatureType ID="8">Birthdate</FeatureType><FeatureType ID="10">Nationality Country</FeatureType>
<FeatureType ID="25">Location</FeatureType><FeatureType ID="345">Digital Currency Address - ETH</FeatureType></FeatureTypeValues>
<IDRegDocTypeValues><IDRegDocType ID="1571">Passport</IDRegDocType></IDRegDocTypeValues>
<ListValues><List ID="1550">SDN List</List><List ID="91512">Consolidated List</List></ListValues>
<PartySubTypeValues><PartySubType ID="3" PartyTypeID="2">Unknown</PartySubType><PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType></PartySubTypeValues>
<PartyTypeValues><PartyType ID="1">Individual</PartyType><PartyType ID="2">Entity</PartyType></PartyTypeValues>
<RelationTypeValues><RelationType ID="15001">Providing support to</RelationType></RelationTypeValues>
<ReliabilityValues><Reliability ID="1">Unknown</Reliability><Reliability ID="1561">False</Reliability></ReliabilityValues>
<SanctionsTypeValues><SanctionsType ID="1">Program</SanctionsType><SanctionsType ID="1705">Block</SanctionsType></SanctionsTypeValues>
<ScriptValues><Script ID="215" ScriptCode="Latin">Latin</Script><Script ID="287" ScriptCode="Korean">Korean</Script></ScriptValues>
</ReferenceValueSets>
<Locations><Location ID="1"><LocationCountry CountryID="11"/></Location>
<Location ID="2"><LocationCountry CountryID="12"/><LocationPart><LocationPartValue><Value>Pristina</Value></LocationPartValue></LocationPart></Location></Locations>
<IDRegDocuments><IDRegDocument ID="1" IDRegDocTypeID="1571" IdentityID="100" IssuedBy-CountryID="11"><IDRegistrationNo>P123</IDRegistrationNo></IDRegDocument></IDRegDocuments>
<DistinctParties>{person}{company}</DistinctParties>
<ProfileRelationships><ProfileRelationship From-ProfileID="1" To-ProfileID="2" RelationTypeID="15001" Former="true"/>
<ProfileRelationship From-ProfileID="1" To-ProfileID="99" RelationTypeID="15001" Former="false"/></ProfileRelationships>
<SanctionsEntries>{entry("1", "DPRK3", "CYBER2")}{entry("2", "DPRK")}</SanctionsEntries>
</Sanctions>
"""


def test_every_rule_on_a_small_file(tmp_path: Path) -> None:
    path = tmp_path / "sdn_advanced.xml"
    path.write_text(ofac_xml(), "utf-8")
    doc = parse_list(path)
    assert (doc.list_id, doc.published) == ("us_ofac_sdn", date(2026, 1, 2))
    pak, expo = doc.parties
    assert pak.entity_id == "ofac-1" and pak.schema is Schema.PERSON
    assert expo.schema is Schema.ORGANIZATION and expo.caption == "Chosun Expo"
    names = [(n.value, n.script, n.kind, n.weak) for n in pak.names]
    assert names == [
        ("PAK Jin Hyok", "Latn", NameKind.PRIMARY, False),  # parts in published order
        ("박진혁", "Hang", NameKind.PRIMARY, False),  # "Korean" refined; no space in CJK
        ("Ri Jin Hyok", "Latn", NameKind.AKA, True),  # LowQuality -> weak
    ]
    assert pak.birth_dates == ("1984",)  # the "False"-reliability 1999 version is dropped
    assert pak.nationalities == ("KP",)
    assert [(a.text, a.country) for a in pak.addresses] == [("Pristina, Kosovo", "XK")]
    assert [(i.kind, i.value, i.country) for i in pak.identifiers] == [("Passport", "P123", "KP")]
    assert [(c.currency, c.address) for c in pak.crypto_addresses] == [
        ("ETH", "0xA7e5d5A720f06526557c513402f2e6B5fA20b008")
    ]
    assert pak.programs == ("DPRK3", "CYBER2") and pak.listed_on == "2018-09-06"
    # Relationship to an unknown profile is dropped; a former one says so.
    assert [(r.source_id, r.target_id, r.kind) for r in doc.relationships] == [
        ("ofac-1", "ofac-2", "Providing support to (former)")
    ]


def test_consolidated_non_sdn_file_gets_its_own_list_id(tmp_path: Path) -> None:
    path = tmp_path / "cons_advanced.xml"
    path.write_text(ofac_xml(list_id="91512"), "utf-8")
    doc = parse_list(path)
    assert doc.list_id == "us_ofac_consolidated"
    assert {p.list_id for p in doc.parties} == {"us_ofac_consolidated"}


@pytest.mark.parametrize("compress", [bz2.compress, gzip.compress])
def test_compressed_copies_parse_identically(tmp_path: Path, compress: object) -> None:
    plain = tmp_path / "a.xml"
    plain.write_text(ofac_xml(), "utf-8")
    packed = tmp_path / "renamed.dat"  # the name says nothing; the magic bytes do
    packed.write_bytes(compress(plain.read_bytes()))  # type: ignore[operator]
    a, b = parse_list(plain), parse_list(packed)
    assert a.parties == b.parties and a.relationships == b.relationships
    assert a.sha256 == b.sha256  # hash of the uncompressed XML
    assert a.source_sha256 != b.source_sha256  # hash of the file as stored
