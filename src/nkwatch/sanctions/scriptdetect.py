"""ISO 15924 script of a name, from its characters.

The UN publishes ``NAME_ORIGINAL_SCRIPT`` without saying which script it is, and OFAC
labels Hangul names "Korean" (ISO ``Kore`` = Hangul + Han). Matchers pick transliterators
by script, so we detect it from the code points: the majority script of the letters, with
Hangul+Han -> ``Kore`` and Kana(+Han) -> ``Jpan`` as ISO 15924 defines them.
"""

from __future__ import annotations

from collections import Counter

# (first, last, script) code point ranges; letters outside all ranges are ignored.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latn"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, "Hang"),
    (0x3130, 0x318F, "Hang"),
    (0xAC00, 0xD7AF, "Hang"),
    (0x3040, 0x30FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xF900, 0xFAFF, "Hani"),
    (0x20000, 0x2FA1F, "Hani"),
)


def _script_of(ch: str) -> str | None:
    cp = ord(ch)
    for first, last, script in _RANGES:
        if first <= cp <= last:
            return script if ch.isalpha() else None
    return None


def detect_script(text: str, default: str = "Latn") -> str:
    """Majority ISO 15924 script of the letters in ``text`` (``default`` if none)."""
    counts: Counter[str] = Counter()
    for ch in text:
        script = _script_of(ch)
        if script:
            counts[script] += 1
    if not counts:
        return default
    if counts.get("Kana"):
        return "Jpan"
    if counts.get("Hang") and counts.get("Hani"):
        return "Kore"
    return counts.most_common(1)[0][0]
