"""Hiring screen on generated populations: cluster quality, false "high" rate and speed.

Workload: ``nkwatch.hiring.synthetic`` population (fake data, 17 locales) with planted
operators (2% of records) and honest look-alikes, with ground truth. Measured, per size:

* nkwatch (indicators + union-find over shared identifiers and near-duplicate photos +
  place-and-content rule + Splink person model): pairwise cluster precision/recall, honest
  records flagged "high", operator records flagged "high", wall and CPU seconds per stage;
* peer in the same run: **Splink alone with default settings** over the same columns
  (comparison-library defaults, blocking on each identifier, u by random sampling, m by EM,
  clusters at match probability 0.95), in a child process with a time limit.

Run: ``.venv/bin/python -m bench.hiring_linking [--n 100000] [--scale 1000000]``. The
generated population is cached as Parquet (``--cache``, keyed by size, seed and the
generator's source), so generation time is paid once and reported apart.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import platform
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from nkwatch.hiring import synthetic, synthetic_io
from nkwatch.hiring.fields import norm_text
from nkwatch.hiring.linking import pairwise_scores
from nkwatch.hiring.screening import ScreeningOptions, screen
from nkwatch.hiring.synthetic import Synthetic, SyntheticConfig, generate

RESULTS = Path(__file__).resolve().parent / "results" / "hiring_linking.json"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "nkwatch-bench"


def run_nkwatch(syn: Synthetic) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    result = screen(syn.dataset, ScreeningOptions())
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    p, r = pairwise_scores([c.cluster.members for c in result.clusters], syn.truth)
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


def splink_default_table(folder: Path) -> dict[str, list[Any]]:
    """Splink's input read straight from the cached Parquet (no model objects needed)."""
    apps = pq.read_table(
        folder / "applicants.parquet",
        columns=[
            "id",
            "full_name",
            "date_of_birth",
            "emails",
            "phones",
            "address",
            "shipping_address",
            "payment_accounts",
            "document_number",
            "photo_hash",
        ],
    ).to_pydict()
    names = [norm_text(x).split() for x in apps["full_name"]]
    first = lambda xs: xs[0] if xs else None  # noqa: E731
    return {
        "unique_id": apps["id"],
        "first_name": [first(p) for p in names],
        "surname": [p[-1] if len(p) > 1 else None for p in names],
        "dob": [d.isoformat() if d else None for d in apps["date_of_birth"]],
        "email": [first(x) for x in apps["emails"]],
        "phone": [first(x) for x in apps["phones"]],
        "address": [norm_text(x) if x else None for x in apps["address"]],
        "shipping": [norm_text(x) if x else None for x in apps["shipping_address"]],
        "payout": [first(x) for x in apps["payment_accounts"]],
        "document": apps["document_number"],
        "photo": apps["photo_hash"],
    }


def run_splink_default(folder: Path, progress: Path) -> dict[str, Any]:
    """Splink alone, default settings; each finished stage is appended to ``progress``."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def done(stage: str) -> None:
        with progress.open("a") as f:
            f.write(f"{stage} at {time.perf_counter() - t0:.0f} s\n")

    t0, c0 = time.perf_counter(), time.process_time()
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
    table = splink_default_table(folder)
    linker = Linker(db_api.register(table), settings, log_level=logging.WARNING)
    done("input registered")
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    done("u estimated (1e6 random pairs)")
    em_failed = []
    for rule in (block_on("dob"), block_on("first_name", "surname"), block_on("email")):
        sql = rule.get_blocking_rule("duckdb").blocking_rule_sql
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # EM can diverge (m of 0, lambda of 1): record, go on
            em_failed.append(f"{sql}: {str(exc)[:120]}")
        done(f"EM session blocked on {sql}")
    pairs = linker.inference.predict(threshold_match_probability=0.95)
    done("pairs predicted")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.95)
    groups: dict[Any, list[str]] = {}
    for row in clusters.as_record_list():
        groups.setdefault(row["cluster_id"], []).append(str(row["unique_id"]))
    done("clustered")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    multi = [tuple(m) for m in groups.values() if len(m) > 1]
    t = pq.read_table(folder / "truth.parquet").to_pydict()
    p, r = pairwise_scores(multi, dict(zip(t["id"], t["actor"], strict=True)))
    return {
        "system": "splink-default",
        "finished": True,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "clusters": len(multi),
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "em_failed": em_failed,  # EM sessions Splink could not complete on this data
    }


def population(n: int, seed: int, cache: Path) -> tuple[Synthetic, Path, dict[str, Any]]:
    """The generated population, from the Parquet cache when the generator is unchanged.

    Generation (Faker pools + a million records) is not part of the target; it is timed
    separately, and a cached population is read back instead of generated twice.
    """
    digest = hashlib.sha256()
    for mod in ("synthetic.py", "synthetic_ops.py", "synthetic_pools.py"):
        digest.update((Path(synthetic.__file__).parent / mod).read_bytes())
    folder = cache / f"n{n}-seed{seed}-{digest.hexdigest()[:12]}"
    t0 = time.perf_counter()
    if synthetic_io.exists(folder):
        syn = synthetic_io.load(folder)
        return syn, folder, {"generate_s": None, "load_s": round(time.perf_counter() - t0, 1)}
    syn = generate(SyntheticConfig(n=n, seed=seed))
    gen_s = time.perf_counter() - t0
    synthetic_io.save(syn, folder)
    return syn, folder, {"generate_s": round(gen_s, 1), "load_s": None}


def splink_alone(folder: Path, timeout_s: float) -> dict[str, Any]:
    """Splink with default settings in a child process, stopped after ``timeout_s``.

    A child keeps a run that cannot finish from taking the benchmark down with it; it reads
    the population from the Parquet cache, and its progress file says how far it got.
    """
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        progress, out = Path(tmp) / "progress", Path(tmp) / "out.json"
        child = ctx.Process(target=_splink_child, args=(folder, progress, out))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        child.start()
        child.join(timeout_s)
        wall = time.perf_counter() - t0
        if child.is_alive():
            child.terminate()
            child.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        row: dict[str, Any] = (
            json.loads(out.read_text())
            if out.exists()
            else {"system": "splink-default", "finished": False, "stopped_after_s": round(wall)}
        )
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        row["child_cpu_s"] = round(cpu, 1)  # the whole child, start-up and input included
        row["stages_done"] = progress.read_text().splitlines() if progress.exists() else []
        return row


def _splink_child(folder: Path, progress: Path, out: Path) -> None:
    out.write_text(json.dumps(run_splink_default(folder, progress)))


def bench_run(n: int, seed: int, cache: Path, splink_timeout: float) -> dict[str, Any]:
    """nkwatch, then Splink alone (in a child), on one population."""
    syn, folder, timing = population(n, seed, cache)
    gc.collect()
    mine = run_nkwatch(syn)
    del syn
    gc.collect()
    peer = splink_alone(folder, splink_timeout)
    t = pq.read_table(folder / "truth.parquet").column("actor").to_pylist()
    return {
        "n": len(t),
        "operators": len({x for x in t if x.startswith("op")}),
        "operator_records": sum(1 for x in t if x.startswith("op")),
        "logins": pq.read_metadata(folder / "logins.parquet").num_rows,
        **timing,
        "rows": [mine, peer],
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


def report(label: str, run: dict[str, Any]) -> None:
    gen = f"generated in {run['generate_s']} s" if run["generate_s"] else "read from cache"
    print(
        f"{label}: {run['n']:,} records ({run['operators']} operators,"
        f" {run['operator_records']} records; {run['logins']:,} logins), {gen}"
    )
    print(
        f"{'system':<16}{'precision':>10}{'recall':>8}{'honest high':>13}{'ops high':>10}"
        f"{'clusters':>10}{'wall s':>9}{'CPU s':>8}"
    )
    for row in run["rows"]:
        if not row.get("finished", True):
            print(f"{row['system']:<16} did not finish in {row['stopped_after_s']} s")
            print("  reached: " + "; ".join(row["stages_done"]))
            continue
        print(
            f"{row['system']:<16}{row['precision']:>10.4f}{row['recall']:>8.4f}"
            f"{row.get('honest_high_rate', float('nan')):>13.4%}"
            f"{row.get('operator_high_rate', float('nan')):>10.2%}{row['clusters']:>10}"
            f"{row['wall_s']:>9.1f}{row.get('cpu_s', float('nan')):>8.1f}"
        )
    print(f"  nkwatch stages: {run['rows'][0]['stages_s']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000, help="quality run size (0: skip)")
    ap.add_argument("--scale", type=int, default=0, help="also run this many (0: skip)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cache", type=Path, default=CACHE, help="generated populations")
    ap.add_argument("--splink-timeout", type=float, default=900, help="seconds for the peer")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    if args.n:
        q = bench_run(args.n, args.seed, args.cache, args.splink_timeout)
        q["load_average_1m"] = round(os.getloadavg()[0], 1)
        save("quality", q)
        report("quality", q)
    if args.scale:
        s = bench_run(args.scale, args.seed + 1, args.cache, args.splink_timeout)
        s["load_average_1m"] = round(os.getloadavg()[0], 1)
        save("scale", s)
        report("scale", s)


if __name__ == "__main__":
    main()
