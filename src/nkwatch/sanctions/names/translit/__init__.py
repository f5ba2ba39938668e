"""Transliterator registry: one entry per ISO 15924 script, built-ins registered like plug-ins.

A transliterator turns one run of a script into one or more *readings*: Latin token lists
with a label saying which system produced them ("Hangul -> McCune-Reischauer"). The matcher
tries every reading and keeps the best, so adding a system only adds recall.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from anyascii import anyascii

from nkwatch.sanctions.names.lexicon import lexicon
from nkwatch.sanctions.names.translit import cyrillic, hangul, hanzi


@dataclass(frozen=True, slots=True)
class Reading:
    """Latin tokens for one script run; ``syllabic`` tokens may be joined by the matcher."""

    tokens: tuple[str, ...]
    label: str
    syllabic: bool = False


NATIVE_HANGUL = "Hangul (native)"
Transliterator = Callable[[str, bool], list[Reading]]  # (run, is_person) -> readings
_REGISTRY: dict[str, Transliterator] = {}


def register(script: str) -> Callable[[Transliterator], Transliterator]:
    def deco(fn: Transliterator) -> Transliterator:
        _REGISTRY[script] = fn
        return fn

    return deco


def transliterate(run: str, script: str, is_person: bool) -> list[Reading]:
    """Readings of one run; scripts without a dedicated romaniser fall back to ``Zyyy``."""
    return _REGISTRY.get(script, _REGISTRY["Zyyy"])(run, is_person)


def ascii_tokens(text: str) -> tuple[str, ...]:
    """Lower-case ASCII words of any text (anyascii folds accents and foreign letters)."""
    return tuple("".join(c if c.isalnum() else " " for c in anyascii(text).lower()).split())


@register("Zyyy")
def _generic(run: str, is_person: bool) -> list[Reading]:
    """Any other script (Arabic, Greek, Armenian, Georgian, kana...): anyascii tables."""
    return [Reading(ascii_tokens(run), "anyascii")]


@register("Cyrl")
def _cyrillic(run: str, is_person: bool) -> list[Reading]:
    readings = [Reading(ascii_tokens(cyrillic.romanize(run)), "Cyrillic -> BGN/PCGN")]
    if not is_person:
        for stem, english in lexicon().ru:
            if run.startswith(stem):
                readings.append(Reading(tuple(english.split()), "Cyrillic -> glossary"))
                break
    return readings


@register("Hani")
def _hanzi(run: str, is_person: bool) -> list[Reading]:
    syllables = hanzi.pinyin(run)
    readings = [Reading(tuple(syllables), "Hanzi -> pinyin", syllabic=True)]
    wade = tuple(hanzi.wade_giles(s) for s in syllables)
    if wade != tuple(syllables):
        readings.append(Reading(wade, "Hanzi -> Wade-Giles", syllabic=True))
    if not is_person:
        tokens, used = hanzi.translate(run)
        if used:
            readings.append(Reading(tuple(tokens), "Hanzi -> glossary + pinyin", syllabic=True))
    return readings


@register("Hang")
def _hangul(run: str, is_person: bool) -> list[Reading]:
    # A 2-4 syllable word in a person's name is surname + given name, romanised per syllable.
    per_syllable = is_person and 2 <= len(run) <= 4
    readings = [
        Reading(
            tuple(hangul.romanize_word(run, system, per_syllable=per_syllable)),
            f"Hangul -> {system}",
            True,
        )
        for system in (hangul.System.DPRK, hangul.System.MR, hangul.System.RR)
    ]
    # Hangul against Hangul is compared letter for letter: romanisation would merge 종/정.
    readings.append(Reading(tuple(run), NATIVE_HANGUL, syllabic=True))
    if not is_person:
        tokens = _hangul_glossary(run)
        if tokens is not None:
            readings.append(Reading(tokens, "Hangul -> glossary + DPRK official", syllabic=True))
    return readings


def _hangul_glossary(run: str) -> tuple[str, ...] | None:
    ko = lexicon().ko
    longest = max((len(k) for k in ko), default=1)
    tokens: list[str] = []
    used = False
    i = 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), 0, -1):
            english = ko.get(run[i : i + size])
            if english is not None:
                tokens.extend(english.split())
                used, i = True, i + size
                break
        else:
            tokens.extend(hangul.romanize_word(run[i], hangul.System.DPRK))
            i += 1
    return tuple(tokens) if used else None
