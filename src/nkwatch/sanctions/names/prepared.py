"""A name reading made ready for alignment: token texts, keys, shares, weights and name roles.

Built once per indexed reading (lazily, then kept) and once per query reading, so the aligner
works on plain tuples instead of re-deriving weights and roles for every comparison.

Personal names read from Hangul or Hanzi are a surname syllable followed by the syllables of
one given name (``김정은`` = ``kim`` + ``jong un``). The given-name syllables share one given
name's weight (``yong`` and ``chol`` are half a name each, not two names), and a given name
matched in part is a different given name (``刘娟`` is not ``刘宝娟``). Syllables are never
weighted as initials even when their romanisation is one letter (``이`` = ``i``, ``오`` = ``o``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nkwatch.sanctions.names.arabic import ARABIC
from nkwatch.sanctions.names.han import syllable_chars
from nkwatch.sanctions.names.normalize import NameForm, Token, script_of
from nkwatch.sanctions.names.translit import HANJA_KOREAN, HANJA_NATIVE, NATIVE_HANGUL

OTHER, SURNAME, GIVEN = 0, 1, 2
MIN_RUN, MAX_RUN = 2, 4  # surname + one to three given-name syllables
SHAPED_RUN = 3  # longest bare syllable run taken for a person's name whatever the schema
PINYIN = "Hanzi -> pinyin"  # label of the plain pinyin reading (translit registry)
# Mandarin readings, whose syllables are spelt one way; Hong Kong (Cantonese) spellings vary
MANDARIN = (PINYIN, "Hanzi -> Wade-Giles")

Idf = Callable[[Token], float]


def flat_idf(token: Token) -> float:
    """No corpus statistics (pairwise scoring): every key equally informative."""
    return 1.0


@dataclass(frozen=True, slots=True)
class Prepared:
    form: NameForm
    texts: tuple[str, ...]
    offsets: tuple[int, ...]  # offsets[k] = letters in texts[:k] (join lengths)
    keys: tuple[str, ...]
    closed: tuple[bool, ...]  # a Hangul/Hanzi syllable: a closed set, never fuzzy
    roles: tuple[int, ...]  # OTHER, SURNAME or GIVEN (personal syllable names only)
    given: tuple[tuple[int, ...], ...]  # token indexes of each given name read from syllables
    shares: tuple[float, ...]  # lexicon share, given-name syllables sharing one name's share
    weights: tuple[float, ...]  # share x IDF
    share_total: float
    weight_total: float
    syllabic: bool  # any token syllabic
    native: bool  # letter-for-letter Hangul reading
    hanja: bool  # Han characters read in Korean, as Hangul letters (``translit.hanja``)
    pinyin: bool  # the plain pinyin reading of a Hanzi name
    han: tuple[str, ...]  # pinyin reading: the simplified character of each syllable ("" else)
    person: bool  # read as a person's name (a lone letter is an initial)
    arabic: bool  # folded Arabic letters (``arabic.reading``), not a romanisation
    hanzi: bool  # syllables of a Mandarin reading of Chinese characters (pinyin, Wade-Giles)
    sino_korean: bool  # syllables of a romanised Korean reading of Han characters


def name_roles(tokens: tuple[Token, ...], person: bool) -> tuple[int, ...]:
    """Surname / given-name role of each token of a person's syllable run of 2-4 tokens."""
    roles = [OTHER] * len(tokens)
    if not person:
        return tuple(roles)
    i = 0
    while i < len(tokens):
        if not tokens[i].syllabic:
            i += 1
            continue
        j = i
        while j < len(tokens) and tokens[j].syllabic:
            j += 1
        if MIN_RUN <= j - i <= MAX_RUN:
            roles[i] = SURNAME
            roles[i + 1 : j] = [GIVEN] * (j - i - 1)
        i = j
    return tuple(roles)


def _given_groups(roles: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    groups: list[list[int]] = []
    for i, role in enumerate(roles):
        if role == SURNAME:
            groups.append([])
        elif role == GIVEN:
            groups[-1].append(i)
    return tuple(tuple(g) for g in groups if g)


def prepare(form: NameForm, person: bool, idf: Idf = flat_idf, name: str = "") -> Prepared:
    """``name``: the written name the form was read from (its characters, for a pinyin form)."""
    tokens = form.tokens
    roles = name_roles(tokens, person)
    given = _given_groups(roles)
    shares = [1.0 if role != OTHER else t.share for t, role in zip(tokens, roles, strict=True)]
    for group in given:
        for i in group:
            shares[i] = 1.0 / len(group)
    weights = tuple(s * idf(t) for s, t in zip(shares, tokens, strict=True))
    offsets = [0]
    for t in tokens:
        offsets.append(offsets[-1] + len(t.text))
    return Prepared(
        form,
        tuple(t.text for t in tokens),
        tuple(offsets),
        tuple(t.key for t in tokens),
        tuple(t.syllabic for t in tokens),
        roles,
        given,
        tuple(shares),
        weights,
        sum(shares) or 1.0,
        sum(weights) or 1.0,
        any(t.syllabic for t in tokens),
        form.translit == NATIVE_HANGUL,
        form.translit == HANJA_NATIVE,
        form.translit == PINYIN,
        syllable_chars(name, tokens) if name and form.translit == PINYIN else (),
        person,
        form.translit == ARABIC,
        any(label in form.translit for label in MANDARIN),
        HANJA_KOREAN in form.translit and form.translit != HANJA_NATIVE,
    )


def personal_shape(name: str) -> bool:
    """A bare run of 2-3 Hangul or Hanzi syllables: how a Korean or Chinese person's name is
    mostly written (``许娜``, ``강서영``). Read as an organisation's name it still keeps its
    surname and given-name roles: ``xu na`` is not the vessel ``SHONA``. Four syllables are
    as often a company (``欧锐激光``, Oree Laser) as a person: those are left alone."""
    text = name.strip()
    if not MIN_RUN <= len(text) <= SHAPED_RUN:
        return False
    scripts = {script_of(c) for c in text}
    return scripts == {"Hang"} or scripts == {"Hani"}
