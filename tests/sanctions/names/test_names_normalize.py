"""Variants, legal forms, word order and spacing: the folding that makes spellings comparable."""

from __future__ import annotations

import pytest

from nkwatch.sanctions.names.normalize import analyze
from nkwatch.sanctions.names.variants import phonetic_key


@pytest.mark.parametrize(
    "group",
    [
        "ri li lee yi rhee",
        "pak park bak",
        "choe choi chwe",
        "jong jeong chong chung",
        "kyong gyeong kyung",
        "hyon hyun hyeon",
        "kim gim",
        "un eun woon",
        "sop seop",
        "chol cheol",
        "sergey sergei sergej",
        "ivanov ivanoff",
        "khan han",
        "bin ibn ben",
    ],
)
def test_romanisation_variants_share_a_key(group: str) -> None:
    keys = {phonetic_key(w) for w in group.split()}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("a", "b"), [("un", "man"), ("kim", "ri"), ("jong", "jin"), ("pak", "choe"), ("sik", "sok")]
)
def test_distinct_names_keep_distinct_keys(a: str, b: str) -> None:
    assert phonetic_key(a) != phonetic_key(b)


def _texts(name: str, *, person: bool = False) -> list[str]:
    return [f.text for f in analyze(name, is_person=person)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Yanbian Silverstar Network Technology Co., Ltd.",
            "yanbian silverstar network technology co ltd",
        ),
        ("CRYSTALORD LIMITED", "crystalord ltd"),
        ("Limited Liability Company Iskusstvo Krasoty", "llc iskusstvo krasoty"),
        ("OOO Oboronnye Initsiativy", "llc oboronnye initsiativy"),
        ("Open Joint Stock Company Gazprom", "ojsc gazprom"),
        ('ООО "БАЙ"', "llc bay"),
        ("A.B.C. Company", "abc co"),
        ("Brigade Forty-Four", "brigade 44"),
        ("1st International Bank", "1 international bank"),
    ],
)
def test_legal_forms_numbers_and_initialisms(name: str, expected: str) -> None:
    assert _texts(name)[0] == expected


def test_native_legal_forms_are_folded_before_transliteration() -> None:
    forms = analyze("延边银星网络科技有限公司", is_person=False)
    assert all(f.tokens[-1].legal and f.tokens[-1].text == "ltd" for f in forms)
    korean = analyze("조선광선은행 주식회사", is_person=False)
    assert all(any(t.legal for t in f.tokens) for f in korean)


def test_legal_tokens_carry_low_weight_and_apostrophes_join() -> None:
    form = analyze("Al-Qa'ida Trading LLC", is_person=False)[0]
    shares = {t.text: t.share for t in form.tokens}
    assert shares["qaida"] == 1.0
    assert shares["llc"] <= 0.1 and shares["trading"] < 0.5 and shares["al"] < 0.5


def test_comma_order_gives_the_same_tokens() -> None:
    assert sorted(_texts("KIM, Jong Un", person=True)[0].split()) == ["jong", "kim", "un"]
