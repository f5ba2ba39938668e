"""Shared fixtures: a fresh store per test, paths to the shipped and shared data."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from nkwatch.sanctions.names import kernel
from nkwatch.settings import Settings
from nkwatch.store import Store, open_store

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Keep derived caches (the Han readings file) out of the user's home: one per session."""
    if "NKWATCH_CACHE_DIR" not in os.environ:
        os.environ["NKWATCH_CACHE_DIR"] = tempfile.mkdtemp(prefix="nkwatch-test-cache-")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test a stale compiled name kernel: it would run the old code, not the source."""
    stale = [b.name for b in kernel.module_builds() if not b.current]
    if stale:
        pytest.exit(
            f"compiled name-matching modules are older than their source ({', '.join(stale)}.py): "
            "rebuild with `make install-dev`",
            returncode=2,
        )


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"HOME": str(tmp_path)}, db_path=tmp_path / "nk.duckdb")


@pytest.fixture()
def store(settings: Settings) -> Iterator[Store]:
    with open_store(settings) as s:
        yield s


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with every bundled dataset imported once per session (copied per test).

    Shared by the service and hardening suites, so the session builds it once."""
    from nkwatch.service.bootstrap import ensure_bundles

    path = tmp_path_factory.mktemp("bundled") / "template.duckdb"
    template = Settings.from_env({"HOME": str(path.parent)}, db_path=path)
    with open_store(template) as store:
        ensure_bundles(store, lambda _: None)
        store.conn.execute("CHECKPOINT")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data pack; tests that need it fail loudly when it is missing."""
    if not SHARED.is_dir():
        raise RuntimeError(f"shared data pack not found at {SHARED}")
    return SHARED
