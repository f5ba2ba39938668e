"""A persisted name index answers exactly as the index it was written from, or not at all.

``persist.write`` / ``persist.load``: the loaded index (tables mapped in, names and parties
decoded on first use) must give the same top-10 (party, score, matched name, every feature)
as a freshly built one on real queries in every script the lists use; a file that is
damaged, truncated, foreign or built for other lists or another matcher is refused.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nkwatch.sanctions.model import Party, PartyName, Schema
from nkwatch.sanctions.names import NameIndex, NameQuery, persist

KEY = persist.IndexKey(("list@2025-01-01#abc",), persist.fingerprint())


def _queries(parties: tuple[Party, ...]) -> list[NameQuery]:
    """Published names of every script (as typed, and with one letter dropped), plus facts."""
    rng = random.Random(17)
    by_script: dict[str, list[str]] = {}
    for p in parties:
        for n in p.names:
            by_script.setdefault(n.script, []).append(n.value)
    texts: list[str] = []
    for script in sorted(by_script):
        names = by_script[script]
        texts += rng.sample(names, min(len(names), 30 if script != "Latn" else 120))
    typo = [t[:i] + t[i + 1 :] for t in rng.sample(texts, 60) if (i := len(t) // 2) > 2]
    queries = [NameQuery(t) for t in texts + typo]
    queries += [NameQuery(t, Schema.PERSON, "KP", "1984") for t in rng.sample(texts, 40)]
    return queries


def _shown(index: NameIndex, query: NameQuery) -> list[object]:
    return [(m.entity_id, m.score, m.matched_name, m.explanation) for m in index.search(query, 10)]


@pytest.fixture(scope="module")
def stored(real_index: NameIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("persist") / "names.nkidx"
    persist.write(real_index, path, KEY)
    return path


@pytest.mark.timeout(300)
def test_loaded_index_answers_exactly_as_the_built_one(
    real_index: NameIndex, real_parties: tuple[Party, ...], stored: Path
) -> None:
    loaded = persist.load(stored, KEY)
    assert len(loaded) == len(real_index) and len(loaded.entries) == len(real_index.entries)
    queries = _queries(real_parties)
    scripts = {n.script for p in real_parties for n in p.names}
    assert len(queries) > 300 and {"Arab", "Cyrl", "Hang", "Hans", "Hant", "Latn"} <= scripts
    shown = 0
    for query in queries:
        expected = _shown(real_index, query)
        assert _shown(loaded, query) == expected, query
        shown += len(expected)
    assert shown > 1000  # real candidate lists were compared, not empty answers


def test_entries_and_parties_round_trip(real_index: NameIndex, stored: Path) -> None:
    loaded = persist.load(stored, KEY)
    rng = random.Random(3)
    for i in rng.sample(range(len(real_index.entries)), 2000):
        assert loaded.entries[i] == real_index.entries[i]
    for i in rng.sample(range(len(real_index.parties)), 500):
        assert loaded.parties[i] == real_index.parties[i]
    assert list(loaded.postings.keys) == list(real_index.postings.keys)
    assert (loaded.postings.ids == real_index.postings.ids).all()


def _small() -> NameIndex:
    parties = [
        Party("p1", "l", Schema.PERSON, (PartyName("Kim Jong Un"), PartyName("김정은", "Hang"))),
        Party("p2", "l", Schema.ORGANIZATION, (PartyName("Korea Mining Development"),)),
    ]
    return NameIndex.build(parties)


def test_other_versions_or_matcher_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "i.nkidx"
    persist.write(_small(), path, KEY)
    assert persist.load(path, KEY).search(NameQuery("Kim Jong Un"))[0].entity_id == "p1"
    with pytest.raises(persist.IndexFileError, match="another versions"):
        persist.load(path, persist.IndexKey(("list@2026-01-01#def",), KEY.fingerprint))
    with pytest.raises(persist.IndexFileError, match="another fingerprint"):
        persist.load(path, persist.IndexKey(KEY.versions, "0" * 64))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b[: len(b) // 2], "differs from its header"),  # truncated
        (lambda b: b + b"\0", "differs from its header"),  # grown
        (lambda b: _flip(b, len(b) // 2), "checksum"),  # one bit flipped in a table
        (lambda b: _flip(b, len(b) - 1), "checksum"),  # ... in the checksum itself
        (lambda b: b"PK\x03\x04" + b[4:], "not a name index"),  # someone else's file
        (lambda b: b"", "too short"),
    ],
)
def test_damaged_files_are_refused(tmp_path: Path, damage: object, message: str) -> None:
    path = tmp_path / "i.nkidx"
    persist.write(_small(), path, KEY)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with pytest.raises(persist.IndexFileError, match=message):
        persist.load(path, KEY)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


def test_missing_file_is_an_index_file_error(tmp_path: Path) -> None:
    with pytest.raises(persist.IndexFileError):
        persist.load(tmp_path / "absent.nkidx", KEY)


def test_write_replaces_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "i.nkidx"
    persist.write(_small(), path, KEY)
    before = path.stat().st_ino
    persist.write(_small(), path, KEY)
    assert path.stat().st_ino != before  # a new file renamed over the old one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.nkidx"]


def test_fingerprint_covers_sources_data_and_readers() -> None:
    parts = persist.fingerprint_parts()
    names = {p.split("=")[0] for p in parts}
    assert {"index", "normalize", "translit.hanzi", "persist", "nkwatch"} <= names
    assert "data/generic_words.tsv" in names and "pypinyin" in names
