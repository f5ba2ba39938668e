"""A trace over the lake (DuckDB stages + the exact sweep on the extraction) equals the same
trace over the whole lake in memory, on cases built to break the extraction."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.lake import breakcases as bc

from nkwatch.cli.main import cli
from nkwatch.trace.engine import trace
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.lake.engine import LocalEngine
from nkwatch.trace.lake.importer import import_synthetic
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.lake.tracing import trace_lake, whole_graph
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report import build_report
from nkwatch.trace.synthetic import generate

SECTIONS = ("assets", "endpoints", "buckets", "addresses", "flows", "flagged_addresses")
LABELS = LabelBook([Label("ethereum", a, s, c, 0.9, "test") for a, s, c in bc.LABELS])


def _same_as_whole(
    lake: Lake, seeds: list[Seed], params: TraceParams, labels: LabelBook
) -> dict[str, object]:
    got = trace_lake(lake, LocalEngine(), seeds, params, labels).to_data()
    reference = build_report(
        trace(whole_graph(lake, LocalEngine(), params.chain), seeds, params, labels=labels)
    ).to_data()
    for key in SECTIONS:
        assert got[key] == reference[key], key
    assert got["parameters"]["data_version"] == reference["parameters"]["data_version"]
    return got


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_break_cases_trace_like_the_whole_lake(break_lake: Lake, policy: str) -> None:
    seeds = [Seed(address=bc.THIEF)]
    report = _same_as_whole(break_lake, seeds, TraceParams("ethereum", policy, 6), LABELS)
    services = {e["address"]: e for e in report["endpoints"]}  # type: ignore[union-attr]
    assert (
        bc.DEP in services
        and services[bc.DEP]["detail"] == "deposit address (sweeps to hot wallet)"
    )
    assert bc.MIX in services  # through the contract's successful internal call
    reached = {a["address"] for a in report["addresses"]}  # type: ignore[union-attr]
    assert not reached & {bc.addr("l"), bc.addr("n"), bc.addr("s")}  # delegate/failed/static calls
    assert "USDT" in report["buckets"]  # type: ignore[operator]
    assert report["extraction"]["transfers"] < report["extraction"]["lake_transfers"]  # type: ignore[index]


def test_token_amounts_above_2_128_are_exact_in_the_report(break_lake: Lake) -> None:
    seeds = [Seed(address=bc.THIEF, asset=f"ethereum:{bc.USDT}")]
    report = _same_as_whole(break_lake, seeds, TraceParams("ethereum", "fifo", 6), LABELS)
    exact = report["assets"][0]["exact_to_base_units"]  # type: ignore[index]
    seeded = int((2**130 + 12345) // exact * exact)

    assert Decimal(report["buckets"]["USDT"]["seeded"]) == Decimal(seeded).scaleb(-6)  # type: ignore[index]


def test_synthetic_chain_traces_like_the_whole_lake(tmp_path: Path) -> None:
    syn = generate(100_000, seed=11)
    lake = Lake(tmp_path / "lake")
    import_synthetic(lake, syn.graph)
    seeds = [Seed(address=a) for a in syn.thieves]
    for policy in ("poison", "haircut", "fifo"):
        report = _same_as_whole(lake, seeds, TraceParams("synthetic", policy, 6), syn.labels)
        reached = {e["address"]: e for e in report["endpoints"]}  # type: ignore[union-attr]
        assert set(syn.truth) <= set(reached)


def test_cli_imports_into_the_lake_and_traces_with_the_local_engine(tmp_path: Path) -> None:
    files = bc.write_files(bc.build(extra_hub_senders=3), tmp_path / "in")
    db = str(tmp_path / "nk.duckdb")
    runner = CliRunner()
    got = runner.invoke(cli, ["trace", "import", "ethereum-etl", *map(str, files), "--engine", "local",
                              "--lake", str(tmp_path / "lake"), "--db", db])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert json.loads(got.output)["partitions"] >= 4
    out = tmp_path / "r.json"
    got = runner.invoke(cli, ["trace", "run", "--seed", bc.THIEF, "--chain", "ethereum", "--engine", "local",
                              "--lake", str(tmp_path / "lake"), "--db", db, "-o", str(out)])  # fmt: skip
    assert got.exit_code == 0, got.output
    report = json.loads(out.read_text())
    assert report["run"]["engine"] == "local" and report["extraction"]["reached_addresses"] > 0
    bad = tmp_path / "bad.json"
    got = runner.invoke(cli, ["trace", "run", "--seed", bc.THIEF, "--chain", "ethereum", "--engine", "spark",
                              "--spark-master", "spark://127.0.0.1:9", "--lake", str(tmp_path / "lake"),
                              "--db", db, "-o", str(bad)])  # fmt: skip
    assert got.exit_code == 69
    assert "spark://127.0.0.1:9" in got.output and len(got.output.strip().splitlines()) == 1
    assert not bad.exists()
