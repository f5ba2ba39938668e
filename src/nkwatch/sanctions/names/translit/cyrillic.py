"""Cyrillic -> Latin following BGN/PCGN (Russian 1947, Ukrainian 2019, Belarusian, Kazakh letters).

Common spelling variants (Sergey/Sergei/Sergej, -ov/-off, kh/h) are not spelled out here:
the phonetic key in ``variants.py`` folds them, so one canonical transliteration suffices.
"""

from __future__ import annotations

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Ukrainian and Belarusian
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "w",
    # Kazakh, Kyrgyz, Tajik, Uzbek Cyrillic
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "җ": "j", "ҳ": "h", "ӣ": "i", "ӯ": "u", "ҷ": "j", "ҝ": "k",
    # Serbian / Macedonian
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj",
    "ѕ": "dz",
}  # fmt: skip
_UKRAINIAN_MARKERS = frozenset("іїєґ")
_UKRAINIAN = {"г": "h", "и": "y", "й": "i", "х": "kh", "щ": "shch", "ю": "iu", "я": "ia"}
_VOWELS = frozenset("аеёиоуыэюяіїєәөұүу")


def romanize(text: str) -> str:
    """Transliterate a lower-cased Cyrillic string; unknown characters pass through."""
    ukrainian = bool(_UKRAINIAN_MARKERS & set(text))
    table = {**_COMMON, **_UKRAINIAN} if ukrainian else _COMMON
    out: list[str] = []
    prev = ""
    for ch in text:
        # BGN/PCGN: е is "ye" at the start of a word and after a vowel or ъ/ь (Russian).
        if ch == "е" and not ukrainian and (not prev or prev in _VOWELS or prev in "ъь"):
            out.append("ye")
        else:
            out.append(table.get(ch, ch))
        prev = ch if ch.isalpha() else ""
    return "".join(out)
