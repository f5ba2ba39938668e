"""Romanisation variants: Korean surname table plus a phonetic key that folds spelling systems.

Two spellings of one name get the same key when they differ only by romanisation system:
McCune-Reischauer vs Revised Romanisation vs DPRK 1992 (``Jong/Jeong/Chong/Chung``,
``Kyong/Gyeong/Kyung``, ``Hyon/Hyun/Hyeon``, ``Un/Eun/Woon``, ``Sop/Seop``, ``Chol/Cheol``),
Korean surname spellings (``Ri/Li/Lee/Yi/Rhee``, ``Pak/Park/Bak``, ``Choe/Choi/Chwe``) and
Slavic transliteration habits (``Sergey/Sergei/Sergej``, ``-ov/-off``, ``kh/h``, ``y/i``,
``Yevgeny/Evgeny``, ``Natalya/Natalia``).
The key is deliberately lossy (voicing and o/u are folded), so a key match scores below an
exact match and is reported as "phonetic" in the explanation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nkwatch.sanctions.names.lexicon import lexicon

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"t?sch|tch", "ch"),
        (r"^hs|x", "s"),  # Wade-Giles hs / pinyin x (Hsi = Xi = Si)
        (r"^woo", "u"),
        (r"^ye(?!o)|(?<=[aeiou])ye", "e"),  # Yevgeny/Evgeny, Alekseyevich/Alekseevich
        (r"(?<=[aeiou])j(?=$|[^aeiou])", "i"),  # Sergej, Andrej
        (r"(ey|ei|ij|iy|yj|yi|ii|yy)$", "i"),  # Sergey/Sergei, Zelenskiy/Zelenskyy
        (r"ff$|ow$", "v"),  # -off, -ow
        (r"zh|dj|ch", "j"),
        (r"sh", "s"),
        (r"kh", "h"),
        (r"gh", "g"),
        (r"ph", "f"),
        (r"(?<=[bdgkptj])h", ""),  # aspiration marks: th, kh (DPRK), ch' already folded
        (r"ck|qu|q|c", "k"),
        (r"ee|ui$", "i"),  # 희: Hee / Hui
        (r"eo", "o"),
        (r"eu|oo|ou", "u"),
        (r"oe|oi|oy|we", "e"),
        (r"ae|ai|ay", "e"),
        (r"y(?![aeiouw])", "i"),
        (r"(?<=[^aeiouy])y(?=[aeou])", "i"),  # Natalya/Natallia, Siarhei (not Myint/Mint)
    )
)
# Single letters folded in one pass: voicing (g/k, b/p, d/t, z/s), w/v and o/u.
_FOLD = str.maketrans("wogbdz", "vukpts")
_TAIL_H = re.compile(r"(?<=[aeiu])h$")  # Oh, Koh, Noh
_DOUBLE = re.compile(r"(.)\1+")
_MIXED = re.compile(r"[a-z0-9]+")
_PARTS = re.compile(r"[a-z]+|[0-9]+")


def surname_canonical(token: str) -> str | None:
    """The canonical Korean surname a romanised token spells, if any (``lee`` -> ``ri``)."""
    return lexicon().surname.get(token)


@lru_cache(maxsize=500_000)
def phonetic_key(token: str) -> str:
    """A romanisation-insensitive key for one lower-case ASCII token.

    A token mixing letters and digits is keyed run by run (``skay17`` = ``skai`` + ``17``), so
    it meets the same name written as a word and a number (``Скай17`` is read ``skay 17``).
    """
    if not token.isalpha():
        if token.isdigit() or not _MIXED.fullmatch(token):
            return token
        return "".join(p if p.isdigit() else phonetic_key(p) for p in _PARTS.findall(token))
    key = lexicon().surname.get(token, token)
    for pattern, repl in _RULES:
        key = pattern.sub(repl, key)
    key = _DOUBLE.sub(r"\1", _TAIL_H.sub("", key.translate(_FOLD)))
    return key or token
