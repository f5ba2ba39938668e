"""A store with the bundled OFAC + UN lists imported once per session (for sanctions checks)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nkwatch.hiring.sanctions_adapter import ScreenerChecker
from nkwatch.sanctions.repository import ensure_bundled
from nkwatch.sanctions.service import DEFAULT_CACHE
from nkwatch.settings import Settings
from nkwatch.store import open_store


@pytest.fixture(scope="session")
def lists_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hiring-lists") / "lists.duckdb"
    with open_store(Settings(db_path=path)) as store:
        ensure_bundled(store)
    return path


@pytest.fixture()
def lists_copy(lists_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.duckdb"
    shutil.copy(lists_db, copy)
    return copy


@pytest.fixture(scope="session")
def checker(lists_db: Path) -> ScreenerChecker:
    with open_store(Settings(db_path=lists_db)) as store:
        return ScreenerChecker(DEFAULT_CACHE.get(store))
