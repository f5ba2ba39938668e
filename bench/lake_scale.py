"""Transfer lake bench: import rates beside DuckDB's own COPY, and the scale-out trace on
both engines (DuckDB in-process, Spark local[2]) with per-stage wall and CPU seconds.

    .venv/bin/python -m bench.lake_scale [--import-rows 2000000] [--sizes 10000000]
                                          [--spark-master local[2]] [--rounds 3]

Import: a synthetic ethereum-etl ``token_transfers`` export (the widest value table) as
Parquet and as CSV; nkwatch's import (checks, limbs, ids, sort, one Parquet file per
100,000-block range, commit) against DuckDB copying the same file to Parquet (``COPY``, no
checks) as the practical limit; rows per CPU-second of this process (DuckDB's threads
included). Trace: ``trace.synthetic.generate(n)`` written to the lake, 20 thieves seeded, 6
hops, haircut, deposit detection; CPU is this process (driver: Python + DuckDB) plus, for
Spark, the JVM's own counters read from /proc; peak memory likewise (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from nkwatch.trace.engine import Seed, TraceParams
from nkwatch.trace.lake.engine import LocalEngine
from nkwatch.trace.lake.importer import import_files, import_synthetic
from nkwatch.trace.lake.sources.model import hex_strings
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.lake.tracing import canonical_report, trace_lake
from nkwatch.trace.synthetic import generate

RESULTS = Path(__file__).parent / "results" / "lake_scale.json"
USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7"
TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _proc_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def token_export(n: int, folder: Path) -> tuple[Path, Path]:
    """``n`` token transfers as an ethereum-etl export (Parquet and CSV), 50 per block."""
    rng = np.random.default_rng(3)
    users = rng.integers(1, 2_000_000, size=(2, n))
    block = np.arange(n, dtype=np.int64) // 50
    table = pa.table({
        "token_address": pa.repeat(pa.scalar(USDT), n),
        "from_address": hex_strings(users[0], 40), "to_address": hex_strings(users[1], 40),
        "value": pa.array(rng.integers(1, 10**15, n)).cast(pa.string()),
        "transaction_hash": hex_strings(np.arange(n), 64),
        "log_index": pa.array(np.arange(n) % 50), "block_number": pa.array(block),
        "block_timestamp": pa.array(1_600_000_000 + block * 12),
    })  # fmt: skip
    pq.write_table(table, folder / "token_transfers.parquet", compression="zstd")
    pcsv.write_csv(table, folder / "token_transfers.csv")
    return folder / "token_transfers.parquet", folder / "token_transfers.csv"


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def bench_import(n: int, rounds: int, work: Path) -> dict[str, Any]:
    parquet, csv = token_export(n, work)
    out: dict[str, Any] = {
        "rows": n,
        "parquet_mb": parquet.stat().st_size / 2**20,
        "csv_mb": csv.stat().st_size / 2**20,
    }
    for name, path in (("parquet", parquet), ("csv", csv)):
        ours, peer = [], []
        lake_bytes = 0
        for r in range(rounds):
            lake = Lake(work / f"lake-{name}-{r}")
            wall, cpu, res = _timed(
                lambda lake=lake, path=path: import_files(lake, "ethereum-etl", [path])
            )
            ours.append((wall, cpu))
            lake_bytes = sum(p.bytes for p in res.partitions)
            con = duckdb.connect()
            reader = "read_parquet" if name == "parquet" else "read_csv"
            target = str(work / f"copy-{name}-{r}.parquet")
            wall, cpu, _ = _timed(
                lambda con=con, reader=reader, path=path, target=target: con.execute(
                    f"COPY (SELECT * FROM {reader}('{path}')) TO '{target}' (FORMAT parquet)"  # noqa: S608 - bench paths
                )
            )
            peer.append((wall, cpu))
        med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
        out[name] = {
            "nkwatch_wall_s": med(ours, 0), "nkwatch_cpu_s": med(ours, 1),
            "nkwatch_rows_per_cpu_s": n / med(ours, 1), "duckdb_copy_wall_s": med(peer, 0),
            "duckdb_copy_cpu_s": med(peer, 1), "duckdb_copy_rows_per_cpu_s": n / med(peer, 1),
            "lake_bytes_per_row": lake_bytes / n, "rounds": rounds,
        }  # fmt: skip
        print(name, json.dumps(out[name]), flush=True)
    return out


def bench_trace(n: int, master: str, work: Path, spark_rounds: int) -> dict[str, Any]:
    gw, gc, syn = _timed(lambda: generate(n))
    lake = Lake(work / f"trace-lake-{n}")
    iw, ic, res = _timed(lambda: import_synthetic(lake, syn.graph))
    out: dict[str, Any] = {"transfers": n, "generate_s": gw, "import_wall_s": iw, "import_cpu_s": ic,
                           "lake_bytes": sum(p.bytes for p in res.partitions)}  # fmt: skip
    seeds = [Seed(address=a) for a in syn.thieves]
    params = TraceParams("synthetic", "haircut", 6)
    runs: dict[str, Any] = {}
    reports = {}
    for engine_name in ("local", "spark"):
        if engine_name == "spark":
            from nkwatch.trace.lake.spark import SparkEngine

            sw, _, eng = _timed(
                lambda: SparkEngine.start(
                    master, {"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "8"}
                )
            )
            jvm = eng.spark.sparkContext._gateway.proc.pid
            out["spark_start_s"] = sw
        else:
            eng, jvm = LocalEngine(), None
        rounds = []
        for _ in range(spark_rounds if engine_name == "spark" else 3):
            j0 = _proc_cpu(jvm) if jvm else 0.0
            wall, cpu, rep = _timed(
                lambda eng=eng: trace_lake(lake, eng, seeds, params, syn.labels)
            )
            jcpu = (_proc_cpu(jvm) - j0) if jvm else 0.0
            rounds.append(
                {
                    "wall_s": wall,
                    "driver_cpu_s": cpu,
                    "jvm_cpu_s": jcpu,
                    "stages_s": rep.run.stages_s,
                }
            )
            reports[engine_name] = canonical_report(rep)
            ext = rep.extraction
        best = sorted(rounds, key=lambda r: r["wall_s"])[len(rounds) // 2]
        cpu_total = best["driver_cpu_s"] + best["jvm_cpu_s"]
        runs[engine_name] = {**best, "rounds": len(rounds), "core_s_per_million": cpu_total / (n / 1e6),
                             "jvm_peak_mb": _proc_hwm_mb(jvm) if jvm else None}  # fmt: skip
        print(engine_name, json.dumps(runs[engine_name]), flush=True)
    out["engines"] = runs
    out["identical_canonical_reports"] = reports["local"] == reports["spark"]
    out["extraction_transfers"] = ext.transfers if ext else None
    out["extraction_share"] = (ext.transfers / n) if ext else None
    out["reached_addresses"] = ext.reached_addresses if ext else None
    out["python_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--import-rows", type=int, default=2_000_000)
    ap.add_argument("--sizes", default="10000000")
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--spark-rounds", type=int, default=1)
    args = ap.parse_args()
    result: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                              "load_average_start": os.getloadavg(), "cores": os.cpu_count()}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.import_rows:
            result["import"] = bench_import(args.import_rows, args.rounds, work)
        result["trace"] = [
            bench_trace(int(s), args.spark_master, work, args.spark_rounds)
            for s in args.sizes.split(",")
            if s
        ]
    result["load_average_end"] = os.getloadavg()
    RESULTS.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
