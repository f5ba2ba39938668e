"""One import of the bundled OFAC + UN snapshots per test session, shared read-only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from nkwatch.sanctions.repository import ensure_bundled
from nkwatch.sanctions.screening import Screener
from nkwatch.sanctions.service import DEFAULT_CACHE
from nkwatch.settings import Settings
from nkwatch.store import open_store


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bundled") / "bundled.duckdb"
    with open_store(Settings(db_path=path)) as store:
        ensure_bundled(store)
    return path


@pytest.fixture()
def bundled_copy(bundled_db: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the imported store, so a test may write (audit) without side effects."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(bundled_db, copy)
    yield copy


@pytest.fixture(scope="session")
def screener(bundled_db: Path) -> Screener:
    with open_store(Settings(db_path=bundled_db)) as store:
        return DEFAULT_CACHE.get(store)
