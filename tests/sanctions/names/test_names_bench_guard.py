"""Regression guard: F1 on the labelled name bench, computed at DEFAULT_THRESHOLD (see bench/)."""

from __future__ import annotations

import csv
from pathlib import Path

from nkwatch.sanctions.model import Schema
from nkwatch.sanctions.names import DEFAULT_THRESHOLD, match_names

MIN_F1 = 0.89  # measured 0.901 (docs/benchmarks.md); fails on a real regression, not on noise
_SCHEMA = {"Person": Schema.PERSON, "Vessel": Schema.VESSEL}


def test_name_bench_f1(shared_data: Path) -> None:
    path = shared_data / "names" / "name_bench_cases.csv"
    tp = fp = fn = 0
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 826
    for row in rows:
        schema = _SCHEMA.get(row["schema"], Schema.ORGANIZATION)
        predicted = match_names(row["name1"], row["name2"], schema).score >= DEFAULT_THRESHOLD
        gold = row["is_match"] == "true"
        tp += predicted and gold
        fp += predicted and not gold
        fn += gold and not predicted
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= MIN_F1, f"F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f}) below {MIN_F1}"
