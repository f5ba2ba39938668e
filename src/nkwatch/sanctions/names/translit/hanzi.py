"""Chinese characters -> pinyin syllables (pypinyin; simplified and traditional alike).

Tone marks are dropped and each character becomes one syllable token, so ``延边`` gives
``yan bian`` and the matcher may join them (``yanbian``). A second reading replaces known
company words by their English rendering from ``zh_lexicon.tsv`` (``银星 -> silver star``).
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

from nkwatch.sanctions.names.lexicon import lexicon
from nkwatch.sanctions.names.translit import glossary


def pinyin(text: str) -> list[str]:
    """One toneless pinyin syllable per Chinese character (``ü`` written ``v`` -> ``u``)."""
    return [s.replace("v", "u") for s in lazy_pinyin(text, style=Style.NORMAL, v_to_u=False)]


# Pinyin -> Wade-Giles (apostrophes dropped), the spelling of Taiwanese and older names.
_WG_WHOLE = {
    "si": "ssu",
    "zi": "tzu",
    "ci": "tzu",
    "shi": "shih",
    "zhi": "chih",
    "chi": "chih",
    "ri": "jih",
    "er": "erh",
}
_WG_INITIALS = (("zh", "ch"), ("ch", "ch"), ("sh", "sh"), ("b", "p"), ("d", "t"), ("g", "k"), ("j", "ch"),
                ("q", "ch"), ("x", "hs"), ("z", "ts"), ("c", "ts"), ("r", "j"), ("k", "k"), ("h", "h"))  # fmt: skip
_WG_FINALS = (("iong", "iung"), ("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("ye", "yeh"))


def wade_giles(syllable: str) -> str:
    """Toneless Wade-Giles for one toneless pinyin syllable (``rui`` -> ``jui``, ``xin`` -> ``hsin``)."""
    if syllable in _WG_WHOLE:
        return _WG_WHOLE[syllable]
    head, rest = "", syllable
    for pin, wg in _WG_INITIALS:
        if syllable.startswith(pin):
            head, rest = wg, syllable[len(pin) :]
            break
    for pin, wg in _WG_FINALS:
        if rest.endswith(pin):
            rest = rest[: -len(pin)] + wg
            break
    if head in ("k", "h") and rest == "e":
        rest = "o"
    return head + rest


def translate(text: str) -> tuple[list[str], bool]:
    """Longest-match glossary translation; characters without an entry become pinyin.

    Returns the tokens and whether any glossary word was used.
    """
    return glossary.longest_match(text, lexicon().zh, pinyin)
