"""UN Security Council consolidated list, checked against the real 2026-02-27 issue."""

from __future__ import annotations

from collections import Counter
from datetime import date

from nkwatch.sanctions.model import DPRK_PROGRAMS, ListDocument, NameKind, Party, Schema


def _party(doc: ListDocument, entity_id: str) -> Party:
    return next(p for p in doc.parties if p.entity_id == entity_id)


def test_counts_date_and_hash(un_doc: ListDocument) -> None:
    assert un_doc.list_id == "un_sc_consolidated"
    assert un_doc.published == date(2026, 2, 27)
    assert un_doc.sha256.startswith("66b392a4") and un_doc.sha256.endswith("c8bf")
    schemas = Counter(p.schema for p in un_doc.parties)
    assert schemas[Schema.PERSON] == 730
    assert schemas[Schema.ORGANIZATION] == 273
    dprk = [p for p in un_doc.parties if "UN-DPRK" in p.programs]
    assert len(dprk) == 155
    assert "UN-DPRK" in DPRK_PROGRAMS
    assert all(p.entity_id.startswith("un-KP") for p in dprk)


def test_dprk_individual(un_doc: ListDocument) -> None:
    ri = _party(un_doc, "un-KPi.033")
    assert ri.caption == "RI WON HO"
    assert ri.programs == ("UN-DPRK",)
    assert ri.nationalities == ("KP",)
    assert ri.birth_dates == ("1964-07-17",)
    assert ri.listed_on == "2016-11-30"
    assert [(i.kind, i.value) for i in ri.identifiers] == [("Passport", "381310014")]
    assert ri.remarks and "KOMID" in ri.remarks
    assert ("Designation", "DPRK Ministry of State Security Official") in ri.properties


def test_good_alias_is_strong(un_doc: ListDocument) -> None:
    jo = _party(un_doc, "un-KPi.034")
    alias = next(n for n in jo.names if n.value == "Cho Yong Chol")
    assert alias.kind is NameKind.AKA and not alias.weak


def test_low_quality_aliases_are_weak(un_doc: ListDocument) -> None:
    weak = [n for p in un_doc.parties for n in p.names if n.weak]
    assert len(weak) > 100
    assert all(n.kind is not NameKind.PRIMARY for n in weak)


def test_original_script_names_get_a_detected_script(un_doc: ListDocument) -> None:
    scripts = Counter(n.script for p in un_doc.parties for n in p.names)
    assert scripts["Arab"] > 300
    assert scripts["Cyrl"] > 0
    saddam = next(p for p in un_doc.parties if "صدام حسين التكريتي" in {n.value for n in p.names})
    assert saddam.entity_id.startswith("un-IQi")


def test_dprk_shipping_company_imo_from_comments(un_doc: ListDocument) -> None:
    # The UN keeps IMO numbers only in COMMENTS1 ("IMO number: 5936312.").
    achim = _party(un_doc, "un-KPe.061")
    assert achim.caption == "KOREA ACHIM SHIPPING CO"
    assert ("IMO", "5936312") in {(i.kind, i.value) for i in achim.identifiers}
    assert achim.countries == ("KP",)
    with_imo = [p for p in un_doc.parties if any(i.kind == "IMO" for i in p.identifiers)]
    assert len(with_imo) >= 14
    assert all(p.dprk_program for p in with_imo)


def test_birth_date_ranges_and_years(un_doc: ListDocument) -> None:
    dates = [d for p in un_doc.parties for d in p.birth_dates]
    assert any(len(d) == 4 for d in dates)  # YEAR / APPROXIMATELY
    assert all(len(d) in (4, 10) for d in dates)
