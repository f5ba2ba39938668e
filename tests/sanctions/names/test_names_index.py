"""NameIndex behaviour on hand-made parties: ranking, over-matching, weak aliases, explanations."""

from __future__ import annotations

import pytest

from nkwatch.errors import UserError
from nkwatch.sanctions.model import Identifier, Party, PartyName, Schema
from nkwatch.sanctions.names import DEFAULT_THRESHOLD, NameIndex, NameMatch, NameQuery, match_names
from nkwatch.sanctions.names.facts import WEAK_ALIAS_CAP


def _person(eid: str, *names: str, **kw: object) -> Party:
    return Party(eid, "test", Schema.PERSON, tuple(PartyName(n) for n in names), **kw)  # type: ignore[arg-type]


def _org(eid: str, *names: str) -> Party:
    return Party(eid, "test", Schema.ORGANIZATION, tuple(PartyName(n) for n in names))


@pytest.fixture(scope="module")
def index() -> NameIndex:
    parties = [
        _person("kju", "KIM Jong Un", nationalities=("KP",), birth_dates=("1984-01-08",)),
        _person("kjm", "KIM Jong Man", nationalities=("KP",)),
        _person("rps", "RI Pyong Chol", birth_dates=("1948",)),
        _person("pkh", "PAK Kyong Hui"),
        _person("cho", "CHOE Ryong Hae"),
        Party(
            "weak",
            "test",
            Schema.PERSON,
            (PartyName("Lee Sang Hoon"), PartyName("ALEX", weak=True)),
        ),
        _org("ysn", "Yanbian Silverstar Network Technology Co., Ltd."),
        _org("cms", "CHON MA SAN"),
        _org("kkb", "Korea Kwangson Banking Corp"),
        Party(
            "ves",
            "test",
            Schema.VESSEL,
            (PartyName("CHON MA SAN"),),
            identifiers=(Identifier("IMO", "8660313"),),
        ),
        _person("lav", "Sergey Viktorovich LAVROV"),
    ]
    return NameIndex.build(parties)


def _top(index: NameIndex, name: str, **kw: object) -> NameMatch:
    return index.search(NameQuery(name, **kw), limit=5)[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("김정은", "kju"),
        ("Kim Chŏng-ŭn", "kju"),
        ("Gim Jeong-eun", "kju"),
        ("KIM, Jong Un", "kju"),
        ("Kim Jongun", "kju"),
        ("Lee Byong Cheol", "rps"),
        ("리병철", "rps"),
        ("Park Kyung Hee", "pkh"),
        ("Choi Ryong Hae", "cho"),
        ("延边银星网络科技有限公司", "ysn"),
        ("Сергей Викторович Лавров", "lav"),
    ],
)
def test_variants_and_scripts_reach_the_party(index: NameIndex, query: str, expected: str) -> None:
    top = _top(index, query)
    assert top.entity_id == expected
    assert top.score >= DEFAULT_THRESHOLD


def test_spacing_variants(index: NameIndex) -> None:
    for query in ("CHONMASAN", "Chonmasan", "Chon Ma San"):
        top = _top(index, query, schema=Schema.ORGANIZATION)
        assert (top.entity_id, top.score) == ("cms", 1.0)


def test_kim_jong_un_is_not_kim_jong_man(index: NameIndex) -> None:
    results = {m.entity_id: m for m in index.search(NameQuery("KIM JONG UN"), limit=5)}
    assert results["kju"].score == 1.0
    assert results["kjm"].score < DEFAULT_THRESHOLD - 0.2
    assert (
        match_names("KIM JONG UN", "KIM, Jong Man", Schema.PERSON).score < DEFAULT_THRESHOLD - 0.2
    )


def test_common_surname_alone_is_weak_evidence(index: NameIndex) -> None:
    for m in index.search(NameQuery("Kim Dae Jung"), limit=5):
        assert m.score < DEFAULT_THRESHOLD


def test_weak_alias_is_shown_but_capped(index: NameIndex) -> None:
    match = _top(index, "Alex")
    assert match.entity_id == "weak" and match.matched_name.weak
    assert match.score == WEAK_ALIAS_CAP < DEFAULT_THRESHOLD
    assert any(f.name == "weak alias penalty" for f in match.explanation)


def test_explanation_names_tokens_and_transliteration(index: NameIndex) -> None:
    match = _top(index, "김정은")
    names = [f.name for f in match.explanation]
    details = " | ".join(f.detail for f in match.explanation)
    assert "transliteration" in names and "Hangul -> DPRK official: kim jong un" in details
    assert names.count("token exact") == 3
    variant = _top(index, "Gim Jeong-eun")
    assert any(
        f.name == "token phonetic" and "'jeong' ~ 'jong'" in f.detail for f in variant.explanation
    )
    company = _top(index, "延边银星网络科技有限公司")
    assert any(f.name == "legal form" and "ltd" in f.detail for f in company.explanation)
    assert any(f.name == "token spacing" for f in company.explanation)


def test_facts_move_the_score_and_are_explained(index: NameIndex) -> None:
    plain = _top(index, "Kim Jong Un").score
    agree = _top(index, "Kim Jong Un", birth_date="1984-01-08", country="KP")
    conflict = _top(index, "Kim Jong Un", birth_date="1990", country="US")
    assert agree.score >= plain > conflict.score
    agree_names = {f.name for f in agree.explanation}
    assert {"date of birth agrees", "country agrees"} <= agree_names
    assert {"date of birth conflict", "country conflict"} <= {f.name for f in conflict.explanation}


def test_schema_mismatch_and_identifier(index: NameIndex) -> None:
    as_person = {
        m.entity_id: m
        for m in index.search(NameQuery("Chon Ma San", schema=Schema.PERSON), limit=5)
    }
    assert any(f.name == "schema mismatch" for f in as_person["cms"].explanation)
    assert as_person["cms"].score < 1.0
    ident = (Identifier("IMO", "IMO 8660313"),)
    vessel = {
        m.entity_id: m for m in index.search(NameQuery("Chon Ma San", identifiers=ident), limit=5)
    }
    assert any(f.name == "identifier match" for f in vessel["ves"].explanation)


def test_ranked_not_cut_at_threshold(index: NameIndex) -> None:
    results = index.search(NameQuery("Kim Jong Il"), limit=10)
    assert [m.score for m in results] == sorted((m.score for m in results), reverse=True)
    assert any(m.score < DEFAULT_THRESHOLD for m in results)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 1_000_001, "!!! ???"])
def test_bad_queries_are_user_errors(index: NameIndex, bad: str) -> None:
    with pytest.raises(UserError):
        index.search(NameQuery(bad))
