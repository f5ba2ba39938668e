"""Transliterator registry: one entry per ISO 15924 script, built-ins registered like plug-ins.

A transliterator turns one run of a script into one or more *readings*: Latin token lists
with a label saying which system produced them ("Hangul -> McCune-Reischauer"). The matcher
tries every reading and keeps the best, so adding a system only adds recall.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from anyascii import anyascii

from nkwatch.sanctions.names.lexicon import lexicon

# hanzi (pypinyin) and cantonese (ToJyutping) load their dictionaries at import, about a
# second together: they are imported by the Han reading that needs them, not here.
from nkwatch.sanctions.names.translit import cyrillic, glossary, hangul, hanja, japanese, loanword


@dataclass(frozen=True, slots=True)
class Reading:
    """Latin tokens for one script run; ``syllabic`` tokens may be joined by the matcher.

    ``words`` marks the tokens of a syllabic reading that are whole words (a glossary's
    ``trading`` among ``sa li ta``): they are neither syllables nor names. ``shares`` (one
    per token, organisations only) weights the syllables of descriptor words down
    (``glossary.descriptor_shares``).
    """

    tokens: tuple[str, ...]
    label: str
    syllabic: bool = False
    words: tuple[int, ...] = ()
    shares: tuple[float, ...] = ()  # per token, when a descriptor's syllables weigh less


@dataclass(frozen=True, slots=True)
class Context:
    """What a transliterator may know beyond its run: the kind of party and the whole name
    (lower-cased), which tells Belarusian from Russian or a Japanese name from a Chinese one."""

    is_person: bool
    name: str = ""


NATIVE_HANGUL = "Hangul (native)"
HANJA_KOREAN = "Hanja read in Korean"
HANJA_NATIVE = f"{HANJA_KOREAN} (native)"  # the Korean reading as Hangul letters
_LATIN = re.compile(r"[a-z]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
Transliterator = Callable[[str, Context], list[Reading]]  # (run, context) -> readings
_REGISTRY: dict[str, Transliterator] = {}


def register(script: str) -> Callable[[Transliterator], Transliterator]:
    def deco(fn: Transliterator) -> Transliterator:
        _REGISTRY[script] = fn
        return fn

    return deco


def transliterate(run: str, script: str, ctx: Context) -> list[Reading]:
    """Readings of one run; scripts without a dedicated romaniser fall back to ``Zyyy``."""
    return _REGISTRY.get(script, _REGISTRY["Zyyy"])(run, ctx)


def whole_name_readings(text: str, ctx: Context) -> list[Reading]:
    """Readings of a whole name that no run-by-run reading gives: Japanese (kanji words span
    runs and kana; the reading depends on the word), for plausibly Japanese Han names only."""
    if not _HAN_OR_KANA.search(text) or not japanese.plausible(text, is_person=ctx.is_person):
        return []
    tokens = ascii_tokens(japanese.romanize(text).replace("?", " ").replace("'", ""))
    return [Reading(tokens, "Kanji -> Hepburn")] if tokens else []


def korean_readings(
    runs: list[tuple[str, str]], plain: list[list[Reading]], ctx: Context
) -> list[list[Reading]]:
    """Whole-name readings of a name with Han characters read in Korean (``hanja``), one per
    romanisation and spelling (North, then South): each Han run in that reading, every other
    run in its first one. None if a Han character has no Korean reading, and none for a bare
    two or three characters read as an organisation: that is how a person's name is written
    (刘晶 read 류정 is not the vessel YU JONG 2)."""
    bare = ctx.name.strip()
    if not ctx.is_person and 2 <= len(bare) <= 3 and _HAN.fullmatch(bare):
        return []
    korean: dict[int, dict[tuple[str, int, int], Reading]] = {}
    for i, (script, run) in enumerate(runs):
        if script != "Hani":
            continue
        person = ctx.is_person and not korean  # the first Han run begins with the surname
        spellings = hanja.read(run, person=person)
        if not spellings:
            return []
        korean[i] = {}
        for n, spelling in enumerate(spellings):
            for r in _hangul(spelling, ctx):
                way = sum(1 for label, m, _ in korean[i] if label == r.label and m == n)
                korean[i][(r.label, n, way)] = _as_hanja(r)
    keys = list(dict.fromkeys(k for readings in korean.values() for k in readings))
    return [
        [_pick(korean[i], key) if i in korean else plain[i][0] for i in range(len(runs))]
        for key in keys
    ]


def _pick(readings: dict[tuple[str, int, int], Reading], key: tuple[str, int, int]) -> Reading:
    """The run's reading of that romanisation, spelling (North, South) and rendering, else its
    North one, else its first."""
    return (
        readings.get(key)
        or readings.get((key[0], 0, key[2]))
        or readings.get((key[0], 0, 0))
        or next(iter(readings.values()))
    )


def _as_hanja(reading: Reading) -> Reading:
    """A Hangul reading relabelled as the Korean reading of Han characters."""
    label = (
        HANJA_NATIVE
        if reading.label == NATIVE_HANGUL
        else reading.label.replace("Hangul", HANJA_KOREAN, 1)
    )
    return Reading(reading.tokens, label, reading.syllabic, reading.words, reading.shares)


def ascii_tokens(text: str) -> tuple[str, ...]:
    """Lower-case ASCII words of any text (anyascii folds accents and foreign letters)."""
    return tuple("".join(c if c.isalnum() else " " for c in anyascii(text).lower()).split())


@register("Zyyy")
def _generic(run: str, ctx: Context) -> list[Reading]:
    """Any other script (Arabic, Greek, Armenian, Georgian, kana...): anyascii tables."""
    return [Reading(ascii_tokens(run), "anyascii")]


@register("Cyrl")
def _cyrillic(run: str, ctx: Context) -> list[Reading]:
    ukrainian = cyrillic.is_ukrainian(ctx.name) or None  # else: decided per word
    plain = ascii_tokens(cyrillic.romanize(run, ukrainian=ukrainian))
    readings = [Reading(plain, "Cyrillic -> BGN/PCGN")]
    if "ё" in run:
        readings.append(Reading(ascii_tokens(cyrillic.romanize(run, yo=True)), "Cyrillic -> yo"))
    if cyrillic.is_belarusian(ctx.name):
        belarusian = ascii_tokens(cyrillic.romanize_belarusian(run))
        readings.append(Reading(belarusian, "Cyrillic -> Belarusian national"))
    if not ctx.is_person:
        readings += _russian_glossary(run, readings[0], ukrainian) or _loanword(run)
    return readings


def _loanword(run: str) -> list[Reading]:
    """An English word written in Cyrillic, spelled back (``маритайм`` -> ``maritime``)."""
    english = loanword.romanize(run)
    return [Reading(ascii_tokens(english), "Cyrillic -> English loanword")] if english else []


def _russian_glossary(run: str, plain: Reading, ukrainian: bool | None) -> list[Reading]:
    """English words for a word of an organisation name; a place-name adjective keeps its
    transliteration in one reading and gives its place in another (``Казанский`` = Kazan,
    but ``Быстринская`` stays Bystrinskaya in English too)."""
    renderings = glossary.russian_renderings(run)
    if renderings:
        return [Reading(english, "Cyrillic -> glossary") for english in renderings]
    place = glossary.toponym(run)
    if place is None:
        return []
    stem = ascii_tokens(cyrillic.romanize(place, ukrainian=ukrainian))
    return [Reading(plain.tokens, "Cyrillic -> glossary"), Reading(stem, "Cyrillic -> place")]


def _shares(run: str, table: dict[str, str], ctx: Context, n_tokens: int) -> tuple[float, ...]:
    """Descriptor shares of a run read syllable by syllable (organisations only)."""
    if ctx.is_person:
        return ()
    shares = glossary.descriptor_shares(run, table)
    return shares if len(shares) == n_tokens else ()


@register("Hani")
def _hanzi(run: str, ctx: Context) -> list[Reading]:
    from nkwatch.sanctions.names.translit import cantonese, hanzi

    syllables = hanzi.pinyin(run)
    shares = _shares(run, lexicon().zh, ctx, len(syllables))
    readings = [Reading(tuple(syllables), "Hanzi -> pinyin", syllabic=True, shares=shares)]
    wade = tuple(hanzi.wade_giles(s) for s in syllables)
    if wade != tuple(syllables):
        readings.append(Reading(wade, "Hanzi -> Wade-Giles", syllabic=True, shares=shares))
    if cantonese.plausible(ctx.name, is_person=ctx.is_person):
        jyut = tuple(cantonese.romanize(run))
        if jyut and jyut != tuple(syllables):
            jyut_shares = shares if len(jyut) == len(syllables) else ()
            label = "Hanzi -> Cantonese (HK)"
            readings.append(Reading(jyut, label, syllabic=True, shares=jyut_shares))
    if not ctx.is_person:
        glossed = _hanzi_glossary(run, ctx)
        readings += glossed
        # only in a company-shaped name (a legal form or company word): 刘德华 is no "Liudhua"
        foreign = hanzi.transcription(run) if glossed or _LATIN.search(ctx.name) else None
        if foreign is not None:
            tokens, words = foreign
            label = "Hanzi -> transcribed foreign name"
            readings.append(Reading(tuple(tokens), label, syllabic=True, words=words))
    return readings


def _hanzi_glossary(run: str, ctx: Context) -> list[Reading]:
    """Company words translated, the rest read by sound: pinyin, and Wade-Giles too for a
    Taiwanese name (traditional characters, not from Hong Kong or Macau)."""
    from nkwatch.sanctions.names.translit import cantonese, hanzi

    tokens, words = hanzi.translate(run)
    if not words:
        return []
    readings = [Reading(tuple(tokens), "Hanzi -> glossary + pinyin", syllabic=True, words=words)]
    if hanzi.traditional(ctx.name) and not cantonese.plausible(ctx.name, is_person=False):
        wade, _ = hanzi.translate_wade_giles(run)
        if wade != tokens:
            label = "Hanzi -> glossary + Wade-Giles"
            readings.append(Reading(tuple(wade), label, syllabic=True, words=words))
    return readings


@register("Hang")
def _hangul(run: str, ctx: Context) -> list[Reading]:
    # A 2-4 syllable word in a person's name is surname + given name, romanised per syllable.
    per_syllable = ctx.is_person and 2 <= len(run) <= 4
    shares = _shares(run, lexicon().ko, ctx, len(run))
    readings = [
        Reading(
            tuple(hangul.romanize_word(run, system, per_syllable=per_syllable)),
            f"Hangul -> {system}",
            True,
            shares=shares,
        )
        for system in (hangul.System.DPRK, hangul.System.MR, hangul.System.RR)
    ]
    # Hangul against Hangul is compared letter for letter: romanisation would merge 종/정.
    readings.append(Reading(tuple(run), NATIVE_HANGUL, syllabic=True, shares=shares))
    if not ctx.is_person:
        readings += _hangul_glossary(run)
    return readings


def _hangul_glossary(run: str) -> list[Reading]:
    """Korean company words translated, the rest in DPRK romanisation; a word with two usual
    renderings (``항공`` aviation|air) gives one reading per rendering."""
    pieces = list(glossary.segments(run, lexicon().ko))
    ways = max((len(english.split("|")) for _, english in pieces if english), default=0)
    readings: list[Reading] = []
    for way in range(ways):
        tokens: list[str] = []
        words: list[int] = []
        for piece, english in pieces:
            if english is None:
                tokens.extend(hangul.romanize_word(piece, hangul.System.DPRK))
                continue
            renderings = english.split("|")
            for word in renderings[min(way, len(renderings) - 1)].split():
                words.append(len(tokens))
                tokens.append(word)
        label = "Hangul -> glossary + DPRK official"
        readings.append(Reading(tuple(tokens), label, syllabic=True, words=tuple(words)))
    return readings
