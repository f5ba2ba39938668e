"""Korean readings of Han characters (Hanja): 金正恩 is read 김정은, then romanised as Hangul.

Korean and DPRK names written in Chinese characters (Chinese-language documents, Chinese and
Japanese media, registries of Chinese front companies) are read in Korean, not Mandarin: each
character has a Sino-Korean reading (``hanja_korean.tsv``, derived from Unicode's Unihan
``kHangul`` field; simplified forms take their traditional form's reading, so 金与正 = 金與正).
A character with several readings is read by its usual one, and in a person's surname by the
reading used in names (金: 금 in 金星 Kumsong, 김 in 金正恩 Kim Jong Un).

Two spellings follow: the North's, which writes every syllable as read (李 리 Ri, 柳 류 Ryu,
盧 로 Ro, 樂園 락원 Rakwon), and the South's, whose initial-sound rule (두음법칙) changes an
``ㄹ``/``ㄴ`` at the start of a word (李 이 Lee/Yi, 柳 유 Yu, 盧 노 No, 樂園 낙원 Nagwon). Each
is then romanised by the Hangul systems (``hangul``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

_BASE = 0xAC00
_L_R, _L_N, _L_NULL = 5, 2, 11  # initial jamo ㄹ ㄴ ㅇ
_Y_OR_I = frozenset({2, 3, 6, 7, 12, 17, 20})  # medials ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ


@cache
def _table() -> dict[str, tuple[str, str]]:
    """Character -> (usual reading, reading in a personal name)."""
    text = (
        resources.files("nkwatch.data")
        .joinpath("sanctions", "names", "hanja_korean.tsv")
        .read_text("utf-8")
    )
    table: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        usual = cells[1].split()[0]
        table[cells[0]] = (usual, cells[2] if len(cells) > 2 and cells[2] else usual)
    return table


def initial_sound(syllable: str) -> str:
    """A word-initial syllable as South Korea spells it (두음법칙): 리 -> 이, 로 -> 노, 녀 -> 여."""
    s = ord(syllable) - _BASE
    lead, medial, final = s // 588, (s % 588) // 28, s % 28
    if lead == _L_R:
        lead = _L_NULL if medial in _Y_OR_I else _L_N
    elif lead == _L_N and medial in _Y_OR_I:
        lead = _L_NULL
    else:
        return syllable
    return chr(_BASE + lead * 588 + medial * 28 + final)


def read(run: str, *, person: bool) -> list[str]:
    """Hangul spellings of a run of Han characters: the North's, then the South's if it differs
    (none if a character has no Korean reading). In a person's name the first character is the
    surname, read the way names read it."""
    table = _table()
    syllables: list[str] = []
    for k, ch in enumerate(run):
        found = table.get(ch)
        if found is None:
            return []
        syllables.append(found[1] if person and k == 0 else found[0])
    north = "".join(syllables)
    south = initial_sound(north[0]) + north[1:]
    return [north] if south == north else [north, south]
