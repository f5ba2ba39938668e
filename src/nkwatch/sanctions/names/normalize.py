"""From a published or queried name to comparable forms: folded Latin tokens with weights.

Steps: Unicode NFC + case folding; native-script legal forms replaced (``有限公司``,
``주식회사``, ``ООО``); initialisms joined (``A.B.C.`` -> ``abc``); apostrophes dropped and
other punctuation split; each script run transliterated (possibly several readings, see
``translit``); Latin legal-form phrases folded to one canonical low-weight token; each token
gets a phonetic key (``variants``) and a weight share from ``generic_words.tsv``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from nkwatch.sanctions.names.lexicon import NEAR_LEGAL_LEN, lexicon
from nkwatch.sanctions.names.translit import (
    Context,
    Reading,
    ascii_tokens,
    korean_readings,
    transliterate,
    whole_name_readings,
)
from nkwatch.sanctions.names.variants import phonetic_key

_APOSTROPHES = str.maketrans("", "", "'’‘`ʼʻ´′")
_INITIALISM = re.compile(r"(?<!\w)((?:\w\.){2,}\w?)")
GLUED_LEGAL, MIN_GLUED = 7, 3  # a legal word this long, run into a word this long, is split
MAX_TOKENS = 24  # beyond this a "name" is prose; the extra tokens add cost, not evidence


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # folded ASCII
    key: str  # phonetic key (variants.phonetic_key)
    share: float  # weight share from the generic-word lexicon (1.0 = distinctive word)
    legal: bool = False  # a legal-form token (llc, ltd, 有限公司 ...)
    syllabic: bool = False  # one syllable of a Hangul/Hanzi word; may be joined with neighbours


@dataclass(frozen=True, slots=True)
class NameForm:
    """One comparable reading of a name; ``translit`` says how it was produced ("" = Latin)."""

    tokens: tuple[Token, ...]
    translit: str = ""

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)


def script_of(ch: str) -> str:
    """ISO 15924 code of a letter for the scripts we romanise ourselves; Zyyy for the rest."""
    cp = ord(ch)
    if cp < 0x250 or 0x1E00 <= cp <= 0x1EFF or ch.isdigit():
        return "Latn"
    if 0xAC00 <= cp <= 0xD7A3:
        return "Hang"
    if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF:
        return "Hani"
    if 0x0400 <= cp <= 0x052F:
        return "Cyrl"
    return "Zyyy"


def _runs(word: str) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for ch in word:
        script = script_of(ch)
        if runs and runs[-1][0] == script:
            runs[-1] = (script, runs[-1][1] + ch)
        else:
            runs.append((script, ch))
    return runs


# Latin letters that look like Cyrillic ones; lists mix them ("Калiноўскi", "Общество C ...").
_HOMOGLYPHS = str.maketrans("aceopxyikmthb", "асеорхуікмтнв")


def _unmix(text: str) -> str:
    """Mostly-Cyrillic text: Latin look-alike letters become Cyrillic."""
    cyr = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    lat = sum(1 for c in text if "a" <= c <= "z")
    return text.translate(_HOMOGLYPHS) if cyr > 2 * lat and lat else text


def _prepare(name: str) -> str:
    text = _unmix(unicodedata.normalize("NFC", name).casefold().translate(_APOSTROPHES))
    for phrase, canonical in lexicon().legal_native:
        if phrase in text:
            text = text.replace(phrase, f" {canonical} ")
    text = _INITIALISM.sub(lambda m: m.group(1).replace(".", ""), text)
    return "".join(c if c.isalnum() else " " for c in text)


def _latin(run: str) -> Reading:
    return Reading(ascii_tokens(run), "")


@lru_cache(maxsize=262_144)
def analyze(name: str, *, is_person: bool) -> tuple[NameForm, ...]:
    """All comparable forms of a name (one per transliteration reading), best-known first.

    Cached: lists repeat names across programmes, lists and aliases; the result is immutable.
    """
    per_run: list[list[Reading]] = []
    text = _prepare(name)
    if text.isascii():  # fast path: one Latin run, already folded
        words = text.split()
        per_run = [[Reading(tuple(words), "")]] if words else []
    ctx = Context(is_person, text)
    runs = [] if text.isascii() else [r for word in text.split() for r in _runs(word)]
    for script, run in runs:
        per_run.append([_latin(run)] if script == "Latn" else transliterate(run, script, ctx))
    if not per_run:
        return ()
    n_forms = max(len(r) for r in per_run)
    combined = [
        [readings[min(i, len(readings) - 1)] for readings in per_run] for i in range(n_forms)
    ]
    if not text.isascii():
        combined += [[r] for r in whole_name_readings(text, ctx)]
        combined += korean_readings(runs, per_run, ctx)
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for readings in combined:
        tokens: list[Token] = []
        labels: list[str] = []
        for reading in readings:
            if reading.label and reading.label not in labels:
                labels.append(reading.label)
            shares = reading.shares or (1.0,) * len(reading.tokens)
            tokens.extend(  # a glossary's "people's" is the folded Latin "peoples"
                Token(
                    t.replace("'", ""),
                    "",
                    share,
                    syllabic=reading.syllabic and k not in reading.words,
                )
                for k, (t, share) in enumerate(zip(reading.tokens, shares, strict=True))
            )
        folded = _numbers(
            _fold_legal(tokens[:MAX_TOKENS], legal_forms=not is_person), is_person=is_person
        )
        texts = tuple(t.text for t in folded)
        if folded and texts not in seen:
            seen.add(texts)
            forms.append(NameForm(folded, "; ".join(labels)))
    return tuple(forms)


def _fold_legal(tokens: list[Token], *, legal_forms: bool) -> tuple[Token, ...]:
    """Fold legal-form phrases to canonical tokens; attach phonetic keys and weight shares.

    People have no legal form: in a person's name "Se" or "Sa" is a name, not a company type;
    nor is a syllable read from Han or Hangul (薩利塔 is ``sa li ta``, Salita, not S.A.).
    """
    lex = lexicon()
    if not legal_forms:
        return tuple(_token(t.text, legal=False, syllabic=t.syllabic) for t in tokens)
    legal_set = lex.legal_tokens
    tokens = [part for tok in tokens for part in _unglue(tok, lex.legal_words)]
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if tokens[i].syllabic:  # a romanised Han/Hangul syllable (薩 sa, 奧 ao) is no legal form
            out.append(_syllable(tokens[i], legal_set))
            i += 1
            continue
        for size in range(min(lex.max_legal_len, len(tokens) - i), 1, -1):
            window = tuple(t.text for t in tokens[i : i + size])
            canon = lex.legal_latin.get(window) or _near_legal(window)
            if canon is not None:
                out.extend(_token(c, legal=True) for c in canon)
                i += size
                break
        else:
            tok = tokens[i]
            text = (
                lex.legal_latin.get((tok.text,), (tok.text,))[0]
                if tok.text in legal_set or (tok.text,) in lex.legal_latin
                else tok.text
            )
            out.append(_token(text, legal=text in legal_set, syllabic=tok.syllabic))
            i += 1
    return tuple(out)


def _unglue(tok: Token, legal_words: frozenset[str]) -> list[Token]:
    """A word run together with a long legal-phrase word before or after it, as two words
    (``companyksk``, ``binrinlimited``, ``otvetstvennostyuabakan``): a missing space is a
    common slip, and the legal phrase is only recognised word by word."""
    text = tok.text
    if tok.syllabic or len(text) < GLUED_LEGAL + MIN_GLUED or not text.isalpha():
        return [tok]
    for cut in range(MIN_GLUED, len(text) - MIN_GLUED + 1):
        head, tail = text[:cut], text[cut:]
        if len(head) >= GLUED_LEGAL and head in legal_words:
            return [Token(head, "", tok.share), Token(tail, "", tok.share)]
        if len(tail) >= GLUED_LEGAL and tail in legal_words:
            return [Token(head, "", tok.share), Token(tail, "", tok.share)]
    return [tok]


def _near_legal(window: tuple[str, ...]) -> tuple[str, ...] | None:
    """The canonical form of a legal phrase typed with one typo in one of its long words
    (``limiyed liability company``, ``obshchestvo s ogranichennoi otvetstvennostyh``; a
    letter left out of a five-letter word too: ``jint stock company``)."""
    lex = lexicon()
    odd = [k for k, word in enumerate(window) if word not in lex.legal_words]
    if len(odd) != 1 or len(window[odd[0]]) < NEAR_LEGAL_LEN - 1:
        return None
    k = odd[0]
    for word, canon in lex.legal_near.get((*window[:k], "*", *window[k + 1 :]), ()):
        if OSA.distance(window[k], word, score_cutoff=1) <= 1:
            return canon
    return None


def _syllable(tok: Token, legal_set: frozenset[str]) -> Token:
    """A syllable of an organisation's name: the descriptor share its reading gave it, else
    the generic share of its text, but never a legal form's (``sa`` is a name syllable)."""
    if tok.share < 1.0:
        return _token(tok.text, legal=False, syllabic=True, share=tok.share)
    share = 1.0 if tok.text in legal_set else None
    return _token(tok.text, legal=False, syllabic=True, share=share)


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_TENS_DIGITS = {str(v) for v in _TENS.values()}
_NUMBER_WORDS = {**{w: n for n, w in enumerate(_UNITS)}, **_TENS, **_ORDINALS}
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$")
# Multi-letter Roman numerals only: a lone "v" or "x" is more often an initial.
_ROMAN = {
    r: n
    for n, r in enumerate(
        [
            "-",
            "-",
            "ii",
            "iii",
            "iv",
            "-",
            "vi",
            "vii",
            "viii",
            "ix",
            "-",
            "xi",
            "xii",
            "xiii",
            "xiv",
            "xv",
            "xvi",
            "xvii",
            "xviii",
            "xix",
            "xx",
        ]
    )
    if r != "-"
}
# Roman numerals that are also name syllables (Xi Jinping, Vi Thanh): in a person's name they stay
# words; a vessel or company series (``OCEAN STAR XI``) still reads them as numbers.
_NAME_LIKE_ROMAN = frozenset({"xi", "vi"})
NUMBER_SHARE = 0.3  # a number tells series or vessel siblings apart, but is weak identity evidence


def _roman(tok: Token, *, is_person: bool) -> int | None:
    if is_person and tok.text in _NAME_LIKE_ROMAN:
        return None
    return _ROMAN.get(tok.text)


def _number_value(tok: Token, *, is_person: bool) -> int | None:
    if tok.text.isdigit():
        return int(tok.text)
    if m := _ORDINAL_DIGITS.match(tok.text):
        return int(m.group(1))
    if tok.syllabic:
        return None
    return _NUMBER_WORDS.get(tok.text, _roman(tok, is_person=is_person))


def _numbers(tokens: tuple[Token, ...], *, is_person: bool) -> tuple[Token, ...]:
    """Number words and ordinals as digits (``forty four`` = ``44``, ``1st`` = ``first`` = ``1``).

    Romanised Chinese or Korean syllables are never numbers (习 = ``xi``, not eleven).
    """
    out: list[Token] = []
    for tok in tokens:
        value = _number_value(tok, is_person=is_person)
        if value is None:
            out.append(tok)
            continue
        prev = out[-1] if out else None
        if prev is not None and prev.text in _TENS_DIGITS and 0 < value < 10:
            value += int(prev.text)
            out.pop()
        out.append(_token(str(value), legal=False))
    return tuple(out)


def _token(text: str, *, legal: bool, syllabic: bool = False, share: float | None = None) -> Token:
    if share is None:
        share = lexicon().generic.get(text, 1.0)
    if text.isdigit():
        share = min(share, NUMBER_SHARE)
    elif len(text) == 1:
        share = min(share, 0.3)  # an initial says little on its own
    return Token(text, phonetic_key(text), share, legal, syllabic)
