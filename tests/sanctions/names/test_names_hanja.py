"""Korean readings of Han characters (Hanja): 金正恩 is Kim Jong Un, not only Jin Zhengen."""

from __future__ import annotations

import pytest

from nkwatch.sanctions.model import Party, PartyName, Schema
from nkwatch.sanctions.names import NameIndex, NameQuery, match_names
from nkwatch.sanctions.names.normalize import analyze
from nkwatch.sanctions.names.translit import hanja


def _texts(name: str, *, person: bool) -> list[str]:
    return [f.text for f in analyze(name, is_person=person)]


@pytest.mark.parametrize(
    ("han", "north", "south"),
    [
        ("李", "리", "이"),  # Ri / Lee, Yi
        ("柳", "류", "유"),  # Ryu / Yu
        ("盧", "로", "노"),  # Ro / No
        ("林", "림", "임"),
        ("女", "녀", "여"),  # ㄴ before y/i
    ],
)
def test_the_initial_sound_rule_is_the_south_spelling_only(
    han: str, north: str, south: str
) -> None:
    assert hanja.read(han, person=True) == [north, south]


def test_a_surname_takes_the_reading_names_use() -> None:
    assert hanja.read("金正恩", person=True) == ["김정은"]
    assert hanja.read("金星", person=False) == ["금성"]  # Kumsong: the usual reading elsewhere


def test_simplified_and_traditional_characters_read_alike() -> None:
    assert hanja.read("金與正", person=True) == hanja.read("金与正", person=True) == ["김여정"]
    assert hanja.read("朴鎭赫", person=True) == hanja.read("朴镇赫", person=True) == ["박진혁"]


def test_unknown_characters_give_no_korean_reading() -> None:
    assert hanja.read("金\u4dbf", person=True) == []  # not a Korean character: no partial reading


def test_readings_keep_mandarin_first_and_add_korean() -> None:
    texts = _texts("金正恩", person=True)
    assert texts[0] == "jin zheng en"
    assert {"kim jong un", "kim chong un", "gim jeong eun"} <= set(texts)
    assert "ri yong ho" in _texts("李英浩", person=True)
    assert "i yong ho" in _texts("李英浩", person=True)  # South spelling, surname folds to Ri
    assert "korea kwang son bank" in _texts("朝鮮光鮮銀行", person=False)  # Korean glossary


@pytest.fixture(scope="module")
def index() -> NameIndex:
    names = {
        "kju": ("Kim Jong Un", Schema.PERSON),
        "kyj": ("Kim Yo Jong", Schema.PERSON),
        "csh": ("Choe Son Hui", Schema.PERSON),
        "pjh": ("Park Jin Hyok", Schema.PERSON),
        "jzn": ("Jin Zheng", Schema.PERSON),
        "kkb": ("Korea Kwangson Banking Corporation", Schema.ORGANIZATION),
        "kjm": ("KIM, Jong Man", Schema.PERSON),
    }
    return NameIndex.build(
        Party(pid, "t", schema, (PartyName(name),)) for pid, (name, schema) in names.items()
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("金正恩", "kju"),
        ("金與正", "kyj"),
        ("金与正", "kyj"),
        ("崔善姬", "csh"),
        ("朴鎭赫", "pjh"),
        ("朴镇赫", "pjh"),
        ("朝鮮光鮮銀行", "kkb"),
    ],
)
def test_hanja_names_find_their_korean_listing(index: NameIndex, query: str, expected: str) -> None:
    top = index.search(NameQuery(query), limit=3)[0]
    assert top.entity_id == expected
    assert top.score >= 0.75
    assert any("Hanja read in Korean" in f.detail for f in top.explanation)


def test_kim_jong_un_is_found_with_the_korean_reading_named(index: NameIndex) -> None:
    results = index.search(NameQuery("金正恩"), limit=3)
    assert results[0].entity_id == "kju" and results[0].score == 1.0
    details = [f.detail for f in results[0].explanation if f.name == "transliteration"]
    assert details == ["Hanja read in Korean -> DPRK official: kim jong un"]
    # the conflicting given name stays a conflict in the Korean reading too
    assert all(r.score < 0.75 for r in results if r.entity_id == "kjm")


def test_a_hanja_name_meets_a_hangul_name_letter_for_letter() -> None:
    assert match_names("金正恩", "김정은").score == 1.0
    assert match_names("金正恩", "김정운").score < 0.75  # 은 is not 운


def test_two_han_names_are_still_compared_by_their_characters() -> None:
    # 正 and 政 are both 정 in Korean and zheng in Mandarin: different characters, different names
    assert match_names("金正恩", "金政恩").score < 0.75
    assert match_names("金與正", "金与正").score == 1.0


def _best(query: str, party: Party) -> float:
    found = NameIndex.build([party]).search(NameQuery(query), limit=1)
    return found[0].score if found else 0.0


def test_korean_readings_name_korea_linked_parties_only() -> None:
    chinese = Party("cn", "t", Schema.PERSON, (PartyName("CHU Na"),), ("SDNTK",), countries=("CN",))
    korean = Party("kp", "t", Schema.PERSON, (PartyName("CHU Na"),), ("DPRK3",), countries=("CN",))
    assert _best("周娜", chinese) < 0.75  # zhou na; the listed CHU Na is 初娜
    assert _best("周娜", korean) == 1.0  # 주나 Chu Na, for a DPRK-programme party


def test_a_bare_personal_name_read_in_korean_is_no_vessel() -> None:
    vessel = Party("v", "t", Schema.VESSEL, (PartyName("YU JONG 2"),), ("DPRK4",))
    assert _best("刘晶", vessel) < 0.75  # 류정 / 유정 is a person's name
