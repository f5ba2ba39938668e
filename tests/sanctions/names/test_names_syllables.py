"""Korean and Chinese personal names: surname + one given name, compared as such."""

from __future__ import annotations

import pytest

from nkwatch.sanctions.model import Schema
from nkwatch.sanctions.names import DEFAULT_THRESHOLD, match_names
from nkwatch.sanctions.names.index import analyze_for
from nkwatch.sanctions.names.prepared import GIVEN, OTHER, SURNAME, prepare


def _score(query: str, candidate: str) -> float:
    return match_names(query, candidate, Schema.PERSON).score


def test_given_name_syllables_share_one_name() -> None:
    form = analyze_for("이영철", Schema.PERSON)[0]
    prepared = prepare(form, person=True)
    assert prepared.roles == (SURNAME, GIVEN, GIVEN)
    # the one-letter romanisation of 이 is a surname, not an initial
    assert prepared.shares == (1.0, 0.5, 0.5)
    assert prepare(form, person=False).roles == (OTHER, OTHER, OTHER)


@pytest.mark.parametrize(
    ("query", "candidate"),
    [
        ("김정식", "Kim Jong Sik"),  # an exact collision is a real hit
        ("김정은", "KIM Jong Un"),
        ("马小红", "Ma Xiaohong"),  # given-name syllables may be written as one word
        ("毛泽东", "Mao Zedong"),
        ("张磊", "張磊"),  # simplified and traditional characters read alike
        ("리병철", "Ri Pyong Chol"),
    ],
)
def test_true_matches_stay_hits(query: str, candidate: str) -> None:
    assert _score(query, candidate) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("query", "candidate"),
    [
        ("이영철", "Young-Chul"),  # the surname is half the name, not a fifth
        ("이유진", "Yu Jin"),
        ("김건우", "KIM Se Gon"),  # 우 (u) is a syllable, not an initial
        ("刘娟", "刘宝娟"),  # a given name matched in part is another given name
        ("刘桂英", "Liu Cuiying"),  # gui ying is not cuiying, whatever the phonetic key says
        ("林晶", "林青"),  # two Hanzi names: pinyin syllables must be equal (Wade-Giles: ching)
        ("이준혁", "Ch'oe U'n-hyo'k"),  # one syllable (chun) is never spelt by two words
        ("许娜", "Shona"),  # the surname is never joined to the given name
        ("장영철", "Chang Myong Chol"),
    ],
)
def test_partial_and_merged_syllables_are_not_hits(query: str, candidate: str) -> None:
    assert _score(query, candidate) < DEFAULT_THRESHOLD


def test_partial_given_name_is_explained() -> None:
    match = match_names("刘娟", "刘宝娟", Schema.PERSON)
    details = [f.detail for f in match.explanation if f.name == "partial given name"]
    assert details and "bao juan" in details[0]


def test_patronymic_particles_keep_father_and_son_apart() -> None:
    swapped = match_names("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI")
    assert swapped.score < DEFAULT_THRESHOLD
    assert any(f.name == "patronymic order" for f in swapped.explanation)
    # surname-first listings keep the word after "bin" with it: still the same person
    assert match_names("Usama bin Laden", "BIN LADEN, Usama").score >= 0.9
