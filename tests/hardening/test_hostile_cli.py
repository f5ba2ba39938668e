"""Hostile inputs through the real ``nkwatch`` commands: one line, exit 2, store unchanged.

The full corpus (:mod:`tests.hardening.hostile`, 500+ cases) runs with
``NKWATCH_HOSTILE=all``; the default is a seeded sample that fits ``make check``: every
case whose command does not load the lists or the exposure index (fast), plus a seeded
choice of the slow ones. Each case's ids say which class of input it is.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.hardening.hostile import Case, all_cases
from tests.hardening.runner import file_digest, run_case

from nkwatch.settings import Settings
from nkwatch.store import open_store

SLOW = ("screen-", "exposure", "intel-address", "intel-incident", "risk-list/", "hiring-")
SLOW_SAMPLE = 40


def selected() -> list[Case]:
    cases = all_cases()
    if os.environ.get("NKWATCH_HOSTILE") == "all":
        return cases
    fast = [c for c in cases if not c.id.startswith(SLOW)]
    slow = [c for c in cases if c.id.startswith(SLOW)]
    rng = random.Random(int(os.environ.get("NKWATCH_HOSTILE_SEED", "16")))
    return fast + rng.sample(slow, min(SLOW_SAMPLE, len(slow)))


def test_the_corpus_is_large_and_distinct() -> None:
    cases = all_cases()
    assert len(cases) >= 300
    assert len({c.id for c in cases}) == len(cases)
    assert len(selected()) >= 300 or os.environ.get("NKWATCH_HOSTILE") == "all"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory, bundled_store: Path) -> Iterator[Path]:
    """One copy of the bundled store for the whole corpus, byte-compared at the end too."""
    path = tmp_path_factory.mktemp("hostile") / "store.duckdb"
    shutil.copyfile(bundled_store, path)
    yield path
    assert file_digest(path) == file_digest(bundled_store), "the corpus changed the store"


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@pytest.fixture(autouse=True)
def _error_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NKWATCH_LOG_DIR", str(tmp_path / "errors"))


@pytest.mark.parametrize("case", selected(), ids=lambda c: c.id)
def test_hostile_input_is_one_clear_line_and_changes_nothing(
    case: Case, hostile_store: Path, tmp_path: Path
) -> None:
    before = _stamp(hostile_store)  # cheap per case; the bytes are compared at module end
    outcome = run_case(case, tmp_path / "case", hostile_store)
    assert outcome.problem is None, f"{outcome.problem}: {outcome.output[:500]!r}"
    assert _stamp(hostile_store) == before, "the store was written"
    assert not (tmp_path / "errors").exists(), "an internal error was recorded"


def test_the_store_opens_after_the_corpus(
    hostile_store: Path, bundled_store: Path, tmp_path: Path
) -> None:
    def counts(path: Path) -> list[tuple[object, ...]]:
        settings = Settings.from_env({"HOME": str(tmp_path)}, db_path=path)
        with open_store(settings, read_only=True) as store:
            return store.query(
                "SELECT (SELECT count(*) FROM trace_transfers), (SELECT count(*) FROM trace_labels),"
                " (SELECT count(*) FROM audit_log)"
            )

    assert counts(hostile_store) == counts(bundled_store)
