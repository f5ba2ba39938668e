"""The same Splink settings on DuckDB (default) and on Spark (local mode) give the same scores."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nkwatch.hiring.splink_model import person_table, predict
from nkwatch.hiring.synthetic import SyntheticConfig, generate


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session (Java 17) for this module, stopped after it: getOrCreate would
    otherwise hand this session (its settings, its worker Python) to later Spark tests."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    warehouse: Path = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("nkwatch-hiring-parity")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.memory", "1g")
        .config("spark.pyspark.python", sys.executable)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.ERROR)
    yield session
    session.stop()


@pytest.mark.slow
def test_duckdb_and_spark_score_every_blocked_pair_identically(spark: Any) -> None:
    from splink import SparkAPI

    syn = generate(SyntheticConfig(n=150, seed=11, duplicate_share=0.15, pool_size=60))
    table = person_table(syn.dataset.applicants)
    on_duckdb = predict(table, threshold=0.0)
    on_spark = predict(
        table, db_api=SparkAPI(spark_session=spark, break_lineage_method="persist"), threshold=0.0
    )
    assert len(on_duckdb) >= 20  # blocked pairs, matches and non-matches alike
    assert [(p.a, p.b) for p in on_duckdb] == [(p.a, p.b) for p in on_spark]
    for d, s in zip(on_duckdb, on_spark, strict=True):
        assert d.match_weight == pytest.approx(s.match_weight, abs=1e-9)
    matched = {(p.a, p.b) for p in on_spark if p.probability >= 0.95}
    assert matched and all(syn.truth[a] == syn.truth[b] for a, b in matched)
