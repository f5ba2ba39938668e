"""Loads the name-matching lexicons shipped as TSV data in ``nkwatch/data/sanctions/names``.

Domain knowledge (legal forms, generic words, surname romanisations, company-word glossaries)
lives in data files so analysts can review and extend it; this module only parses them once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


def _rows(filename: str) -> list[list[str]]:
    text = (
        resources.files("nkwatch.data").joinpath("sanctions", "names", filename).read_text("utf-8")
    )
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


NEAR_LEGAL_LEN = 5  # a legal phrase's word this long may carry one typo


@dataclass(frozen=True)
class Lexicon:
    """All tables, keyed for fast lookup."""

    legal_latin: dict[tuple[str, ...], tuple[str, ...]]  # folded phrase tokens -> canonical tokens
    legal_native: tuple[tuple[str, str], ...]  # (native phrase, canonical), longest first
    generic: dict[str, float]  # token -> weight share
    surname: dict[str, str]  # romanised surname or name-word variant -> canonical
    zh: dict[str, str]  # hanzi word -> english
    ko: dict[str, str]  # hangul word -> english
    ru: dict[str, str]  # cyrillic stem -> english
    legal_tokens: frozenset[str]  # every canonical legal-form token
    max_legal_len: int  # longest legal phrase, in tokens
    # a legal phrase with one word of 5+ letters blanked ("*") -> (that word, canonical):
    # a phrase typed with one typo in a long word is still the legal form
    legal_near: dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]
    legal_words: frozenset[str]  # every word of a Latin legal phrase


def _is_ascii(text: str) -> bool:
    return all(ord(c) < 128 for c in text)


@cache
def lexicon() -> Lexicon:
    legal_latin: dict[tuple[str, ...], tuple[str, ...]] = {}
    legal_native: list[tuple[str, str]] = []
    for phrase, canonical in _rows("legal_forms.tsv"):
        if _is_ascii(phrase):
            legal_latin[tuple(phrase.replace("-", " ").split())] = tuple(canonical.split())
        else:
            legal_native.append((phrase, canonical))
    legal_native.sort(key=lambda pc: -len(pc[0]))
    generic = {w: float(v) for w, v in _rows("generic_words.tsv")}
    surname: dict[str, str] = {}
    for row in [*_rows("korean_surnames.tsv"), *_rows("token_variants.tsv")]:
        canonical = row[0]
        for variant in " ".join(row[1:]).split():
            surname.setdefault(variant, canonical)
    zh = {h: e for h, e in _rows("zh_lexicon.tsv")}
    ko = {h: e for h, e in _rows("ko_lexicon.tsv")}
    legal_tokens = frozenset(c for canon in legal_latin.values() for c in canon)
    max_len = max((len(k) for k in legal_latin), default=1)
    ru = {stem: english for stem, english in _rows("ru_lexicon.tsv")}
    near: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
    for words, canon in legal_latin.items():
        for k, word in enumerate(words):
            if len(words) > 1 and len(word) >= NEAR_LEGAL_LEN:
                blank = (*words[:k], "*", *words[k + 1 :])
                near.setdefault(blank, []).append((word, canon))
    legal_words = frozenset(w for phrase in legal_latin for w in phrase)
    return Lexicon(
        legal_latin,
        tuple(legal_native),
        generic,
        surname,
        zh,
        ko,
        ru,
        legal_tokens,
        max_len,
        {k: tuple(v) for k, v in near.items()},
        legal_words,
    )
