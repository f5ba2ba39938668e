"""The Chinese characters behind the syllables of a pinyin reading, simplified.

Pinyin without tones merges distinct characters: 何/贺 are both ``he``, 健/建 both ``jian``,
瑜/宇/玉 all ``yu``. Two Han-script names are the same name only when their characters agree
(after folding traditional to simplified: 李桂華 = 李桂华), so the pinyin reading of a Han
name carries its characters, one per syllable, for the aligner to check.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Protocol

from nkwatch.sanctions.names import hanfile
from nkwatch.sanctions.names.lexicon import lexicon
from nkwatch.sanctions.names.normalize import Token, script_of

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@cache
def _to_simplified() -> _Converter:
    from opencc import OpenCC  # loaded by the first Han name: Latin queries never need it

    converter: _Converter = OpenCC("t2s")
    return converter


def _han_chars(name: str) -> str:
    """Han characters of a name in order, without those of native legal-form phrases
    (``有限公司`` is read as canonical Latin tokens, not as syllables)."""
    text = unicodedata.normalize("NFC", name).casefold()
    for phrase, _canonical in lexicon().legal_native:
        if phrase in text:
            text = text.replace(phrase, " ")
    return "".join(c for c in text if script_of(c) == "Hani")


def signature(name: str) -> str:
    """The simplified Han characters of a name (``""`` if none): names whose readings are
    identical but whose characters differ (张健, 张建) must not share a score."""
    if not _HAN.search(name):
        return ""
    return str(_to_simplified().convert(_han_chars(name)))


def syllable_chars(name: str, tokens: tuple[Token, ...]) -> tuple[str, ...]:
    """Per token: its simplified Han character when the name's Han characters map one to one
    onto the reading's syllable tokens, else ``""``; ``()`` when they do not map."""
    chars = _han_chars(name)
    if not chars or len(chars) != sum(1 for t in tokens if t.syllabic):
        return ()
    simplified = _to_simplified().convert(chars)
    if len(simplified) != len(chars):  # a phrase conversion changed the length: no 1:1 map
        return ()
    it = iter(simplified)
    return tuple(next(it) if t.syllabic else "" for t in tokens)


def same_character(a: tuple[str, ...], i: int, b: tuple[str, ...], j: int) -> bool:
    """Whether token ``i`` of ``a`` and token ``j`` of ``b`` may stand for one character
    (unknown characters, ``""`` or no map, never disagree)."""
    if not a or not b:
        return True
    return not a[i] or not b[j] or a[i] == b[j]


@cache
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (pypinyin's character table, ``ü`` as ``u``): a Latin
    word that is one of them is written in pinyin and names its own characters. From the
    persisted Han readings when there are some, else from pypinyin (about a second)."""
    table = hanfile.table()
    return table.syllables if table is not None else hanfile.library_syllables()
