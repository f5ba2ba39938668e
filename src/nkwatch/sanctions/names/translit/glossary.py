"""Word-by-word English renderings of organisation names, from the reviewed glossaries.

Organisation names are often *translated* between scripts rather than transliterated
(``Объединенная Судостроительная Корпорация`` = United Shipbuilding Corporation,
``银星`` = Silver Star). These functions give that reading; the plain transliteration is
always kept beside it, so a glossary word never hides a phonetic match.

Russian words inflect, so the Russian glossary is keyed by stem: a word matches the longest
stem it starts with when what is left is at most ``MAX_ENDING`` letters (an inflection
ending: ``государствен|ная``, ``завод|а``), so ``банк`` does not match ``банкротство``;
short words that would prefix unrelated ones are whole-word entries (``газ$``, not ``газета``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from nkwatch.sanctions.names.lexicon import lexicon

MAX_ENDING = 4
_EAST_SLAVIC = frozenset("іїє")
_TO_RUSSIAN = str.maketrans("іїє", "иие")
# A place-name adjective (Казанский, Пермская, Донецкого): English renders it by the place.
_TOPONYMIC = re.compile(r"(?<=\w\w\w)[сц]к(?:ий|ая|ое|ого|ой|ие|их|ому|им|ую|ыми|ими)$")


def russian(word: str) -> tuple[str, ...] | None:
    """English tokens for one Cyrillic word (its usual rendering), or None when no stem covers it.

    Entries ending in ``$`` match the whole word only (``дел$``: not ``деловой``). Ukrainian
    and Belarusian cognates are looked up in their Russian spelling when they differ only by
    ``і``/``ї``/``є`` (``республіка`` = ``республика``, ``технології`` = ``технологии``).
    """
    found = russian_renderings(word)
    return found[0] if found else None


def russian_renderings(word: str) -> tuple[tuple[str, ...], ...]:
    """Every English rendering of one Cyrillic word, usual first: a few words have two in
    company names (``решения`` = Solutions or Decisions, ``мир`` = Peace or World)."""
    word = word.replace("ё", "е")
    found = _lookup(word)
    if found is None and _EAST_SLAVIC & set(word):
        found = _lookup(word.translate(_TO_RUSSIAN))
    if found is None:
        return ()
    return tuple(tuple(alt.split()) for alt in found.split("|"))


def _lookup(word: str) -> str | None:
    ru = lexicon().ru
    exact = ru.get(word + "$")
    if exact is not None:
        return exact
    for cut in range(len(word), max(0, len(word) - MAX_ENDING - 1), -1):
        english = ru.get(word[:cut])
        if english is not None:
            return english
    return None


def toponym(word: str) -> str | None:
    """The place a Russian place-name adjective is formed from (``казанский`` -> ``казан``).

    ``-цкий`` keeps its ``ц`` (``донецкий`` -> ``донец``, Donetsk at one edit).
    """
    m = _TOPONYMIC.search(word)
    if m is None:
        return None
    return word[: m.start()] + ("ц" if m.group().startswith("ц") else "")


def segments(text: str, table: dict[str, str]) -> Iterator[tuple[str, str | None]]:
    """Greedy longest-match split of an unspaced run into glossary words (with their English)
    and single characters no entry covers (with ``None``)."""
    longest = max(map(len, table), default=1)
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            english = table.get(text[i : i + size])
            if english is not None:
                yield text[i : i + size], english
                i += size
                break
        else:
            yield text[i], None
            i += 1


def longest_match(
    text: str, table: dict[str, str], fallback: Callable[[str], list[str]]
) -> tuple[list[str], tuple[int, ...]]:
    """Greedy longest-match translation of an unspaced script run (Hanzi, Hangul words).

    Characters no entry covers are read by ``fallback`` (pinyin, DPRK romanisation).
    Returns the tokens and the indexes of those that are glossary words (the rest are
    syllables); no indexes means no glossary word was used.
    """
    tokens: list[str] = []
    words: list[int] = []
    for piece, english in segments(text, table):
        if english is None:
            tokens.extend(fallback(piece))
            continue
        for word in english.split():
            words.append(len(tokens))
            tokens.append(word)
    return tokens, tuple(words)


def descriptor_shares(text: str, table: dict[str, str]) -> tuple[float, ...]:
    """Per character of an unspaced run: the weight share its syllable keeps when the run is
    read by sound. A character of a glossary word that is a mere descriptor (``科技``
    technology, ``무역`` trading) carries that word's generic share, as the translated word
    would; ``()`` when no descriptor is in the run.

    So ``ke ji`` in the pinyin reading of a company weighs what "technology" weighs, and a
    listed name spelt in pinyin syllables does not win on its descriptors alone.
    """
    generic = lexicon().generic
    shares: list[float] = []
    for piece, english in segments(text, table):
        share = 1.0 if english is None else min(generic.get(w, 1.0) for w in english.split())
        shares.extend([share] * len(piece))
    return tuple(shares) if min(shares, default=1.0) < 1.0 else ()
