"""Chinese characters -> pinyin syllables (pypinyin; simplified and traditional alike).

Tone marks are dropped and each character becomes one syllable token, so ``延边`` gives
``yan bian`` and the matcher may join them (``yanbian``). A second reading replaces known
company words by their English rendering from ``zh_lexicon.tsv`` (``银星 -> silver star``).
"""

from __future__ import annotations

import re

from nkwatch.sanctions.names import hanfile
from nkwatch.sanctions.names.lexicon import lexicon
from nkwatch.sanctions.names.translit import glossary


def pinyin(text: str) -> list[str]:
    """One toneless pinyin syllable per Chinese character (``ü`` written ``v`` -> ``u``):
    pypinyin's reading, from its persisted table when there is one (``hanfile``)."""
    table = hanfile.table()
    found = table.pinyin(text) if table is not None else None
    if found is None:
        found = library_pinyin(text)
        if table is None:
            hanfile.ensure_once()
    return [s.replace("v", "u") for s in found]


def library_pinyin(text: str) -> list[str]:
    """pypinyin itself (loads its phrase dictionary: about a second)."""
    from pypinyin import Style, lazy_pinyin

    return list(lazy_pinyin(text, style=Style.NORMAL, v_to_u=False))


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


# Traditional forms of characters common in company names (國 際 貿 業 運 務 華 ...): a name
# written with them and not from Hong Kong or Macau is most likely Taiwanese, and Taiwan
# romanises company names in Wade-Giles (瑞邦海運 = Jui Pang Shipping, not Rui Bang).
_TRADITIONAL = frozenset(
    "亞倉備儀億儲務匯區協問國園團實寶屬嶺廣慶時會東業榮樂機歐漁濟灣環產發碼礦紡絡經網線織繡義"
    "聯膠興華萬葉藥術裝計訊設詢誠諮豐貨貿資車輛輝輸農進運達遠醫銀鋼錦鐵長門開陽際雲電順頭顧飛飾"
    "騰鳳鴻龍臺灣"
)


def traditional(text: str) -> bool:
    """Whether a name is written in traditional characters (one common traditional form)."""
    return not _TRADITIONAL.isdisjoint(text)


def translate_wade_giles(text: str) -> tuple[list[str], tuple[int, ...]]:
    """``translate`` with Wade-Giles instead of pinyin for the characters read by sound."""
    return glossary.longest_match(
        text, lexicon().zh, lambda ch: [wade_giles(s) for s in pinyin(ch)]
    )


def translate(text: str) -> tuple[list[str], tuple[int, ...]]:
    """Longest-match glossary translation; characters without an entry become pinyin.

    Returns the tokens and the indexes of the glossary words among them.
    """
    return glossary.longest_match(text, lexicon().zh, pinyin)


# Characters Chinese transcription uses for a consonant that ends an English or Russian syllable
# (Xinhua's transcription tables: 斯 s, 克 k, 特 t, 德 d, 爾 r ...): after another character of a
# transcribed name they stand for the consonant alone (米達斯 Midas, 托爾幹 Torgan).
_FINAL_CONSONANT = {
    "尔": "r", "爾": "r", "斯": "s", "克": "k", "特": "t", "德": "d", "夫": "f", "姆": "m",
    "普": "p", "布": "b", "格": "g", "兹": "z", "茲": "z", "茨": "ts",
}  # fmt: skip
_UO = re.compile(r"^([bpmfdtnlgkhzcsr]|zh|ch|sh)uo$")  # tuo, luo, duo: "to", "lo", "do"


def transcription(text: str) -> tuple[list[str], tuple[int, ...]] | None:
    """A foreign name transcribed in characters, read back as one word, with the company
    words translated; None when no stretch of the run looks transcribed (two to four
    characters between company words, a final-consonant character after the first)."""
    tokens: list[str] = []
    words: list[int] = []
    stretch = ""
    found = False
    for piece, english in glossary.segments(text, lexicon().zh):
        if english is None:  # a character no company word covers
            stretch += piece
            continue
        found = _read_stretch(stretch, tokens, words) or found
        stretch = ""
        for word in english.split():
            words.append(len(tokens))
            tokens.append(word)
    found = _read_stretch(stretch, tokens, words) or found
    return (tokens, tuple(words)) if found else None


def _read_stretch(stretch: str, tokens: list[str], words: list[int]) -> bool:
    """Append the characters between company words: one transcribed word if they look
    transcribed (then True), else their pinyin syllables."""
    if not stretch:
        return False
    joined = _transcribed(stretch)
    if joined is None:
        tokens.extend(pinyin(stretch))
        return False
    words.append(len(tokens))
    tokens.append(joined)
    return True


def _transcribed(stretch: str) -> str | None:
    if not 2 <= len(stretch) <= 4 or all(ch not in _FINAL_CONSONANT for ch in stretch[1:]):
        return None
    out: list[str] = []
    for k, (ch, syllable) in enumerate(zip(stretch, pinyin(stretch), strict=False)):
        if k and ch in _FINAL_CONSONANT:
            out.append(_FINAL_CONSONANT[ch])
        else:
            out.append(_UO.sub(r"\1o", syllable))
    return "".join(out)
