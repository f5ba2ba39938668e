"""List versions in a real DuckDB store: import, no-op, activation, load, failure atomicity."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from nkwatch.errors import NotFoundError, UserError
from nkwatch.sanctions import repository
from nkwatch.sanctions.model import ListDocument
from nkwatch.sanctions.parsers import bundled_list_paths, parse_list
from nkwatch.store import Store

from .conftest import snapshot

pytestmark = pytest.mark.slow  # parses the full OFAC file(s)


def test_import_creates_active_version_and_second_import_is_noop(
    lists_store: Store, un_doc: ListDocument
) -> None:
    first = repository.import_document(lists_store, un_doc)
    assert first.created and first.active
    assert first.version_id == un_doc.version_id
    assert (first.party_count, first.address_count) == (1003, 0)
    before = snapshot(lists_store)
    again = repository.import_document(lists_store, un_doc)
    assert not again.created and again.version_id == first.version_id
    assert snapshot(lists_store) == before
    [version] = repository.list_versions(lists_store)
    assert version.active and version.publisher == "UN Security Council"
    assert version.sha256 == un_doc.sha256 and version.party_count == 1003


def test_newest_import_becomes_active_and_load_active_uses_it(
    lists_store: Store, ofac_2024: ListDocument, ofac_2025: ListDocument, un_doc: ListDocument
) -> None:
    repository.import_document(lists_store, ofac_2024)
    repository.import_document(lists_store, ofac_2025)
    repository.import_document(lists_store, un_doc)
    versions = {v.version_id: v for v in repository.list_versions(lists_store)}
    assert not versions[ofac_2024.version_id].active
    assert versions[ofac_2025.version_id].active and versions[un_doc.version_id].active
    assert versions[ofac_2025.version_id].address_count == 758
    assert versions[ofac_2024.version_id].address_count == 649
    loaded = repository.load_active(lists_store)
    assert {v.version_id for v in loaded.versions} == {ofac_2025.version_id, un_doc.version_id}
    assert len(loaded.parties) == 18_367 + 1003
    ofac_loaded = tuple(p for p in loaded.parties if p.list_id == "us_ofac_sdn")
    assert ofac_loaded == ofac_2025.parties  # in published order
    assert set(loaded.relationships) == set(ofac_2025.relationships)
    lazarus = loaded.party("ofac-27307")
    assert lazarus is not None and lazarus.caption == "Lazarus Group"
    version = loaded.version_for(lazarus)
    assert version is not None and version.version_id == ofac_2025.version_id


def test_load_version_round_trips_and_resolves_prefixes(
    lists_store: Store, ofac_2024: ListDocument, un_doc: ListDocument
) -> None:
    repository.import_document(lists_store, ofac_2024)
    repository.import_document(lists_store, un_doc)
    back = repository.load_version(lists_store, "us_ofac_sdn@2024")
    assert back == ofac_2024  # every party, name, address and relationship survives
    assert repository.load_version(lists_store, un_doc.sha256[:10]).version_id == un_doc.version_id
    with pytest.raises(UserError, match="ambiguous"):
        repository.resolve_version(lists_store, "u")
    with pytest.raises(NotFoundError):
        repository.resolve_version(lists_store, "us_ofac_sdn@1999")


def test_crypto_side_table_is_queryable_case_insensitively(
    lists_store: Store, ofac_2025: ListDocument
) -> None:
    repository.import_document(lists_store, ofac_2025)
    rows = lists_store.query(
        "SELECT entity_id, currency FROM sanctions_crypto_address WHERE address_key = ?",
        ["0x098b716b8aaf21512996dc57eb0615e2383e2f96"],
    )
    assert rows == [("ofac-27307", "ETH")]


def test_interrupted_import_leaves_previous_version_active_and_store_identical(
    lists_store: Store,
    un_doc: ListDocument,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repository.import_document(lists_store, un_doc)
    before = snapshot(lists_store)
    newer = dataclasses.replace(un_doc, published=date(2026, 3, 1), sha256="f" * 64)
    real_insert = repository._bulk_insert

    def insert_then_die(store: Store, table: str, *args: object, **kw: object) -> None:
        if table == "sanctions_relationship":  # parties and names are already written
            raise KeyboardInterrupt
        real_insert(store, table, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "_bulk_insert", insert_then_die)
    with pytest.raises(KeyboardInterrupt):
        repository.import_document(lists_store, newer)
    assert snapshot(lists_store) == before
    [active] = [v for v in repository.list_versions(lists_store) if v.active]
    assert active.version_id == un_doc.version_id


def test_ensure_bundled_imports_once_and_never_demotes_a_newer_version(
    lists_store: Store, un_doc: ListDocument
) -> None:
    newer_un = dataclasses.replace(
        un_doc, published=date(2027, 1, 1), sha256="e" * 64, source_sha256="d" * 64
    )
    repository.import_document(lists_store, newer_un)
    results = repository.ensure_bundled(lists_store)
    assert [r.created for r in results] == [True, True]
    by_list = {r.list_id: r for r in results}
    assert by_list["us_ofac_sdn"].active and by_list["us_ofac_sdn"].party_count == 18_367
    assert not by_list["un_sc_consolidated"].active  # the newer UN version stays active
    before = snapshot(lists_store)
    again = repository.ensure_bundled(lists_store)
    assert [r.created for r in again] == [False, False]
    assert snapshot(lists_store) == before
    active = {v.list_id: v.version_id for v in repository.list_versions(lists_store) if v.active}
    assert active["un_sc_consolidated"] == newer_un.version_id


def test_bundled_snapshots_are_the_shared_newest_files(
    ofac_2025: ListDocument, un_doc: ListDocument
) -> None:
    paths = bundled_list_paths()
    assert [p.name for p in paths] == [
        "ofac_sdn_advanced_2025-11-19.xml.bz2",
        "un_consolidated_2026-02-27.xml.gz",
    ]
    # Same bytes as the shared copies (checked on the small UN file; OFAC via its hash).
    assert parse_list(paths[1]).sha256 == un_doc.sha256
    assert paths[0].stat().st_size == 3_371_172
