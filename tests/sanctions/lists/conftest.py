"""Real list files, parsed once per session (a full OFAC parse takes seconds, not minutes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nkwatch.sanctions.model import ListDocument
from nkwatch.sanctions.parsers import parse_list
from nkwatch.settings import Settings
from nkwatch.store import Store, open_store

OFAC_2025 = "sanctions/ofac_sdn_advanced_2025-11-19.xml.bz2"
OFAC_2024 = "sanctions/ofac_sdn_advanced_2024-05-28.xml.bz2"
UN_2026 = "sanctions/un_consolidated_2026-02-27.xml.gz"

SANCTIONS_TABLES = (
    "sanctions_list_version",
    "sanctions_party",
    "sanctions_name",
    "sanctions_crypto_address",
    "sanctions_relationship",
)


@pytest.fixture(scope="session")
def ofac_2025_path(shared_data: Path) -> Path:
    return shared_data / OFAC_2025


@pytest.fixture(scope="session")
def ofac_2024_path(shared_data: Path) -> Path:
    return shared_data / OFAC_2024


@pytest.fixture(scope="session")
def un_path(shared_data: Path) -> Path:
    return shared_data / UN_2026


@pytest.fixture(scope="session")
def ofac_2025(ofac_2025_path: Path) -> ListDocument:
    return parse_list(ofac_2025_path)


@pytest.fixture(scope="session")
def ofac_2024(ofac_2024_path: Path) -> ListDocument:
    return parse_list(ofac_2024_path)


@pytest.fixture(scope="session")
def un_doc(un_path: Path) -> ListDocument:
    return parse_list(un_path)


@pytest.fixture()
def lists_store(tmp_path: Path) -> Iterator[Store]:
    settings = Settings.from_env({"HOME": str(tmp_path)}, db_path=tmp_path / "lists.duckdb")
    with open_store(settings) as store:
        yield store


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every sanctions table, in a stable order: 'store unchanged' means equal."""
    return {
        table: store.query(f"SELECT * FROM {table} ORDER BY ALL")  # noqa: S608 - constant names
        for table in SANCTIONS_TABLES
    }
