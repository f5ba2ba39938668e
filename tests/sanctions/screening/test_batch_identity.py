"""``screen file``'s fast path answers exactly as the old one, on names built to break it.

The fast path: forked workers (the caller's screener, the collector off) searching the
persisted index, whose names are decoded from number columns (``names.entrycodec``: distinct
tokens shared, index keys stored as vocabulary ids). The old path: one process searching an
index built in memory from the parties. The parties mix every script the lists use (Latin,
Cyrillic, Hangul, simplified and traditional Han, Arabic), one name on two parties (shared
readings), weak aliases and other name kinds, legal forms, Korea-linked parties and others
(a Han name is read in Korean for the former only); the queries are the names as published,
in other scripts and with typos (a letter dropped, swapped, replaced or added), with and
without country and birth-date facts.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from nkwatch.sanctions import batch, batch_pool, indexfiles
from nkwatch.sanctions.model import (
    Identifier,
    ListDocument,
    NameKind,
    Party,
    PartyName,
    PostalAddress,
    Schema,
)
from nkwatch.sanctions.names import NameIndex, NameQuery
from nkwatch.sanctions.repository import import_document, load_active
from nkwatch.sanctions.screening import Screener
from nkwatch.sanctions.service import LazyAddressIndex, ScreenerCache, ScreeningService
from nkwatch.store import Store

AKA, FKA = NameKind.AKA, NameKind.FKA
P, ORG, V = Schema.PERSON, Schema.ORGANIZATION, Schema.VESSEL


def _party(n: int, schema: Schema, names: list[PartyName], **facts: object) -> Party:
    return Party(f"ofac-{n}", "us_ofac_sdn", schema, tuple(names), **facts)  # type: ignore[arg-type]


PARTIES = (
    _party(
        1,
        P,
        [PartyName("Kim Jong Un"), PartyName("김정은", "Hang", AKA)],
        programs=("DPRK3",),
        nationalities=("KP",),
        birth_dates=("1984-01-08",),
    ),
    _party(
        2,
        P,
        [
            PartyName("Kim Yo Jong"),
            PartyName("김여정", "Hang", AKA),
            PartyName("金與正", "Hant", AKA),
            PartyName("Kim Yo-chong", weak=True),
        ],
        programs=("DPRK3",),
    ),
    _party(
        3,
        ORG,
        [
            PartyName("Korea Mining Development Trading Corporation"),
            PartyName("KOMID", kind=AKA),
            PartyName("조선광업개발무역회사", "Hang", AKA),
        ],
        programs=("DPRK",),
        countries=("KP",),
    ),
    _party(
        4,
        P,
        [PartyName("Сергей Викторович Лавров", "Cyrl"), PartyName("Sergey Lavrov", kind=AKA)],
        programs=("RUSSIA-EO14024",),
        nationalities=("RU",),
    ),
    _party(
        5,
        P,
        [PartyName("周娜", "Hans"), PartyName("Zhou Na", kind=AKA)],
        programs=("SDGT",),
        countries=("CN",),
    ),
    _party(
        6,
        P,
        [PartyName("初娜", "Hans"), PartyName("CHU Na", kind=AKA)],
        programs=("DPRK2",),
        nationalities=("KP",),
    ),
    _party(
        7,
        ORG,
        [
            PartyName("深圳市华讯方舟科技有限公司", "Hans"),
            PartyName("Huaxun Fangzhou Co., Ltd.", kind=AKA),
        ],
        countries=("CN",),
    ),
    _party(
        8,
        P,
        [
            PartyName("محمد بن سلمان", "Arab"),
            PartyName("Mohammed bin Salman", kind=AKA),
            PartyName("Mohamed Salman", kind=FKA, weak=True),
        ],
        countries=("SA",),
    ),
    _party(
        9,
        ORG,
        [PartyName("Kim Jong Un"), PartyName("Pyongyang Trading LLC", kind=AKA)],
        addresses=(PostalAddress("Pyongyang", "KP"),),
    ),
    _party(10, V, [PartyName("CHON MA SAN"), PartyName("천마산", "Hang", AKA)], programs=("DPRK",)),
    _party(
        11,
        ORG,
        [PartyName("Ri Song Un Joint Stock Company"), PartyName("ООО Ри Сон Ун", "Cyrl", AKA)],
        identifiers=(Identifier("Registration", "1234", "KP"),),
    ),
    _party(
        12,
        P,
        [
            PartyName("李成云", "Hant"),
            PartyName("Li Cheng Yun", kind=AKA),
            PartyName("리성운", "Hang", AKA),
        ],
        nationalities=("KP",),
    ),
    _party(13, P, [PartyName("Jonathan Smithers"), PartyName("Jon Smithers", kind=AKA, weak=True)]),
)

QUERIES = (
    ("Kim Jong Un", "", ""),
    ("Kim Jong-un", "KP", "1984"),
    ("Kim Jnog Un", "", ""),  # letters swapped
    ("Kim Jong Um", "", "1984-01-08"),  # one replaced
    ("김정은", "", ""),
    ("Kim Yo Jong", "", ""),
    ("金与正", "", ""),  # simplified for the traditional published name
    ("金與正", "KP", ""),
    ("Kim Yo-chong", "", ""),
    ("김여정", "", ""),
    ("KOMID", "", ""),
    ("Korea Mining Develpment Trading Corp", "", ""),  # a letter dropped, a legal form
    ("Korea Minning Development Trading", "KP", ""),  # a letter added
    ("Сергей Лавров", "", ""),
    ("Sergei Lavrov", "RU", ""),
    ("Лавров С. В.", "", ""),
    ("周娜", "", ""),
    ("주나", "", ""),  # Korean reading: CHU Na, not ZHOU Na
    ("Chu Na", "KP", ""),
    ("初娜", "", ""),
    ("华讯方舟", "", ""),
    ("Huaxun Fangzhou", "", ""),
    ("محمد بن سلمان", "", ""),
    ("Mohammad bin Salman", "SA", ""),
    ("Muhammed Salman", "", ""),
    ("Chon Ma San", "", ""),
    ("Chonmasan", "", ""),
    ("천마산", "", ""),
    ("Ri Song Un JSC", "", ""),
    ("Ри Сон Ун", "", ""),
    ("Li Chengyun", "", ""),
    ("李成雲", "", ""),
    ("리성운", "KP", ""),
    ("Jon Smithers", "", ""),
    ("Jonathon Smither", "", ""),
    ("Pyongyang Trading", "", ""),
    ("Nobody Inparticular", "", ""),
    ("Kim Jong Un", "KOREA", ""),  # a row error (not an ISO country code), kept in its place
)


def _import(store: Store) -> None:
    digest = hashlib.sha256(repr(PARTIES).encode()).hexdigest()
    import_document(
        store, ListDocument("us_ofac_sdn", "OFAC", date(2025, 1, 1), digest, "t.xml", PARTIES)
    )
    assert indexfiles.refresh(store) is not None  # the persisted index the fast path reads


def _rows(
    cols: batch.ColumnMap, data: batch.BatchInput, screener: Screener
) -> list[batch.RowOutcome]:
    lines = zip(data.rows, data.lines, strict=True)
    return [
        batch.screen_row(screener, n, v, line, cols, None) for n, (v, line) in enumerate(lines, 1)
    ]


def test_persisted_names_decode_to_the_built_ones(store: Store) -> None:
    """Every indexed name read back from its columns equals the one the build made."""
    _import(store)
    lists = load_active(store)
    built = NameIndex.build(lists.parties)
    loaded = indexfiles.load_index(store.path, lists.version_ids)
    assert loaded is not None and len(loaded.entries) == len(built.entries) >= 30
    assert list(loaded.entries) == list(built.entries)
    assert sum(e.arabic is not None for e in loaded.entries) >= 1
    assert {f.translit for e in loaded.entries for f in e.forms} == {
        f.translit for e in built.entries for f in e.forms
    }


def test_forked_batch_on_the_persisted_index_equals_the_built_index_run(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(store)
    text = "name,country,dob\n" + "\n".join(f'"{n}",{c},{d}' for n, c, d in QUERIES * 8)
    data = batch.parse_csv_text(text, "t.csv")
    cols = batch.detect_columns(data.header, {})
    lists = load_active(store)
    old = _rows(
        cols, data, Screener(lists, NameIndex.build(lists.parties), LazyAddressIndex(lists.parties))
    )
    assert sum(1 for o in old if o.best) >= len(QUERIES) * 8 // 2
    assert sum(1 for o in old if o.error) == 8
    monkeypatch.setattr(batch_pool, "start_method", lambda: "fork")
    monkeypatch.setattr(batch_pool, "ROWS_PER_WORKER", 50)
    monkeypatch.setattr(batch_pool, "workers_for", lambda rows: 2)
    assert _rows(cols, data, ScreenerCache().get(store)) == old  # the persisted index, one process
    fast = batch_pool.screen_parallel(ScreeningService(store, ScreenerCache()), data, cols, None)
    assert fast == old  # workers forked from a screener that has decoded nothing yet


def test_a_search_floor_only_cuts_what_the_threshold_would(store: Store) -> None:
    """The screener asks for candidates at or above its threshold only (the others are neither
    explained nor their parties decoded): the answer is the unfloored one, cut."""
    _import(store)
    lists = load_active(store)
    loaded = indexfiles.load_index(store.path, lists.version_ids)
    assert loaded is not None
    cut = 0
    for index in (NameIndex.build(lists.parties), loaded):
        for name, country, dob in QUERIES[:-1]:
            query = NameQuery(name, country=country or None, birth_date=dob or None)
            full = index.search(query, 25)
            for floor in (0.0, 0.5, 0.7, 0.85, 0.95):
                expected = [m for m in full if m.score >= floor]
                assert index.search(query, 25, floor) == expected, (name, floor)
                cut += len(full) - len(expected)
    assert cut > 40  # floors that really cut
