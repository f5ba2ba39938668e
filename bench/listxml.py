"""Small sanctions lists in the real formats, built from templates: an OFAC ``sdn_advanced``
XML (ADVANCED_XML schema, the shape of ``ofac_sdn_advanced_*.xml.bz2`` in the data pack) and
a UN consolidated XML (``sc-sanctions.xsd``, the shape of ``un_consolidated_*.xml.gz``).

Every text a page can show comes from a :class:`ListParty` and is XML-escaped here, so a
party may carry any string (the XSS sweep plants payloads; the crash sweep many parties).
Used by ``bench/crash.py`` (multi-list imports) and ``tests/hardening/test_list_xss.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

OFAC_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"


@dataclass(frozen=True)
class ListParty:
    ref: int  # OFAC FixedRef / UN DATAID (the UN reference number is derived from it)
    name: str
    aliases: tuple[str, ...] = ()
    remarks: str = ""
    programs: tuple[str, ...] = ("DPRK3",)
    address: str = ""  # a street line (OFAC location part, UN STREET)
    person: bool = True
    eth: str = ""  # an OFAC "Digital Currency Address - ETH" feature


def _t(value: str) -> str:
    return escape(value)


def _ofac_name(value: str) -> str:
    return (
        "<DocumentedName><DocumentedNamePart>"
        f'<NamePartValue ScriptID="215">{_t(value)}</NamePartValue>'
        "</DocumentedNamePart></DocumentedName>"
    )


def _ofac_party(p: ListParty) -> str:
    aliases = "".join(
        f'<Alias AliasTypeID="1400" LowQuality="false">{_ofac_name(a)}</Alias>' for a in p.aliases
    )
    location = ""
    if p.address:
        location = (
            '<Feature FeatureTypeID="25"><FeatureVersion ReliabilityID="1">'
            f'<VersionLocation LocationID="{p.ref}"/></FeatureVersion></Feature>'
        )
    if p.eth:
        location += (
            '<Feature FeatureTypeID="345"><FeatureVersion ReliabilityID="1">'
            f'<VersionDetail DetailTypeID="1432">{_t(p.eth)}</VersionDetail></FeatureVersion></Feature>'
        )
    return (
        f'<DistinctParty FixedRef="{p.ref}"><Comment>{_t(p.remarks)}</Comment>'
        f'<Profile ID="{p.ref}" PartySubTypeID="{4 if p.person else 3}">'
        f'<Identity ID="{p.ref}00"><Alias AliasTypeID="1403" LowQuality="false">'
        f"{_ofac_name(p.name)}</Alias>{aliases}</Identity>{location}</Profile></DistinctParty>"
    )


def _ofac_entry(p: ListParty, list_id: str) -> str:
    measures = "".join(
        f'<SanctionsMeasure SanctionsTypeID="1"><Comment>{_t(x)}</Comment></SanctionsMeasure>'
        for x in p.programs
    )
    return (
        f'<SanctionsEntry ProfileID="{p.ref}" ListID="{list_id}"><EntryEvent><Date>'
        "<Year>2018</Year><Month>9</Month><Day>6</Day></Date></EntryEvent>"
        f'<SanctionsMeasure SanctionsTypeID="1705"><Comment/></SanctionsMeasure>{measures}'
        "</SanctionsEntry>"
    )


def ofac_advanced(parties: Sequence[ListParty], issued: date, list_id: str = "1550") -> str:
    """An OFAC advanced XML publication of ``parties`` issued on ``issued``."""
    locations = "".join(
        f'<Location ID="{p.ref}"><LocationCountry CountryID="11"/><LocationPart>'
        f"<LocationPartValue><Value>{_t(p.address)}</Value></LocationPartValue></LocationPart>"
        "</Location>"
        for p in parties
        if p.address
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns="{OFAC_NS}">
<DateOfIssue><Year>{issued.year}</Year><Month>{issued.month}</Month><Day>{issued.day}</Day></DateOfIssue>
<ReferenceValueSets>
<AliasTypeValues><AliasType ID="1400">A.K.A.</AliasType><AliasType ID="1403">Name</AliasType></AliasTypeValues>
<CountryValues><Country ID="11" ISO2="KP">Korea, North</Country></CountryValues>
<FeatureTypeValues><FeatureType ID="25">Location</FeatureType><FeatureType ID="345">Digital Currency Address - ETH</FeatureType></FeatureTypeValues>
<ListValues><List ID="1550">SDN List</List><List ID="91512">Consolidated List</List></ListValues>
<PartySubTypeValues><PartySubType ID="3" PartyTypeID="2">Unknown</PartySubType><PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType></PartySubTypeValues>
<PartyTypeValues><PartyType ID="1">Individual</PartyType><PartyType ID="2">Entity</PartyType></PartyTypeValues>
<ReliabilityValues><Reliability ID="1">Unknown</Reliability></ReliabilityValues>
<SanctionsTypeValues><SanctionsType ID="1">Program</SanctionsType><SanctionsType ID="1705">Block</SanctionsType></SanctionsTypeValues>
<ScriptValues><Script ID="215" ScriptCode="Latin">Latin</Script></ScriptValues>
</ReferenceValueSets>
<Locations>{locations}</Locations>
<IDRegDocuments/>
<DistinctParties>{"".join(_ofac_party(p) for p in parties)}</DistinctParties>
<ProfileRelationships/>
<SanctionsEntries>{"".join(_ofac_entry(p, list_id) for p in parties)}</SanctionsEntries>
</Sanctions>
"""


def _un_party(p: ListParty) -> str:
    kind = "INDIVIDUAL" if p.person else "ENTITY"
    program = p.programs[0] if p.programs else "DPRK"
    aliases = "".join(
        f"<{kind}_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>{_t(a)}</ALIAS_NAME></{kind}_ALIAS>"
        for a in p.aliases
    )
    address = f"<STREET>{_t(p.address)}</STREET>" if p.address else ""
    return (
        f"<{kind}><DATAID>{p.ref}</DATAID><VERSIONNUM>1</VERSIONNUM>"
        f"<FIRST_NAME>{_t(p.name)}</FIRST_NAME><UN_LIST_TYPE>{_t(program)}</UN_LIST_TYPE>"
        f"<REFERENCE_NUMBER>KP{'i' if p.person else 'e'}.{p.ref}</REFERENCE_NUMBER>"
        f"<LISTED_ON>2017-08-05</LISTED_ON><COMMENTS1>{_t(p.remarks)}</COMMENTS1>"
        "<LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>"
        f"<LAST_DAY_UPDATED><VALUE>2020-01-01</VALUE></LAST_DAY_UPDATED>{aliases}"
        f"<{kind}_ADDRESS>{address}<COUNTRY>Democratic People's Republic of Korea</COUNTRY>"
        f"</{kind}_ADDRESS><SORT_KEY/><SORT_KEY_LAST_MOD/></{kind}>"
    )


def un_consolidated(parties: Sequence[ListParty], generated: date) -> str:
    """A UN consolidated XML publication of ``parties`` generated on ``generated``."""
    people = "".join(_un_party(p) for p in parties if p.person)
    entities = "".join(_un_party(p) for p in parties if not p.person)
    when = quoteattr(f"{generated.isoformat()}T00:00:00.000Z")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<CONSOLIDATED_LIST xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:noNamespaceSchemaLocation="https://www.un.org/sc/resources/sc-sanctions.xsd"'
        f" dateGenerated={when}><INDIVIDUALS>{people}</INDIVIDUALS>"
        f"<ENTITIES>{entities}</ENTITIES></CONSOLIDATED_LIST>\n"
    )


def generated_parties(first: int, n: int) -> list[ListParty]:
    """``n`` plain parties (people and every fourth an organisation) for bulk imports."""
    return [
        ListParty(
            ref=first + i,
            name=f"KIM {chr(65 + i % 26)}{chr(65 + i // 26 % 26)} SONG {i}"
            if i % 4
            else f"KORYO TRADING {i} CORPORATION",
            aliases=(f"RI {i} CHOL",) if i % 3 == 0 else (),
            remarks=f"Designated for the crash sweep ({i}).",
            programs=("DPRK3",) if i % 2 else ("DPRK", "CYBER2"),
            address=f"{i} Sosong Street, Pyongyang" if i % 5 == 0 else "",
            person=bool(i % 4),
        )
        for i in range(n)
    ]
