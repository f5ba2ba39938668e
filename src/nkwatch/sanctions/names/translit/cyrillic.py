"""Cyrillic -> Latin: BGN/PCGN (Russian 1947, Ukrainian 2019, Kazakh letters) plus two variants.

Common spelling variants (Sergey/Sergei/Sergej, -ov/-off, kh/h) are not spelled out here:
the phonetic key in ``variants.py`` folds them, so one canonical transliteration suffices.
Two differences the key cannot fold get a reading of their own:

* ``ё``: BGN/PCGN and Russian passports write ``e`` (Khrushchev), English-language sources
  and the lists mostly ``yo`` (Fyodorov, Artyom, Pyotr): ``romanize(yo=True)``.
* Belarusian names are published in the Belarusian passport romanisation (Instruction of
  2000 on the national system): ``г`` -> ``h``, ``ў`` -> ``u``, ``я``/``ю`` after a consonant
  -> ``ia``/``iu`` (Сяргей = Siarhei, Мікалаеўна = Mikalaeuna), not BGN/PCGN.
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
_VOWELS = frozenset("аеёиоуыэюяіїєәөұүуў")
# Letters Belarusian has and Russian/Ukrainian lack (ў), or Belarusian lacks (и, щ, ъ, ї, є).
_BELARUSIAN_ONLY = frozenset("ў")
_NOT_BELARUSIAN = frozenset("ищъїєґ")
_BELARUSIAN = {"г": "h", "й": "i", "ў": "u", "ь": "", "е": "e", "ё": "io", "ю": "iu", "я": "ia"}
_BELARUSIAN_INITIAL = {"ё": "yo", "ю": "yu", "я": "ya"}  # word start, after a vowel


def is_ukrainian(text: str) -> bool:
    """Ukrainian spelling: a letter Russian lacks (і ї є ґ) and none Ukrainian lacks (ы э ъ ў)."""
    letters = set(text)
    return bool(letters & _UKRAINIAN_MARKERS) and not letters & set("ыэъў")


def romanize(text: str, *, yo: bool = False, ukrainian: bool | None = None) -> str:
    """Transliterate a lower-cased Cyrillic string; unknown characters pass through.

    ``yo`` writes ``ё`` as ``yo`` (``o`` after ж ч ш щ) instead of BGN/PCGN's ``e``.
    ``ukrainian`` picks the Ukrainian table (``г`` = h, ``и`` = y); by default a word is
    Ukrainian when it has a Ukrainian-only letter. Callers that see the whole name pass
    ``is_ukrainian(name)``: ``Луганська`` alone does not say it, ``Республіка`` beside it does.
    """
    if ukrainian is None:
        ukrainian = bool(_UKRAINIAN_MARKERS & set(text))
    table = {**_COMMON, **_UKRAINIAN} if ukrainian else _COMMON
    out: list[str] = []
    prev = ""
    for ch in text:
        # BGN/PCGN: е is "ye" at the start of a word and after a vowel or ъ/ь (Russian).
        if ch == "е" and not ukrainian and (not prev or prev in _VOWELS or prev in "ъь"):
            out.append("ye")
        elif ch == "ё" and yo:
            out.append("o" if prev in ("ж", "ч", "ш", "щ") else "yo")
        else:
            out.append(table.get(ch, ch))
        prev = ch if ch.isalpha() else ""
    return "".join(out)


def is_belarusian(text: str) -> bool:
    """Belarusian spelling: has ``ў``, or ``і`` without Russian/Ukrainian-only letters."""
    letters = set(text)
    if letters & _NOT_BELARUSIAN:
        return False
    return bool(letters & _BELARUSIAN_ONLY) or ("і" in letters and bool(letters & set("ыэ")))


def romanize_belarusian(text: str) -> str:
    """Belarusian passport romanisation of a lower-cased Belarusian word."""
    out: list[str] = []
    prev = ""
    for ch in text:
        if ch in _BELARUSIAN_INITIAL and (not prev or prev in _VOWELS or prev in "ь'’"):
            out.append(_BELARUSIAN_INITIAL[ch])
        else:
            out.append(_BELARUSIAN.get(ch, _COMMON.get(ch, ch)))
        prev = ch if ch.isalpha() else ""
    return "".join(out)
