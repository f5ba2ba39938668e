"""Hangul -> Latin in three systems: McCune-Reischauer, DPRK 1992 official and Revised Romanisation.

Precomposed syllables (U+AC00..U+D7A3) decompose algorithmically into initial, medial and
final jamo: ``s = cp - 0xAC00; L = s // 588; V = (s % 588) // 28; T = s % 28``. Each jamo
is romanised by position (word-initial consonants are voiceless in McCune-Reischauer and the
DPRK system, voiced between voiced sounds), and the common sound changes at syllable
boundaries inside a word are applied (nasalisation ``국립 -> kungnip``, lateralisation
``신라 -> silla``, ``ㄹ -> n`` after ``m``/``ng``). Breves and aspiration apostrophes are
left out: queries are folded to plain ASCII anyway.

Personal names are romanised syllable by syllable, the way DPRK names are published
("Kim Jong Un"), with no sound change across syllables.
"""

from __future__ import annotations

from enum import StrEnum

_BASE = 0xAC00
_LAST = 0xD7A3


class System(StrEnum):
    MR = "McCune-Reischauer"
    DPRK = "DPRK official"
    RR = "Revised Romanisation"


# Initial jamo order: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ
_G, _N, _D, _R, _M, _B, _S, _NULL, _J, _H = 0, 2, 3, 5, 6, 7, 9, 11, 12, 18
# McCune-Reischauer initials; the other systems differ only at a few jamo (``_respell``).
_INITIAL_MR = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch",
               "k", "t", "p", "h")  # fmt: skip


def _respell(table: tuple[str, ...], changes: dict[int, str]) -> tuple[str, ...]:
    """A romanisation table that differs from ``table`` at the jamo indexes in ``changes``."""
    return tuple(changes.get(i, latin) for i, latin in enumerate(table))


_INITIAL_VOICELESS = {
    System.MR: _INITIAL_MR,
    # DPRK 1992: ㅈ ㅉ are j jj; aspirates are written kh th ph.
    System.DPRK: _respell(_INITIAL_MR, {_J: "j", 13: "jj", 15: "kh", 16: "th", 17: "ph"}),
    # Revised Romanisation: plain stops are written voiced (g d b j) everywhere.
    System.RR: _respell(_INITIAL_MR, {_G: "g", _D: "d", _B: "b", _J: "j", 13: "jj"}),
}
_VOICED = {"k": "g", "t": "d", "p": "b", "ch": "j"}
_PLAIN_STOPS = {0, 3, 7, 12}  # ㄱ ㄷ ㅂ ㅈ: voiced between voiced sounds

# Medial order: ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ
_MEDIAL_RR = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
              "wo", "we", "wi", "yu", "eu", "ui", "i")  # fmt: skip
# McCune-Reischauer without breves (ŏ -> o, ŭ -> u); the DPRK 1992 system writes the same vowels.
_MEDIAL_MR = _respell(_MEDIAL_RR, {4: "o", 6: "yo", 18: "u"})
_I_LIKE = {20, 16}  # ㅣ ㅟ: MR writes ㅅ as "sh" before them

# Final jamo (index 1..27) reduced to the seven sounds that can end a syllable.
_FINAL_SOUND = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
    "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip


def is_syllable(ch: str) -> bool:
    return _BASE <= ord(ch) <= _LAST


def decompose(ch: str) -> tuple[int, int, int]:
    """Initial, medial and final jamo indexes of one precomposed syllable."""
    s = ord(ch) - _BASE
    return s // 588, (s % 588) // 28, s % 28


def _assimilate(final: str, initial: int) -> tuple[str, int | None]:
    """Sound change between a syllable-final sound and the next initial; None keeps the initial."""
    if final == "l" and initial == _N:
        return "l", -1
    if initial in (_N, _M):
        return {"k": "ng", "t": "n", "p": "m"}.get(final, final), None
    if initial == _R:
        if final in ("n", "l"):
            return "l", -1  # -1: write the initial as "l"
        if final in ("m", "ng"):
            return final, _N
        if final in ("k", "t", "p"):
            return {"k": "ng", "t": "n", "p": "m"}[final], _N
    return final, None


def romanize_word(word: str, system: System, *, per_syllable: bool = False) -> list[str]:
    """Romanise one Hangul word; returns one Latin string per syllable.

    ``per_syllable`` romanises each syllable as if it stood alone (personal names).
    """
    jamo = [decompose(ch) for ch in word]
    initials = [j[0] for j in jamo]
    finals = [_FINAL_SOUND[j[2]] for j in jamo]
    lateral = [False] * len(jamo)  # initial ㄹ written "l" after a lateralised final
    if not per_syllable:
        for i in range(len(jamo) - 1):
            finals[i], change = _assimilate(finals[i], initials[i + 1])
            if change == -1:
                initials[i + 1], lateral[i + 1] = _R, True
            elif change is not None:
                initials[i + 1] = change
    init_table = _INITIAL_VOICELESS[system]
    medial_table = _MEDIAL_RR if system is System.RR else _MEDIAL_MR
    out: list[str] = []
    for i, (_, medial, _) in enumerate(jamo):
        initial = initials[i]
        onset = init_table[initial]
        if lateral[i]:
            onset = "l"
        elif not per_syllable and i > 0 and system is not System.RR:
            voiced_context = finals[i - 1] in ("", "n", "m", "ng", "l")
            if voiced_context and initial in _PLAIN_STOPS:
                onset = _VOICED.get(onset, onset)
        if system is System.MR and initial == _S and medial in _I_LIKE:
            onset = "sh"
        out.append(onset + medial_table[medial] + finals[i])
    return out
