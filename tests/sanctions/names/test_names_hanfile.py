"""The persisted Han readings answer exactly as pypinyin and ToJyutping do (``names.hanfile``).

A cold Han lookup reads pinyin and Jyutping from one derived file instead of loading the two
libraries; nothing a user sees may change. Compared here against the libraries themselves:
every reading on a seeded sample of characters and phrases, random runs of both (polyphones
whose reading depends on the phrase they sit in, simplified and traditional forms), text
mixing other scripts, and whole searches on the real lists (candidates, scores and
explanations, "Hanja read in Korean" included).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import ToJyutping  # type: ignore[import-untyped]
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS

from nkwatch.sanctions.model import Party, Schema
from nkwatch.sanctions.names import NameIndex, NameQuery, hanfile
from nkwatch.sanctions.names.normalize import analyze
from nkwatch.sanctions.names.translit import cantonese, hanzi

# Characters whose reading depends on the word they are in, in both forms, and names.
POLYPHONES = "行长長重银銀华華朝鲜鮮乐樂单單曾解查仇区區朴覃尉迟遲万萬俟会會"
NAMES = ["金正恩", "金與正", "金与正", "朝鲜银行", "朝鮮銀行", "重庆长江贸易有限公司", "單于",
         "香港長江實業", "李桂華", "曾国藩", "解放军", "尉迟恭", "万俟卨", "朴成哲", "行长"]  # fmt: skip
MIXED = ["金正恩 Kim", "ABC贸易公司", "東京タワー", "김정은金正恩", "金正恩2", "〇〇", "々", "", " ",
         "株式会社ＡＢＣ", "金·正恩", "𠀋一"]  # fmt: skip


@pytest.fixture(scope="module")
def han_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("han") / hanfile.file_name()
    hanfile.write(path)  # built here from the installed libraries, not taken from a cache
    yield path
    hanfile.use(None)  # leave the process as it found it: the libraries answer


@pytest.fixture(scope="module")
def table(han_file: Path) -> hanfile.HanTable:
    return hanfile.load(han_file)


def _library_pinyin(text: str) -> list[str]:
    return [s.replace("v", "u") for s in hanzi.library_pinyin(text)]


def _samples(seed: int) -> list[str]:
    rng = random.Random(seed)
    chars = sorted(chr(n) for n in PINYIN_DICT if RE_HANS.match(chr(n)))
    phrases = sorted(PHRASES_DICT)
    out = rng.sample(chars, 3000) + rng.sample(phrases, 3000) + list(POLYPHONES) + NAMES
    pool = rng.sample(chars, 500) + list(POLYPHONES) * 10
    for _ in range(3000):
        parts = [rng.choice(phrases) if rng.random() < 0.5 else rng.choice(pool)
                 for _ in range(rng.randint(1, 5))]  # fmt: skip
        out.append("".join(parts))
    return out


def test_pinyin_and_jyutping_equal_the_libraries(table: hanfile.HanTable) -> None:
    samples = _samples(17)
    for text in samples:
        assert table.pinyin(text) == hanzi.library_pinyin(text), text
        assert table.jyutping_list(text) == cantonese.library_jyutping_list(text), text
    assert table.pinyin("行长") == ["hang", "zhang"]  # the phrase's reading, not xing chang
    assert table.syllables == hanfile.library_syllables()


def test_text_with_other_scripts_is_read_by_the_library(table: hanfile.HanTable) -> None:
    hanfile.use(table)
    try:
        for text in MIXED:
            assert hanzi.pinyin(text) == _library_pinyin(text), text
            assert cantonese.jyutping_list(text) == ToJyutping.get_jyutping_list(text), text
        assert table.pinyin("金正恩 Kim") is None  # not Han throughout: the library answers
    finally:
        hanfile.use(None)


def test_searches_are_identical_with_the_table(
    table: hanfile.HanTable, real_index: NameIndex, real_parties: tuple[Party, ...]
) -> None:
    han = sorted({n.value for p in real_parties for n in p.names if n.script == "Hani"})
    queries = random.Random(5).sample(han, min(80, len(han))) + NAMES

    def run() -> list[tuple[str, str]]:
        analyze.cache_clear()
        found = []
        for text in queries:
            for schema in (None, Schema.PERSON, Schema.ORGANIZATION):
                matches = real_index.search(NameQuery(text, schema=schema), limit=10)
                found.append((text, repr(matches)))
        return found

    hanfile.use(None)
    by_libraries = run()
    hanfile.use(table)
    try:
        by_table = run()
    finally:
        hanfile.use(None)
    assert by_table == by_libraries
    shown = "".join(r for _, r in by_table)
    assert "Hanja read in Korean" in shown and "Hanzi -> pinyin" in shown


def test_a_damaged_or_foreign_file_is_refused(han_file: Path, tmp_path: Path) -> None:
    data = han_file.read_bytes()
    (tmp_path / "cut.nkhan").write_bytes(data[: len(data) // 2])
    (tmp_path / "flip.nkhan").write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    (tmp_path / "other.nkhan").write_bytes(b"NKWNAMES" + data[8:])
    for name in ("cut", "flip", "other", "missing"):
        with pytest.raises(hanfile.HanFileError):
            hanfile.load(tmp_path / f"{name}.nkhan")
    assert hanfile.load(han_file).pinyin("金正恩") == ["jin", "zheng", "en"]
