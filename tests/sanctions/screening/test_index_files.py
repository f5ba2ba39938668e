"""The screener reads the name index persisted beside the store instead of rebuilding it.

``<store>.d/name-index/``: written by the first lookup (or at import), read by every later
process; a damaged or foreign file is rebuilt with a warning and never answers; concurrent
readers see a whole file while another process rewrites it.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from nkwatch.sanctions import indexfiles
from nkwatch.sanctions.model import ListDocument, Party, PartyName, Schema
from nkwatch.sanctions.names import NameIndex, NameQuery, hanfile, persist
from nkwatch.sanctions.repository import import_document
from nkwatch.sanctions.service import ScreenerCache, ScreeningService
from nkwatch.settings import Settings
from nkwatch.store import Store, audit, open_store

PARTIES = (
    Party("ofac-1", "us_ofac_sdn", Schema.PERSON, (PartyName("Kim Jong Un"),), ("DPRK3",)),
    Party(
        "ofac-2",
        "us_ofac_sdn",
        Schema.PERSON,
        (PartyName("Kim Yo Jong"), PartyName("김여정", "Hang"), PartyName("金與正", "Hant")),
        ("DPRK3",),
    ),
    Party(
        "ofac-3",
        "us_ofac_sdn",
        Schema.ORGANIZATION,
        (PartyName("Korea Mining Development Trading Corporation"), PartyName("KOMID")),
        ("DPRK",),
    ),
    Party("ofac-4", "us_ofac_sdn", Schema.PERSON, (PartyName("Сергей Лавров", "Cyrl"),)),
)
QUERIES = ("Kim Jong Un", "kim yo-jong", "金与正", "KOMID", "Sergei Lavrov", "Ким Ё Чжон")


def _import(store: Store, parties: tuple[Party, ...] = PARTIES) -> None:
    digest = hashlib.sha256(repr(parties).encode()).hexdigest()
    doc = ListDocument("us_ofac_sdn", "OFAC", date(2025, 1, 1), digest, "t.xml", parties)
    import_document(store, doc)


def _answers(store: Store) -> list[object]:
    service = ScreeningService(store, ScreenerCache())
    return [
        [(m.entity_id, m.score, m.explanation) for m in service.screen_name(NameQuery(q)).matches]
        for q in QUERIES
    ]


def _index_files(store: Store) -> list[Path]:
    folder = indexfiles.index_dir(store.path)
    assert folder is not None
    return sorted(folder.glob("*.nkidx"))


def test_first_lookup_writes_the_index_and_later_ones_read_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(store)
    built = _answers(store)
    (path,) = _index_files(store)
    assert path.parent == store.path.with_name(store.path.name + ".d") / "name-index"
    assert sum(map(len, built)) >= 4

    def no_build(*_: object) -> NameIndex:
        raise AssertionError("the persisted index was rebuilt")

    monkeypatch.setattr(NameIndex, "build", no_build)
    assert _answers(store) == built  # a fresh cache (as a new process) reads the file


def test_import_refresh_writes_the_index(store: Store) -> None:
    _import(store)
    path = indexfiles.refresh(store)
    assert path is not None and _index_files(store) == [path]


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign"])
def test_unusable_file_is_rebuilt_with_a_warning(
    store: Store, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    _import(store)
    built = _answers(store)
    (path,) = _index_files(store)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) - 100])
    elif damage == "flip":
        path.write_bytes(data[:200] + bytes([data[200] ^ 0x20]) + data[201:])
    else:  # a valid index of other lists, under this key's file name
        other = persist.IndexKey(("other@2020-01-01#0",), persist.fingerprint())
        persist.write(NameIndex.build(PARTIES[:1]), path, other)
    with caplog.at_level(logging.WARNING, logger="nkwatch.sanctions"):
        assert _answers(store) == built
    assert "name index unusable, rebuilding it" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="nkwatch.sanctions"):
        assert _answers(store) == built  # the rebuilt file was written and is read quietly
    assert caplog.text == ""


def test_new_list_version_gets_its_own_file(store: Store) -> None:
    _import(store)
    _answers(store)
    newer = (
        *PARTIES[:2],
        Party("ofac-9", "us_ofac_sdn", Schema.VESSEL, (PartyName("CHON MA SAN"),)),
    )
    digest = hashlib.sha256(b"newer").hexdigest()
    import_document(
        store, ListDocument("us_ofac_sdn", "OFAC", date(2025, 6, 1), digest, "t.xml", newer)
    )
    service = ScreeningService(store, ScreenerCache())
    assert [m.entity_id for m in service.screen_name(NameQuery("Chon Ma San")).matches] == [
        "ofac-9"
    ]
    assert not service.screen_name(NameQuery("KOMID")).matches  # not the old version's index
    assert len(_index_files(store)) == 2


def test_unwritable_folder_still_answers(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    _import(store)
    folder = indexfiles.index_dir(store.path)
    assert folder is not None
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="nkwatch.sanctions"):
        answers = _answers(store)
    assert answers[0] and "cannot write the name index" in caplog.text


def _read_many(db: str, rounds: int) -> list[object]:
    answers = []
    for _ in range(rounds):
        index = indexfiles.load_index(Path(db), [_version(db)])
        assert index is not None
        answers.append([m.entity_id for m in index.search(NameQuery("Kim Yo Jong"))])
    return answers


def _rewrite_many(db: str, rounds: int) -> None:
    key = indexfiles.index_key([_version(db)])
    folder = indexfiles.index_dir(Path(db))
    assert folder is not None
    index = NameIndex.build(PARTIES)
    for _ in range(rounds):
        indexfiles.save(index, indexfiles.index_path(folder, key), key)


def _version(db: str) -> str:
    with open_store(Settings(db_path=Path(db)), read_only=True) as store:
        (row,) = store.query("SELECT version_id FROM sanctions_list_version WHERE active")
        return str(row[0])


@pytest.mark.timeout(300)
def test_concurrent_readers_see_whole_files_while_a_writer_replaces_it(store: Store) -> None:
    _import(store)
    _answers(store)
    db = str(store.path)
    store.close()
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(3) as pool:
        writer = pool.apply_async(_rewrite_many, (db, 30))
        readers = [pool.apply_async(_read_many, (db, 40)) for _ in range(2)]
        results = [r.get(timeout=240) for r in readers]
        writer.get(timeout=240)
    assert all(a == results[0][0] for r in results for a in r) and results[0][0][0] == "ofac-2"


def test_latin_lookup_loads_no_han_reader(store: Store, tmp_path: Path) -> None:
    """A Latin query on a persisted index needs neither pypinyin, ToJyutping nor OpenCC. A Han
    query with no Han readings file loads the libraries (and writes the file for the next
    process); with the file it loads OpenCC only. Every answer is the built index's."""
    _import(store)
    built = _answers(store)
    db = str(store.path)
    store.close()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from nkwatch.settings import Settings\n"
        "from nkwatch.store import open_store\n"
        "from nkwatch.sanctions.service import ScreeningService\n"
        "from nkwatch.sanctions.names import NameQuery\n"
        "heavy = ('pypinyin', 'ToJyutping', 'opencc')\n"
        f"with open_store(Settings(db_path=Path({db!r}))) as store:\n"
        "    service = ScreeningService(store)\n"
        "    latin = service.screen_name(NameQuery(sys.argv[1]))\n"
        "    print(sorted(m for m in heavy if m in sys.modules))\n"
        "    han = service.screen_name(NameQuery(sys.argv[2]))\n"
        "    print(sorted(m for m in heavy if m in sys.modules))\n"
        "    for r in (latin, han):\n"
        "        print(repr([(m.entity_id, m.score, m.explanation) for m in r.matches]))\n"
    )
    env = {**os.environ, "NKWATCH_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> list[str]:
        return subprocess.run(
            [sys.executable, "-c", script, QUERIES[0], QUERIES[2]],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.splitlines()

    first, second = run(), run()
    assert first[0] == second[0] == "[]"
    assert first[1] == "['ToJyutping', 'opencc', 'pypinyin']"
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [hanfile.file_name()]
    assert second[1] == "['opencc']"
    for out in (first, second):
        assert out[2] == repr(built[0]) and out[3] == repr(built[2])


def test_service_workers_read_the_persisted_index(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner sends its (lazily loaded) lists to workers as a pickle; a worker screens
    with the index file beside the owner's store instead of building its own."""
    from nkwatch.service.worker import build_screener

    _import(store)
    built = _answers(store)
    owner_lists = ScreenerCache().get(store).lists
    lists = pickle.loads(pickle.dumps(owner_lists, protocol=5))
    assert list(lists.parties) == list(PARTIES) and lists.by_id["ofac-3"] == PARTIES[2]

    def no_build(*_: object) -> NameIndex:
        raise AssertionError("the worker rebuilt the persisted index")

    monkeypatch.setattr(NameIndex, "build", no_build)
    screener = build_screener(lists, str(store.path))
    answers = [
        [(m.entity_id, m.score, m.explanation) for m in screener.screen_name(NameQuery(q)).matches]
        for q in QUERIES
    ]
    assert answers == built


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_large_batch_on_worker_processes_equals_the_sequential_run(
    store: Store, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """``screen file`` fans a large batch out to processes (forked with the caller's
    screener, or spawned and mapping the index file); the outcomes and the audit rows are
    the sequential run's, in input order."""
    from nkwatch.sanctions import batch, batch_pool

    monkeypatch.setattr(batch_pool, "start_method", lambda: method)
    if method == "fork":  # forked workers screen with the caller's screener: no file load

        def no_load(*_: object) -> None:
            raise AssertionError("a forked worker loaded the index again")

        monkeypatch.setattr(batch_pool, "load_index", no_load)
    _import(store)
    _answers(store)  # writes the index file
    names = [*QUERIES, "John Smith", "", "Kim Jong-un", "komid trading", "Лавров С."] * 60
    data = batch.parse_csv_text("name,country\n" + "\n".join(f'"{n}",KP' for n in names), "t")
    cols = batch.detect_columns(data.header, {})
    service = ScreeningService(store, ScreenerCache())
    screener = service.screener
    sequential = [
        batch.screen_row(screener, n, v, line, cols, None)
        for n, (v, line) in enumerate(zip(data.rows, data.lines, strict=True), 1)
    ]
    monkeypatch.setattr(batch_pool, "ROWS_PER_WORKER", 100)
    assert batch_pool.workers_for(len(data.rows)) >= 2
    seen: list[int] = []
    parallel = batch_pool.screen_parallel(service, data, cols, None, seen.append)
    assert parallel == sequential and seen == list(range(1, len(data.rows) + 1))
    assert sum(1 for o in parallel if o.best) >= 200 and sum(1 for o in parallel if o.error) == 60
    outcomes = batch.screen_rows(service, data, cols, processes=True)
    assert outcomes == sequential
    rows = audit.entries(store, action="screen.batch", limit=len(outcomes))[::-1]
    assert [r.query["row"] for r in rows] == [o.row for o in outcomes if o.result is not None]
