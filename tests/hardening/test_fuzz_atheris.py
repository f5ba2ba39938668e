"""Coverage-guided fuzzing, short seeded form: atheris (libFuzzer) drives every parser
family's harness (``bench/fuzz_targets.py``) from their seeds for a fixed number of
executions with a fixed seed. Any input that lets anything but a result or a one-line
``UserError`` escape is recorded as a crash and fails this test. ``bench/fuzz.py`` runs the
long campaign, family by family."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bench import fuzz, fuzz_targets
from bench.fuzz_targets import FAMILIES, Scratch, one_input

from nkwatch.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("NKWATCH_ATHERIS_RUNS", "1500"))


def test_every_seed_is_accepted_by_its_harness() -> None:
    scratch = Scratch()
    try:
        for family in FAMILIES.values():
            for seed in family.seeds:
                one_input(family, seed, scratch)  # a result or a UserError, nothing else
    finally:
        scratch.close()


def test_a_seeded_atheris_run_over_every_family_finds_no_crash(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fuzz.py"), "--worker", "all", "--runs", str(RUNS),
         "--max-time", "240", "--seed", "1", "--out", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    # the worker's input files (and its sampled store) live on tmpfs, outside tmp_path
    shutil.rmtree(
        fuzz.scratch_base(tmp_path, "all", fuzz_targets.tmpfs()).parent, ignore_errors=True
    )
    crashes = tmp_path / "all.crashes.jsonl"
    found = [json.loads(x) for x in crashes.read_text().splitlines()] if crashes.exists() else []
    assert found == [], found
    assert proc.returncode == 0, proc.stderr[-2000:]
    done = re.search(r"stat::number_of_executed_units:\s+(\d+)", proc.stderr)
    assert done is not None and int(done.group(1)) >= RUNS, proc.stderr[-2000:]


def test_the_sampled_write_stage_imports_what_the_parse_stage_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every parsed input of the importer families is sampled here (WRITE_EVERY = 1): the
    write stage runs the command's own entry into a store (trace) or a lake (lake) and
    adds the seeds' rows."""
    from nkwatch.trace.importers import ImportSummary
    from nkwatch.trace.lake.ingest import ImportResult

    monkeypatch.setattr(fuzz_targets, "WRITE_EVERY", 1)
    scratch = Scratch()
    written: dict[str, int] = {}
    try:
        for name in ("trace-etherscan", "trace-bitcoin-etl", "lake", "lake-bitcoin"):
            family = FAMILIES[name]
            for seed in family.seeds:
                variant, body = fuzz_targets.split(family, seed)
                try:
                    got = family.run(variant, body, scratch.root)
                except UserError:
                    continue  # refused by the parse stage (a token transfer with no time)
                assert isinstance(got, ImportSummary | ImportResult), (name, variant, got)
                written[name] = written.get(name, 0) + (
                    got.added if isinstance(got, ImportSummary) else got.rows
                )
    finally:
        scratch.close()
    assert all(n > 0 for n in written.values()), written
