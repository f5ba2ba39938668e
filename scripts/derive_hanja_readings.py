"""Derive ``data/sanctions/names/hanja_korean.tsv`` from Unicode's Unihan database (a dev-time tool).

Reads the ``kHangul`` field of ``Unihan_Readings.txt`` (the modern Korean readings of each
Han character, with their sources: ``E`` = in the educational list, ``N`` = allowed in
personal names) and ``kTraditionalVariant`` of ``Unihan_Variants.txt``, from the Debian
``unicode-data`` package (``apt-get install unicode-data``: ``/usr/share/unicode/*.txt.bz2``).

For each character: its readings in their *original* form, the initial-sound spellings of
South Korea dropped where Unihan lists both (李 리/이 keeps 리; 盧 노/로 keeps 로; the
matcher applies the initial-sound rule itself), the educational reading first; a separate
column gives the reading used in personal names when it differs (金: 금, surname 김). A
character with no reading of its own (simplified, or a glyph variant) takes the reading of
its traditional form, else of its z- or semantic variant (与 from 與, 镇 via 鎮 from 鎭). Run from the repository root:

    PYTHONPATH=src python scripts/derive_hanja_readings.py /usr/share/unicode \
        > src/nkwatch/data/sanctions/names/hanja_korean.tsv
"""

from __future__ import annotations

import bz2
import sys
from pathlib import Path

from nkwatch.sanctions.names.translit.hanja import initial_sound


def _lines(folder: Path, name: str) -> list[str]:
    plain, packed = folder / name, folder / f"{name}.bz2"
    if plain.exists():
        return plain.read_text(encoding="utf-8").splitlines()
    return bz2.decompress(packed.read_bytes()).decode("utf-8").splitlines()


def _field(folder: Path, name: str, field: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _lines(folder, name):
        if line.startswith("#") or not line.strip():
            continue
        code, key, value = line.split("\t", 2)
        if key == field:
            out[chr(int(code[2:], 16))] = value
    return out


def _readings(value: str) -> tuple[list[str], str]:
    """Original-form readings (educational first) and the personal-name reading if another."""
    pairs = [item.split(":") for item in value.split()]
    hangul = [h for h, _ in pairs]
    kept = [(h, src) for h, src in pairs if not any(h == initial_sound(o) != o for o in hangul)]
    kept.sort(key=lambda hs: "E" not in hs[1])  # stable: the educational reading first
    readings = [h for h, _ in kept]
    names = [h for h, src in kept if "N" in src]
    name = names[0] if names and readings[0] not in names else ""
    return readings, name


def _variants(folder: Path) -> dict[str, list[str]]:
    """Traditional, then z- (same character, another glyph) and semantic variants of each character."""
    out: dict[str, list[str]] = {}
    for field in ("kTraditionalVariant", "kZVariant", "kSemanticVariant"):
        for ch, value in _field(folder, "Unihan_Variants.txt", field).items():
            out.setdefault(ch, []).extend(chr(int(v.split("<")[0][2:], 16)) for v in value.split())
    return out


def main(folder: Path) -> None:
    hangul = _field(folder, "Unihan_Readings.txt", "kHangul")
    table = {ch: _readings(v) for ch, v in hangul.items()}
    variants = _variants(folder)
    for _ in range(2):  # 镇 -> 鎮 (traditional) -> 鎭 (the z-variant Korean dictionaries list)
        for ch, forms in variants.items():
            found = next((table[f] for f in forms if f in table), None)
            if ch not in table and found is not None:
                table[ch] = found
    print(
        "# Korean readings of Han characters: MODIFIED (derived) from Unicode's Unihan 15.0.0 data,"
    )
    print(
        "# Copyright (c) 1991-2022 Unicode, Inc., under the Unicode License: LICENSE-Unicode.txt."
    )
    print("# Made by scripts/derive_hanja_readings.py (see README.md for the rules).")
    print("# char\treadings (original form, educational first)\tpersonal-name reading if another")
    for ch in sorted(table):
        readings, name = table[ch]
        print(f"{ch}\t{' '.join(readings)}\t{name}".rstrip("\t"))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
