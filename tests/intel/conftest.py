"""Intel fixtures: the bundled dataset in memory and in a fresh store."""

from __future__ import annotations

import pytest

from nkwatch.intel.dataset import load_bundled
from nkwatch.intel.model import Dataset
from nkwatch.intel.repository import ensure_bundled
from nkwatch.store import Store


@pytest.fixture(scope="session")
def bundled() -> Dataset:
    return load_bundled()


@pytest.fixture()
def intel_store(store: Store) -> Store:
    ensure_bundled(store)
    return store
