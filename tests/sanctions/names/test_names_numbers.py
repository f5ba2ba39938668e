"""Number words and Roman numerals: series numbers are digits, name syllables stay words."""

from __future__ import annotations

from nkwatch.sanctions.model import Schema
from nkwatch.sanctions.names.index import match_names
from nkwatch.sanctions.names.normalize import analyze


def _texts(name: str, *, is_person: bool) -> list[str]:
    return [f.text for f in analyze(name, is_person=is_person)]


def test_chinese_surname_xi_is_not_eleven() -> None:
    assert _texts("Xi Jinping", is_person=True) == ["xi jinping"]
    assert all(not t.startswith("11") for t in _texts("习近平", is_person=True))
    assert all(not t.startswith("11") for t in _texts("习近平", is_person=False))


def test_series_numbers_still_fold_for_vessels_and_regnal_numbers() -> None:
    assert _texts("OCEAN STAR XI", is_person=False) == ["ocean star 11"]
    assert _texts("Louis XIV", is_person=True) == ["louis 14"]
    assert _texts("forty four", is_person=False) == ["44"]


def test_hanzi_name_reaches_its_pinyin_spelling() -> None:
    match = match_names("习近平", "XI Jinping", Schema.PERSON)
    assert match.score >= 0.75, match
    other = match_names("Xi Jinping", "Shi Jinping", Schema.PERSON)
    assert other.score < match.score
