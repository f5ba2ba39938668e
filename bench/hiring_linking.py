"""Hiring screen on generated populations: cluster quality, false "high" rate and speed.

Workload: ``nkwatch.hiring.synthetic`` population (fake data, 17 locales) with planted
operators (2% of records) and honest look-alikes, with ground truth. Measured:

* nkwatch (indicators + union-find over shared identifiers + place-and-content rule +
  Splink person model): pairwise cluster precision/recall, honest records flagged "high",
  operator records flagged "high", wall time per stage;
* peer in the same run: **Splink alone with default settings** over the same columns
  (comparison-library defaults, blocking on each identifier, u by random sampling, m by EM,
  clusters at match probability 0.95).

Run: ``.venv/bin/python -m bench.hiring_linking [--n 100000] [--scale 1000000]``.
``--scale N`` also times screening + linking of N records (nkwatch only).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import platform
import time
from pathlib import Path
from typing import Any

from nkwatch.hiring.fields import norm_text
from nkwatch.hiring.linking import pairwise_scores
from nkwatch.hiring.screening import ScreeningOptions, screen
from nkwatch.hiring.synthetic import Synthetic, SyntheticConfig, generate

RESULTS = Path(__file__).resolve().parent / "results" / "hiring_linking.json"


def quality(syn: Synthetic, clusters: list[tuple[str, ...]]) -> tuple[float, float]:
    return pairwise_scores(clusters, syn.truth)


def run_nkwatch(syn: Synthetic) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    result = screen(syn.dataset, ScreeningOptions())
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    p, r = quality(syn, [c.cluster.members for c in result.clusters])
    honest = [pid for pid, lab in syn.truth.items() if lab.startswith("h")]
    ops = [pid for pid, lab in syn.truth.items() if lab.startswith("op")]
    high = {pid for pid, risk in result.people.items() if risk.level == "high"}
    return {
        "system": "nkwatch",
        "precision": round(p, 4),
        "recall": round(r, 4),
        "honest_high_rate": round(sum(1 for x in honest if x in high) / len(honest), 5),
        "operator_high_rate": round(sum(1 for x in ops if x in high) / max(1, len(ops)), 4),
        "clusters": len(result.clusters),
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),  # all threads of this process (DuckDB uses both cores)
        "stages_s": {k: round(v, 1) for k, v in result.timings.items()},
    }


def splink_default_table(syn: Synthetic) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "unique_id",
            "first_name",
            "surname",
            "dob",
            "email",
            "phone",
            "address",
            "shipping",
            "payout",
            "document",
            "photo",
        )
    }
    for a in syn.dataset.applicants:
        parts = norm_text(a.full_name).split()
        cols["unique_id"].append(a.id)
        cols["first_name"].append(parts[0] if parts else None)
        cols["surname"].append(parts[-1] if len(parts) > 1 else None)
        cols["dob"].append(a.date_of_birth.isoformat() if a.date_of_birth else None)
        cols["email"].append(a.emails[0] if a.emails else None)
        cols["phone"].append(a.phones[0] if a.phones else None)
        cols["address"].append(norm_text(a.address) if a.address else None)
        cols["shipping"].append(norm_text(a.shipping_address) if a.shipping_address else None)
        cols["payout"].append(a.payment_accounts[0] if a.payment_accounts else None)
        cols["document"].append(a.document_number)
        cols["photo"].append(a.photo_hash)
    return cols


def run_splink_default(syn: Synthetic) -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("address"),
            cl.ExactMatch("shipping"),
            cl.ExactMatch("payout"),
            cl.ExactMatch("document"),
            cl.ExactMatch("photo"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email"),
            block_on("phone"),
            block_on("payout"),
            block_on("shipping"),
            block_on("document"),
            block_on("photo"),
            block_on("dob", "substr(surname, 1, 1)"),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(splink_default_table(syn)), settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    em_failed = []
    for rule in (block_on("dob"), block_on("first_name", "surname"), block_on("email")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # EM can diverge (m of 0, lambda of 1): record, go on
            em_failed.append(
                f"{rule.get_blocking_rule('duckdb').blocking_rule_sql}: {str(exc)[:120]}"
            )
    pairs = linker.inference.predict(threshold_match_probability=0.95)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.95)
    groups: dict[Any, list[str]] = {}
    for row in clusters.as_record_list():
        groups.setdefault(row["cluster_id"], []).append(str(row["unique_id"]))
    wall = time.perf_counter() - t0
    multi = [tuple(m) for m in groups.values() if len(m) > 1]
    p, r = quality(syn, multi)
    return {
        "system": "splink-default",
        "precision": round(p, 4),
        "recall": round(r, 4),
        "clusters": len(multi),
        "wall_s": round(wall, 1),
        "em_failed": em_failed,  # EM sessions Splink could not complete on this data
    }


def bench_quality(n: int, seed: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    syn = generate(SyntheticConfig(n=n, seed=seed))
    gen_s = time.perf_counter() - t0
    rows = [run_nkwatch(syn), run_splink_default(syn)]
    return {
        "n": len(syn.dataset.applicants),
        "operators": len(syn.operators),
        "operator_records": sum(len(v) for v in syn.operators.values()),
        "logins": len(syn.dataset.logins),
        "generate_s": round(gen_s, 1),
        "rows": rows,
    }


def bench_scale(n: int, seed: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    syn = generate(SyntheticConfig(n=n, seed=seed))
    gen_s = time.perf_counter() - t0
    gc.collect()
    row = run_nkwatch(syn)
    return {
        "n": len(syn.dataset.applicants),
        "logins": len(syn.dataset.logins),
        "generate_s": round(gen_s, 1),
        "nkwatch": row,
    }


def save(key: str, value: dict[str, Any]) -> None:
    """Merge one phase into the results file, so a long scale run never loses the others."""
    out: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    out |= {
        "bench": "hiring_linking",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        key: value,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000, help="quality run size (0: skip)")
    ap.add_argument("--scale", type=int, default=0, help="also time screening of this many")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if args.n:
        q = bench_quality(args.n, args.seed)
        save("quality", q)
        print(
            f"population {q['n']:,} records, {q['operators']} operators "
            f"({q['operator_records']} records), generated in {q['generate_s']} s"
        )
        print(
            f"{'system':<16}{'precision':>10}{'recall':>8}{'honest high':>13}{'ops high':>10}"
            f"{'clusters':>10}{'wall s':>9}"
        )
        for row in q["rows"]:
            print(
                f"{row['system']:<16}{row['precision']:>10.4f}{row['recall']:>8.4f}"
                f"{row.get('honest_high_rate', float('nan')):>13.4%}"
                f"{row.get('operator_high_rate', float('nan')):>10.2%}{row['clusters']:>10}"
                f"{row['wall_s']:>9.1f}"
            )
    if args.scale:
        s = bench_scale(args.scale, args.seed + 1)
        save("scale", s)
        print(
            f"scale: {s['n']:,} records + {s['logins']:,} logins screened and linked in "
            f"{s['nkwatch']['wall_s']} s (stages {s['nkwatch']['stages_s']}); "
            f"P {s['nkwatch']['precision']} R {s['nkwatch']['recall']}"
        )


if __name__ == "__main__":
    main()
