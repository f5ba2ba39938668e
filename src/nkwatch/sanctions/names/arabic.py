"""Arabic-script names compared on their own letters, not on a romanisation.

A romanisation of Arabic script (anyascii) drops short vowels, ``ع`` and ``ء`` and splits
words at a shadda, so unrelated names meet as two- and three-letter consonant skeletons
(``الأستاذ`` -> ``l stdh`` ~ ``الأسد`` -> ``l sd``). Two Arabic-script names are therefore
compared as folded Arabic words: spelling variants that carry no meaning are folded (hamza
seats and alef forms, ta marbuta, alef maqsura, Persian yeh and kaf, tatweel, diacritics,
zero-width joiners), and words must then be equal, equal without the article ``ال``, or, for
long words only, one edit apart (two from eight letters). Titles and honorifics (``السيد``
Mr, ``الأستاذ`` Professor, ``الدكتور`` Dr ...) are kept but weigh almost nothing.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import OSA

from nkwatch.sanctions.names.normalize import NameForm, Token
from nkwatch.sanctions.names.translit import ascii_tokens
from nkwatch.sanctions.names.variants import phonetic_key

ARABIC = "Arabic (native)"  # label of the letter-for-letter reading
ARTICLE_SIM = 0.92  # ``الأسد`` ~ ``أسد``: the same name with or without the article
FUZZY_STEP = 0.1
HONORIFIC_SHARE = 0.05
_ARTICLE = "ال"

# Folded spellings (see ``fold``) of Arabic and Persian titles and honorifics that precede a
# name: Mr/Mrs/Miss, professor, doctor, engineer, hajji, sheikh (general Arabic usage).
HONORIFICS = frozenset(
    {
        "السيد",
        "السيده",
        "الانسه",
        "الاستاذ",
        "الاستاذه",
        "الدكتور",
        "الدكتوره",
        "المهندس",
        "المهندسه",
        "الحاج",
        "الحاجه",
        "الشيخ",
        "الشيخه",
        "اقاي",  # Persian aqa-ye, Mr
        "خانم",  # Persian khanom, Mrs
        "دكتر",  # Persian doktor
        "مهندس",  # Persian mohandes
    }
)

_LETTERS = re.compile(r"[\u0620-\u064a\u0660-\u0669\u066e-\u06d3\u06d5\u06fa-\u06ff]+")
_ARABIC_BLOCK = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ې": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ک": "ك",  # Persian kaf
        "ڪ": "ك",
        "ۀ": "ه",
        "ە": "ه",
        "ء": None,
        "ـ": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner: one word written in two parts
        "\u200d": None,
    }
)


def fold(text: str) -> str:
    """NFKC (presentation forms), diacritics dropped, spelling variants folded."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if not unicodedata.combining(c) and c != "\u0670")
    return text.translate(_FOLD)


def is_arabic(name: str) -> bool:
    """Every letter of the name is in the Arabic script (Arabic, Persian, Urdu ...)."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(_ARABIC_BLOCK.match(c) for c in letters)


def reading(name: str) -> NameForm | None:
    """The folded Arabic words of an all-Arabic-script name, or ``None``.

    Each token keeps the phonetic key of its romanisation, so it is weighted by the same
    corpus IDF as the romanised readings (``محمد`` is as common as ``mhmd``).
    """
    if not _ARABIC_BLOCK.search(name) or not is_arabic(name):
        return None
    words = _LETTERS.findall(fold(name))
    if not words:
        return None
    tokens = []
    for word in words:
        latin = "".join(ascii_tokens(word)) or word
        share = HONORIFIC_SHARE if word in HONORIFICS else 1.0
        tokens.append(Token(word, phonetic_key(latin), share))
    return NameForm(tuple(tokens), ARABIC)


def _bare(word: str) -> str:
    return word[2:] if word.startswith(_ARTICLE) and len(word) > 3 else word


def similarity(a: str, b: str) -> tuple[float, str]:
    """Similarity of two folded Arabic words and how it was established."""
    if a == b:
        return 1.0, "exact"
    bare_a, bare_b = _bare(a), _bare(b)
    if bare_a == bare_b:
        return ARTICLE_SIM, "article"
    n = min(len(bare_a), len(bare_b))
    allowed = 0 if n < 5 else 1 if n < 8 else 2
    if allowed == 0:
        return 0.0, ""
    edits = OSA.distance(bare_a, bare_b, score_cutoff=allowed + 1)
    if edits <= allowed:
        return 1.0 - FUZZY_STEP * edits, "fuzzy"
    return 0.0, ""
