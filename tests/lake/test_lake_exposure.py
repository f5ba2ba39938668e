"""Exposure over the lake: the extraction's sweep equals a sweep over the whole lake, and
``exposure file --engine local`` and ``--engine spark`` (local[2]) write byte-identical
results, on the bundled Bybit hops and on the break cases (one block with several transfers,
equal timestamps, a hub past the fan-in bound, failed and delegate calls, amounts > 2^128,
a re-imported range). The Spark session is the one ``test_lake_spark`` uses (same settings:
a process holds one, and a different one is refused, as tested here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.lake import breakcases as bc

from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.exposure.engine import ExposureIndex, ExposureParams, Window
from nkwatch.exposure.model import RiskCategory, RiskSource
from nkwatch.trace.lake.engine import Engine, LocalEngine
from nkwatch.trace.lake.importer import import_bybit_example
from nkwatch.trace.lake.spark import SparkEngine
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.lake.tracing import whole_graph
from nkwatch.trace.lake.window import exposure_window

pytestmark = pytest.mark.timeout(900)
SOURCES = [
    RiskSource(bc.THIEF, RiskCategory.USER_LIST, "thief", True, source="test", group="user:t"),
    RiskSource(bc.MIX, RiskCategory.MIXER, "Mixer M", False, source="test", group="mixer:M"),
]
SERVICES = [bc.HOT]
FAN_IN = 30  # the break cases' hub has 61 inflows


def _addresses(lake: Lake) -> list[str]:
    graph = whole_graph(lake, LocalEngine(), "ethereum")
    return list(graph.addresses)


def _tx_hashes(lake: Lake, n: int) -> list[str]:
    graph = whole_graph(lake, LocalEngine(), "ethereum")
    infos = graph.resolve(list(range(0, graph.n_edges, max(graph.n_edges // n, 1))))
    return sorted({i.tx_hash for i in infos.values()})[:n]


POLICIES = ("poison", "haircut", "fifo")


def _scores(lake: Lake, eng: Engine, subjects: list[str]) -> dict[str, list[object]]:
    """Per policy, every subject's result (one extraction serves every policy)."""
    window = exposure_window(
        lake, eng, "ethereum", sources=[s.address for s in SOURCES], services=SERVICES,
        subjects=subjects, subject_txs=[], max_hops=4, max_fan_in=FAN_IN,
    )  # fmt: skip
    index = ExposureIndex(
        window.graph, SOURCES, SERVICES, window=Window(window.fan_in, window.opening)
    )
    return {
        p: [r.to_json() for r in index.addresses(subjects, ExposureParams("ethereum", p, 4, max_fan_in=FAN_IN))]
        for p in POLICIES
    }  # fmt: skip


def test_extraction_sweep_equals_the_whole_lake_sweep(break_lake: Lake) -> None:
    subjects = _addresses(break_lake)
    whole = ExposureIndex(whole_graph(break_lake, LocalEngine(), "ethereum"), SOURCES, SERVICES)
    got = _scores(break_lake, LocalEngine(), subjects)
    for policy in POLICIES:
        params = ExposureParams("ethereum", policy, 4, max_fan_in=FAN_IN)
        assert got[policy] == [r.to_json() for r in whole.addresses(subjects, params)], policy
        assert len([r for r in got[policy] if r["sources"]]) >= 5  # type: ignore[index]
    notes = " ".join(n for r in got["haircut"] for n in r["notes"])  # type: ignore[index, attr-defined]
    assert f"(63 inflows > {FAN_IN}): treated as a service" in notes  # counted over the lake


def test_a_subject_alone_gets_its_whole_history(break_lake: Lake) -> None:
    """Scoring one deposit extracts only its neighbourhood and gives the batch's answer."""
    subjects = _addresses(break_lake)
    batch = _scores(break_lake, LocalEngine(), subjects)
    for i in (subjects.index(bc.DEP), subjects.index(bc.HUB)):
        alone = _scores(break_lake, LocalEngine(), [subjects[i]])
        assert all(alone[p] == [batch[p][i]] for p in POLICIES)


def test_break_cases_are_identical_on_spark(break_lake: Lake, spark: SparkEngine) -> None:
    subjects = _addresses(break_lake)
    assert _scores(break_lake, spark, subjects) == _scores(break_lake, LocalEngine(), subjects)


def _file(settings_dir: Path, lake: Lake, deposits: Path, engine: str, *extra: str) -> bytes:
    out = settings_dir / f"out-{engine}.jsonl"
    args = ["exposure", "file", str(deposits), "-o", str(out), "--lake", str(lake.root),
            "--engine", engine, "--db", str(settings_dir / "nk.duckdb"), *extra]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 3), result.output
    return out.read_bytes()


def test_exposure_file_is_byte_identical_on_both_engines(
    tmp_path: Path, spark: SparkEngine
) -> None:
    """The store's risk book (the bundled intel: Bybit) over the bundled Bybit hops, scored
    by address and by transaction: local and Spark write the same file."""
    from nkwatch.intel import repository as intel_repo
    from nkwatch.settings import Settings
    from nkwatch.store import open_store

    with open_store(
        Settings.from_env({"HOME": str(tmp_path)}, db_path=tmp_path / "nk.duckdb")
    ) as store:
        intel_repo.ensure_bundled(store)
    lake = Lake(tmp_path / "lake")
    import_bybit_example(lake)
    subjects = _addresses(lake)
    deposits = tmp_path / "deposits.csv"
    rows = [f"ethereum,{a}," for a in subjects[:300]] + [
        f"ethereum,,{t}" for t in _tx_hashes(lake, 5)
    ]
    rows.append("ethereum,0x" + "ee" * 20 + ",")
    deposits.write_text("chain,address,tx_hash\n" + "\n".join(rows) + "\n", encoding="utf-8")
    spark_args = (
        "--spark-master",
        "local[2]",
        *[f"--spark-conf={k}={v}" for k, v in bc.SPARK_CONF.items()],
    )
    local = _file(tmp_path, lake, deposits, "local")
    assert local == _file(tmp_path, lake, deposits, "spark", *spark_args)
    records = [json.loads(line) for line in local.splitlines()]
    assert len(records) == len(rows)
    blocked = [r for r in records if r["decision"] == "block"]
    assert blocked and all("bybit" in r["result"]["sources"][0]["key"] for r in blocked)
    assert records[-1]["result"]["notes"] == ["address has no transfers in the store"]
    txs = [r for r in records if r["kind"] == "tx"]
    assert len(txs) == 5 and [r["decision"] for r in txs][0] == "block"


def test_a_running_session_with_other_settings_is_refused(spark: SparkEngine) -> None:
    with pytest.raises(UserError, match=r"spark.driver.memory=3g \(running: 2g\)"):
        SparkEngine.start("local[2]", {**bc.SPARK_CONF, "spark.driver.memory": "3g"})
    with pytest.raises(UserError, match=r"master local\[3\] \(running: local\[2\]\)"):
        SparkEngine.start("local[3]", bc.SPARK_CONF)
    with pytest.raises(UserError, match=r"spark.pyspark.python=/opt/other/python \(running: "):
        SparkEngine.start(
            "local[2]", {**bc.SPARK_CONF, "spark.pyspark.python": "/opt/other/python"}
        )
    again = SparkEngine.start("local[2]", {**bc.SPARK_CONF, "spark.sql.shuffle.partitions": "3"})
    assert again.spark is spark.spark  # same settings: reused, runtime SQL settings applied
    assert again.spark.conf.get("spark.sql.shuffle.partitions") == "3"
    assert again.spark.sparkContext.pythonExec == sys.executable
    SparkEngine.start("local[2]", bc.SPARK_CONF)


def test_exposure_file_takes_the_engine_and_lake_from_the_environment(
    tmp_path: Path, break_lake: Lake
) -> None:
    """``NKWATCH_ENGINE`` / ``NKWATCH_LAKE`` select the lake like the flags; a bad engine
    name is one line, exit 2."""
    risk = tmp_path / "risk.csv"
    risk.write_text(f"address,label,dprk_linked\n{bc.THIEF},thief,true\n", encoding="utf-8")
    deposits = tmp_path / "deposits.csv"
    deposits.write_text(f"address\n{bc.DEP}\n{bc.C}\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["exposure", "file", str(deposits), "-o", str(out), "--risk-list", str(risk),
            "--db", str(tmp_path / "nk.duckdb")]  # fmt: skip
    env = {"NKWATCH_ENGINE": "local", "NKWATCH_LAKE": str(break_lake.root)}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 3, result.output  # the thief's ETH reached both
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["decision"] for r in got] == ["block", "block"]
    assert got[0]["result"]["sources"][0]["key"] == "user_list:user:risk.csv"
    bad = CliRunner().invoke(cli, args, env={**env, "NKWATCH_ENGINE": "flink"})
    assert bad.exit_code == 2 and "unknown engine 'flink'" in bad.output
