"""Parity is the acceptance: ``--engine local`` and ``--engine spark`` (local[2]) give
byte-identical canonical reports for the same lake; a Spark import writes the same lake as
a local one. One Spark session serves the module (starting one costs seconds)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from tests.lake import breakcases as bc

from nkwatch.errors import UserError
from nkwatch.trace.engine import Seed, TraceParams
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.lake.engine import LocalEngine
from nkwatch.trace.lake.importer import (
    LakeImportOptions,
    import_bybit_example,
    import_files,
    import_synthetic,
)
from nkwatch.trace.lake.spark import SparkEngine
from nkwatch.trace.lake.spark_jobs import import_with_spark
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.lake.tracing import canonical_report, trace_lake
from nkwatch.trace.synthetic import generate

pytestmark = pytest.mark.timeout(900)
LABELS = LabelBook([Label("ethereum", a, s, c, 0.9, "test") for a, s, c in bc.LABELS])


def _parity(
    lake: Lake, spark: SparkEngine, seeds: list[Seed], params: TraceParams, labels: LabelBook
) -> dict[str, object]:
    local = trace_lake(lake, LocalEngine(), seeds, params, labels)
    remote = trace_lake(lake, spark, seeds, params, labels)
    assert remote.run is not None and remote.run.engine == "spark"
    assert canonical_report(local) == canonical_report(remote)
    return local.to_data()


def test_synthetic_1m_is_byte_identical_on_both_engines(tmp_path: Path, spark: SparkEngine) -> None:
    syn = generate(1_000_000)
    lake = Lake(tmp_path / "lake")
    import_synthetic(lake, syn.graph)
    report = _parity(
        lake,
        spark,
        [Seed(address=a) for a in syn.thieves],
        TraceParams("synthetic", "haircut", 6),
        syn.labels,
    )
    found = {e["address"] for e in report["endpoints"]}  # type: ignore[union-attr]
    assert set(syn.truth) <= found
    assert report["extraction"]["transfers"] < 1_000_000 // 100  # type: ignore[index]


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_break_cases_are_byte_identical(break_lake: Lake, spark: SparkEngine, policy: str) -> None:
    seeds = [Seed(address=bc.THIEF)]
    report = _parity(break_lake, spark, seeds, TraceParams("ethereum", policy, 6), LABELS)
    assert report["endpoints"]


def test_bybit_case_is_byte_identical(tmp_path: Path, spark: SparkEngine) -> None:
    from nkwatch.settings import Settings
    from nkwatch.store import open_store
    from nkwatch.trace.example import EXAMPLE_PARAMS, EXAMPLE_SEEDS
    from nkwatch.trace.label_sources import load_label_book

    lake = Lake(tmp_path / "lake")
    import_bybit_example(lake)
    with open_store(Settings(db_path=tmp_path / "nk.duckdb")) as store:
        labels = load_label_book(store)
    report = _parity(lake, spark, list(EXAMPLE_SEEDS), EXAMPLE_PARAMS, labels)
    assert [e["service"] for e in report["endpoints"]][:1] == ["THORChain"]  # type: ignore[index]


def test_spark_import_writes_the_local_lake_and_refuses_bad_rows(
    tmp_path: Path, spark: SparkEngine
) -> None:
    chain = bc.build(extra_hub_senders=5)
    files = bc.write_files(chain, tmp_path / "in")
    local, remote = Lake(tmp_path / "a"), Lake(tmp_path / "b")
    import_files(local, "ethereum-etl", files)
    import_with_spark(remote, "ethereum-etl", files, LakeImportOptions(), spark)
    read = "SELECT * EXCLUDE (chain) FROM read_parquet($f) ORDER BY block, tx_index, seq, out_index"
    con = duckdb.connect()
    assert (
        con.sql(read, params={"f": local.paths("transfers")}).fetchall()
        == con.sql(read, params={"f": remote.paths("transfers")}).fetchall()
    )
    before = (remote.root / "_manifest.json").read_bytes()
    chain.txs[3]["value"] = "12e5"
    with pytest.raises(
        UserError, match=r"transactions\.csv:5: column value: not a non-negative integer"
    ):
        import_with_spark(
            remote,
            "ethereum-etl",
            bc.write_files(chain, tmp_path / "bad"),
            LakeImportOptions(),
            spark,
        )
    assert (remote.root / "_manifest.json").read_bytes() == before
