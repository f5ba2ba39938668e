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
import shutil
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
from nkwatch.trace.lake import stages, tracing
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


def _median(rounds: list[tuple[float, float]], i: int) -> float:
    return statistics.median(r[i] for r in rounds)


def bench_import(n: int, rounds: int, work: Path) -> dict[str, Any]:
    parquet, csv = token_export(n, work)
    out: dict[str, Any] = {
        "rows": n,
        "parquet_mb": parquet.stat().st_size / 2**20,
        "csv_mb": csv.stat().st_size / 2**20,
    }
    # warm-up (not timed): module imports and the compiled checks' cache load
    (work / "warm").mkdir(exist_ok=True)
    import_files(Lake(work / "lake-warm"), "ethereum-etl", [token_export(1000, work / "warm")[0]])
    for name, path in (("parquet", parquet), ("csv", csv)):
        ours, peer = [], []
        lake_bytes = 0
        for r in range(rounds):  # nkwatch and DuckDB alternate, so both see the same load
            lake = Lake(work / f"lake-{name}-{r}")
            wall, cpu, res = _timed(
                lambda lake=lake, path=path: import_files(lake, "ethereum-etl", [path])
            )
            ours.append((wall, cpu))
            lake_bytes = sum(p.bytes for p in res.partitions)
            shutil.rmtree(lake.root)
            con = duckdb.connect()
            reader = "read_parquet" if name == "parquet" else "read_csv"
            target = str(work / f"copy-{name}-{r}.parquet")
            wall, cpu, _ = _timed(
                lambda con=con, reader=reader, path=path, target=target: con.execute(
                    f"COPY (SELECT * FROM {reader}('{path}')) TO '{target}' (FORMAT parquet)"  # noqa: S608 - bench paths
                )
            )
            peer.append((wall, cpu))
            Path(target).unlink()
        ours_rate, peer_rate = n / _median(ours, 1), n / _median(peer, 1)
        out[name] = {
            "nkwatch_wall_s": _median(ours, 0), "nkwatch_cpu_s": _median(ours, 1),
            "nkwatch_rows_per_cpu_s": ours_rate, "duckdb_copy_wall_s": _median(peer, 0),
            "duckdb_copy_cpu_s": _median(peer, 1), "duckdb_copy_rows_per_cpu_s": peer_rate,
            "ratio_vs_duckdb_copy": ours_rate / peer_rate, "lake_bytes_per_row": lake_bytes / n,
            "rounds": rounds, "nkwatch_cpu_s_rounds": [c for _, c in ours],
            "duckdb_cpu_s_rounds": [c for _, c in peer],
        }  # fmt: skip
        print(name, json.dumps(out[name]), flush=True)
    return out


class StageClock:
    """Per-stage CPU beside ``trace_lake``'s own per-stage wall times: this process (Python
    and DuckDB's threads) plus, for Spark, the JVM's counters (local mode: one JVM)."""

    def __init__(self, jvm: int | None) -> None:
        self.jvm = jvm
        self.cpu: dict[str, float] = {}
        self.ext_bytes = 0
        self._last = 0.0

    def now(self) -> float:
        return time.process_time() + (_proc_cpu(self.jvm) if self.jvm else 0.0)

    def install(self) -> Callable[[], None]:
        original_mark, original_extract = tracing.Timings.mark, stages.extract
        clock = self

        def mark(timings: tracing.Timings, name: str) -> None:
            original_mark(timings, name)
            now = clock.now()
            clock.cpu[name] = now - clock._last
            clock._last = now

        def extract(*args: Any, **kwargs: Any) -> Any:
            got = original_extract(*args, **kwargs)
            clock.ext_bytes = got[0].nbytes + got[1].nbytes
            return got

        tracing.Timings.mark = mark  # type: ignore[method-assign]
        stages.extract = extract

        def restore() -> None:
            tracing.Timings.mark = original_mark  # type: ignore[method-assign]
            stages.extract = original_extract

        return restore

    def start(self) -> None:
        self.cpu = {}
        self._last = self.now()


def _engine_rounds(eng: Any, jvm: int | None, rounds: int, run: Callable[[Any], Any],
                   n: int) -> tuple[dict[str, Any], Any]:  # fmt: skip
    clock = StageClock(jvm)
    restore = clock.install()
    done = []
    try:
        for _ in range(rounds):
            clock.start()
            w0 = time.perf_counter()
            rep = run(eng)
            done.append({"wall_s": time.perf_counter() - w0, "stages_wall_s": rep.run.stages_s,
                         "stages_cpu_s": dict(clock.cpu), "cpu_s": sum(clock.cpu.values())})  # fmt: skip
    finally:
        restore()
    first, warm = done[0], done[1:] or done[:1]
    names = list(first["stages_wall_s"])
    med = {
        "wall_s": statistics.median(r["wall_s"] for r in warm),
        "cpu_s": statistics.median(r["cpu_s"] for r in warm),
        "stages_wall_s": {k: statistics.median(r["stages_wall_s"][k] for r in warm) for k in names},
        "stages_cpu_s": {k: statistics.median(r["stages_cpu_s"][k] for r in warm) for k in names},
    }
    per_m = n / 1e6
    out = {
        "rounds": rounds, "first_round": first, "warm_median": med,
        "core_s_per_million": med["cpu_s"] / per_m,
        "stages_core_s_per_million": {k: v / per_m for k, v in med["stages_cpu_s"].items()},
        "stages_wall_s_per_million": {k: v / per_m for k, v in med["stages_wall_s"].items()},
        "first_round_core_s_per_million": first["cpu_s"] / per_m,
        "extraction_arrow_bytes": clock.ext_bytes,
    }  # fmt: skip
    return out, rep


def bench_trace(n: int, master: str, work: Path, rounds: int, spark_rounds: int) -> dict[str, Any]:
    gw, gc, syn = _timed(lambda: generate(n))
    lake = Lake(work / f"trace-lake-{n}")
    iw, ic, res = _timed(lambda: import_synthetic(lake, syn.graph))
    lake_bytes = sum(p.bytes for p in res.partitions)
    out: dict[str, Any] = {"transfers": n, "generate_s": gw, "import_wall_s": iw, "import_cpu_s": ic,
                           "lake_bytes": lake_bytes, "lake_bytes_per_transfer": lake_bytes / n}  # fmt: skip
    seeds = [Seed(address=a) for a in syn.thieves]
    params = TraceParams("synthetic", "haircut", 6)

    def run(eng: Any) -> Any:
        return trace_lake(lake, eng, seeds, params, syn.labels)

    runs: dict[str, Any] = {}
    reports = {}
    ext = None
    for engine_name in ("local", "spark"):
        if engine_name == "spark":
            from nkwatch.trace.lake.spark import SparkEngine

            sw, sc, eng = _timed(lambda: SparkEngine.start(master, {}))
            jvm = eng.spark.sparkContext._gateway.proc.pid
            out["spark_start_wall_s"], out["spark_start_jvm_cpu_s"] = sw, _proc_cpu(jvm)
        else:
            eng, jvm = LocalEngine(), None
        got, rep = _engine_rounds(eng, jvm, spark_rounds if jvm else rounds, run, n)
        got["jvm_peak_mb"] = _proc_hwm_mb(jvm) if jvm else None
        runs[engine_name] = got
        reports[engine_name] = canonical_report(rep)
        ext = rep.extraction
        print(engine_name, json.dumps(got), flush=True)
    out["engines"] = runs
    out["identical_canonical_reports"] = reports["local"] == reports["spark"]
    if ext is not None:
        out["extraction_transfers"] = ext.transfers
        out["extraction_share_of_lake_transfers"] = ext.transfers / n
        out["reached_addresses"] = ext.reached_addresses
        out["extraction_bytes_vs_lake_bytes"] = runs["local"]["extraction_arrow_bytes"] / lake_bytes
    out["python_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--import-rows", type=int, default=2_000_000)
    ap.add_argument("--sizes", default="10000000")
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--spark-rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS, help="result JSON (default %(default)s)")
    args = ap.parse_args()
    result: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                              "load_average_start": os.getloadavg(), "cores": os.cpu_count()}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.import_rows:
            result["import"] = bench_import(args.import_rows, args.rounds, work)
        result["trace"] = [
            bench_trace(int(s), args.spark_master, work, args.rounds, args.spark_rounds)
            for s in args.sizes.split(",")
            if s
        ]
    result["load_average_end"] = os.getloadavg()
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
