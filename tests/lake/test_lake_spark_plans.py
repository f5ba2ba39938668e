"""Spark plans that must not grow with the lake (found by the 100M run): a hop of the
expansion never shuffles the lake, even when the stop list is past the broadcast limit."""

from __future__ import annotations

import pytest
from tests.lake import breakcases as bc

from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.lake.spark import SparkEngine
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.lake.tracing import trace_lake
from nkwatch.trace.params import Seed, TraceParams

MOVES = ("from_id", "to_id", "block")  # a leaf reading these is the lake (or its held copy)


def _depth(line: str) -> int:
    return next((i for i, ch in enumerate(line) if ch.isalnum()), len(line))


def shuffled_lake_rows(plan: str) -> bool:
    """Whether an Exchange sits between a scan of the lake and the first join or aggregation
    above it (the frontier join must come first: it is what makes the rows few)."""
    lines = plan.splitlines()
    for i, line in enumerate(lines):
        if "Scan" not in line or not all(c in line for c in MOVES):
            continue
        depth = _depth(line)
        for above in reversed(lines[:i]):
            if _depth(above) >= depth:
                continue
            depth = _depth(above)
            if "HashAggregate" in above or "Join" in above:
                break
            if "Exchange" in above:
                return True
    return False


def test_the_plan_reader_sees_a_shuffled_scan() -> None:
    plan = (
        "SortMergeJoin [to_id#1L], [id#9L], LeftAnti\n"
        ":- Sort [to_id#1L ASC NULLS FIRST], false, 0\n"
        ":  +- Exchange hashpartitioning(to_id#1L, 4)\n"
        ":     +- FileScan parquet [from_id#0L,to_id#1L,block#2L]\n"
        "+- Sort [id#9L ASC NULLS FIRST], false, 0\n"
    )
    assert shuffled_lake_rows(plan)
    assert not shuffled_lake_rows(plan.replace("Exchange", "BroadcastHashJoin"))


def test_a_hop_never_shuffles_the_lake_when_the_stops_are_past_the_broadcast_limit(
    spark: SparkEngine, break_lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = [Label("ethereum", a, s, c, 0.9, "test") for a, s, c in bc.LABELS]
    many = [
        Label("ethereum", bc.addr(f"svc{i}"), f"S{i}", "mixer", 0.9, "test") for i in range(3000)
    ]
    plans: list[str] = []
    materialise = SparkEngine.materialise

    def recording(self: SparkEngine, name: str, sql: str) -> None:
        if name.startswith("state_") and name != "state_0":
            plans.append(self.spark.sql(sql)._jdf.queryExecution().executedPlan().toString())
        materialise(self, name, sql)

    conf = spark.spark.conf
    before = conf.get("spark.sql.autoBroadcastJoinThreshold")
    monkeypatch.setattr(SparkEngine, "materialise", recording)
    conf.set("spark.sql.autoBroadcastJoinThreshold", "20000")  # the frontier, not 3,000 stops
    try:
        report = trace_lake(break_lake, spark, [Seed(address=bc.THIEF)],
                            TraceParams("ethereum", "haircut", 2), LabelBook(services + many))  # fmt: skip
    finally:
        conf.set("spark.sql.autoBroadcastJoinThreshold", before)
    assert len(plans) == 2 and not any(shuffled_lake_rows(p) for p in plans), plans[0]
    assert report.extraction is not None and report.extraction.reached_addresses > 1
