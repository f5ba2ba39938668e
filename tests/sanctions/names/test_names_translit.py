"""Transliteration of real syllables: Hangul (three systems, sound changes), Hanzi, Cyrillic."""

from __future__ import annotations

import pytest

from nkwatch.sanctions.names.translit import Context, hangul, hanzi, transliterate
from nkwatch.sanctions.names.translit.cyrillic import romanize
from nkwatch.sanctions.names.translit.hangul import System, decompose, romanize_word


def test_hangul_decomposition_is_algorithmic() -> None:
    # 김 = ㄱ (0) + ㅣ (20) + ㅁ (final 16); 은 = ㅇ (11) + ㅡ (18) + ㄴ (final 4)
    assert decompose("김") == (0, 20, 16)
    assert decompose("은") == (11, 18, 4)
    assert decompose("가") == (0, 0, 0)
    assert decompose("힣") == (18, 20, 27)


@pytest.mark.parametrize(
    ("word", "system", "expected"),
    [
        ("김정은", System.DPRK, ["kim", "jong", "un"]),
        ("김정은", System.MR, ["kim", "chong", "un"]),
        ("김정은", System.RR, ["gim", "jeong", "eun"]),
        ("최룡해", System.DPRK, ["choe", "ryong", "hae"]),
        ("평양", System.DPRK, ["phyong", "yang"]),
        ("평양", System.MR, ["pyong", "yang"]),
    ],
)
def test_personal_names_per_syllable(word: str, system: System, expected: list[str]) -> None:
    assert romanize_word(word, system, per_syllable=True) == expected


@pytest.mark.parametrize(
    ("word", "system", "expected"),
    [
        ("천리마", System.DPRK, "chollima"),  # ㄴ+ㄹ -> ll
        ("신라", System.RR, "silla"),
        ("국립", System.RR, "gungnip"),  # nasalisation ㄱ+ㄹ -> ng n
        ("종로", System.RR, "jongno"),  # ㄹ -> n after ng
        ("백두", System.MR, "paektu"),
        ("압록", System.RR, "amnok"),
        ("신의주", System.MR, "shinuiju"),  # MR writes ㅅ before ㅣ/ㅟ as sh
        ("조선", System.MR, "choson"),
        ("조선", System.RR, "joseon"),
    ],
)
def test_sound_changes_inside_words(word: str, system: System, expected: str) -> None:
    assert "".join(romanize_word(word, system)) == expected


def test_hangul_readings_cover_three_systems() -> None:
    labels = [r.label for r in transliterate("김정은", "Hang", Context(is_person=True))]
    assert "Hangul -> DPRK official" in labels
    assert "Hangul -> McCune-Reischauer" in labels
    assert "Hangul -> Revised Romanisation" in labels
    assert hangul.is_syllable("김") and not hangul.is_syllable("k")


def test_pinyin_simplified_and_traditional_agree() -> None:
    assert hanzi.pinyin("习近平") == hanzi.pinyin("習近平") == ["xi", "jin", "ping"]
    assert hanzi.pinyin("延边") == ["yan", "bian"]


def test_company_glossary_translates_descriptors() -> None:
    tokens, used = hanzi.translate("延边银星网络科技")
    assert used
    assert tokens == ["yan", "bian", "silver", "star", "network", "technology"]


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("сергей лавров", "sergey lavrov"),
        ("ротенберг аркадий", "rotenberg arkadiy"),
        ("ельцин", "yeltsin"),
        ("хрущёв", "khrushchev"),
        ("володимир зеленський", "volodimir zelenskiy"),
        ("їжак", "yizhak"),  # Ukrainian letters switch the table
    ],
)
def test_cyrillic_bgn_pcgn(cyrillic: str, latin: str) -> None:
    assert romanize(cyrillic) == latin
