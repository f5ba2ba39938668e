"""Chinese characters -> Cantonese in the Hong Kong Government romanisation (HK names).

Hong Kong and Macau names are published in their Cantonese reading, spelled the way the
Hong Kong registries spell it, not in pinyin: ``陳`` Chan, ``張`` Cheung, ``黃`` Wong,
``趙詠蘭`` Chiu Wing Lan. Characters are read in Jyutping by ToJyutping (a
dictionary of the Cantonese Computational Linguistics Infrastructure Development
Workgroup); each Jyutping syllable is then respelled by the usual correspondences:
``b d g gw z c j`` -> ``p t k kw ch ch y``, ``oeng`` -> ``eung``, ``eoi`` -> ``ui``,
``yun`` -> ``uen``, ``ou`` -> ``o`` and so on.
"""

from __future__ import annotations

import re

from nkwatch.sanctions.names import hanfile

_SYLLABLE = re.compile(r"^(gw|kw|ng|[bpmfdtnlgkhwzcsj]?)([a-z]+?)([1-6]?)$")
_INITIALS = {"b": "p", "d": "t", "g": "k", "gw": "kw", "z": "ch", "c": "ch", "j": "y"}
_FINALS = {
    "aa": "a", "aai": "ai", "aau": "au", "aam": "am", "aan": "an", "aang": "ang",
    "aap": "ap", "aat": "at", "aak": "ak", "oeng": "eung", "oek": "euk", "oe": "oe",
    "eoi": "ui", "eon": "un", "eot": "ut", "yu": "u", "yun": "uen", "yut": "uet",
    "ou": "o",
}  # fmt: skip
_HK_MACAU = ("香港", "澳門", "澳门", "九龍", "九龙", "新界")


def syllable(jyutping: str) -> str:
    """HK Government spelling of one Jyutping syllable (``zoeng1`` -> ``cheung``)."""
    m = _SYLLABLE.match(jyutping)
    if m is None:
        return jyutping
    initial, final, _ = m.groups()
    if initial == "j" and final.startswith("yu"):
        return "y" + _FINALS.get(final, final)  # jyun -> yuen: the y of the final stands
    return _INITIALS.get(initial, initial) + _FINALS.get(final, final)


def plausible(name: str, *, is_person: bool) -> bool:
    """Organisations when they say Hong Kong or Macau; people with a three-character name
    (a Hong Kong name is a surname and a two-syllable given name, written in Cantonese).
    Two-character names, common on the mainland, get none: their Cantonese readings met
    unrelated listed names (a false-positive cost the bench measured)."""
    if any(place in name for place in _HK_MACAU):
        return True
    return is_person and sum(1 for ch in name if "\u4e00" <= ch <= "\u9fff") == 3


def romanize(text: str) -> list[str]:
    """One HK-spelled syllable per Chinese character; characters without a reading are dropped."""
    out: list[str] = []
    for _, reading in jyutping_list(text):
        if reading:
            out.append(syllable(reading.split()[0]))
    return out


def jyutping_list(text: str) -> list[tuple[str, str | None]]:
    """ToJyutping's reading per character, from its persisted table when there is one."""
    table = hanfile.table()
    if table is not None:
        return table.jyutping_list(text)
    hanfile.ensure_once()
    return library_jyutping_list(text)


def library_jyutping_list(text: str) -> list[tuple[str, str | None]]:
    """ToJyutping itself (parses its trie at import: one to two seconds)."""
    import ToJyutping  # type: ignore[import-untyped]

    found: list[tuple[str, str | None]] = ToJyutping.get_jyutping_list(text)
    return found
