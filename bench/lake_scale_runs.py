"""The lake's scale runs (issue #12): a 6-hop trace of 20 seeds and the exposure of 100,000
deposits over a synthetic lake, on ``--engine local`` (DuckDB) and Spark, each engine in a
fresh process so its peak memory is its own.

    # once per size, untimed and niced (``generate`` holds its graph in memory; --stream
    # writes partition by partition, as for 100M):
    nice -n 19 .venv/bin/python -m bench.lake_scale_runs prepare --n 10000000 --data /work/bench-data
    # timed, one engine per process, under the shared bench lock:
    flock /tmp/bench.lock .venv/bin/python -m bench.lake_scale_runs run --n 10000000 \\
        --data /work/bench-data --engine spark --master 'local[2]'

``run`` appends one record to ``bench/results/lake_scale_runs.json``: per stage wall seconds
and core-seconds (this process + for Spark the driver JVM's own counters from /proc, which in
``local[N]`` mode include its executor threads), core-seconds per million lake transfers,
the extraction's size against the lake's, peak memory (Python ``ru_maxrss``; the JVM's
``VmHWM``, with ``spark.driver.memory`` as given), the load average, and a digest of the
canonical trace report and of the exposure results (equal digests = identical output).
``--rounds N`` runs the trace and the exposure N times in the one process: ``stages`` are
then the medians of the warm rounds (all but the first), ``first_round_core_s_per_million``
the first round's, ``rounds_stages`` every round's.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import resource
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "lake_scale_runs.json"
TICK = os.sysconf("SC_CLK_TCK")
N_DEPOSITS = 100_000


def _lake_dir(data: Path, n: int) -> Path:
    return data / f"lake-{n}"


def prepare(n: int, data: Path, stream: bool = False) -> None:
    """Generate and import the lake; ``stream``: slice by slice (``synthetic_stream``, memory
    bounded by a slice and a partition) instead of ``synthetic.generate`` in memory."""
    from nkwatch.trace.lake.importer import import_synthetic, import_synthetic_slices
    from nkwatch.trace.lake.store import Lake

    t0 = time.perf_counter()
    lake = Lake(_lake_dir(data, n))
    if stream:
        from nkwatch.trace.synthetic_stream import stream as draw

        syn: Any = draw(n)
        t1 = time.perf_counter()  # generation and import interleave: both are in import_s
        res = import_synthetic_slices(lake, syn.slices())
        transfers, first_deposit = syn.n_transfers, syn.first_deposit
    else:
        from nkwatch.trace.synthetic import generate

        syn = generate(n)
        t1 = time.perf_counter()
        res = import_synthetic(lake, syn.graph)
        transfers, first_deposit = syn.graph.n_edges, 20 + 5 + 3  # hot wallets, mixers, bridges
    meta = {
        "n": n, "transfers": transfers, "thieves": syn.thieves,
        "generator": "synthetic_stream" if stream else "synthetic.generate",
        "labels": [dataclasses.asdict(lb) for lb in syn.labels.all()],
        "deposits": [f"0x{i:040x}" for i in range(first_deposit, first_deposit + N_DEPOSITS)],
        "generate_s": t1 - t0, "import_s": time.perf_counter() - t1,
        "lake_bytes": sum(p.bytes for p in res.partitions), "partitions": len(res.partitions),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }  # fmt: skip
    (data / f"meta-{n}.json").write_text(json.dumps(meta))
    print(json.dumps({k: v for k, v in meta.items() if k not in ("thieves", "labels", "deposits")}))


class Meter:
    """CPU of this process plus (Spark) the driver JVM, read at each stage mark."""

    def __init__(self, jvm: int | None) -> None:
        self.jvm = jvm
        self.stages: dict[str, dict[str, float]] = {}
        self._w, self._c = time.perf_counter(), self.cpu()

    def cpu(self) -> float:
        own = time.process_time()
        if self.jvm is None:
            return own
        fields = Path(f"/proc/{self.jvm}/stat").read_text().rsplit(")", 1)[1].split()
        return own + (int(fields[11]) + int(fields[12])) / TICK

    def reset(self) -> None:
        self._w, self._c = time.perf_counter(), self.cpu()

    def mark(self, name: str) -> None:
        w, c = time.perf_counter(), self.cpu()
        self.stages[name] = {"wall_s": round(w - self._w, 3), "core_s": round(c - self._c, 3)}
        self._w, self._c = w, c
        hwm = f" jvm_hwm_mb={_hwm_mb(self.jvm):.0f}" if self.jvm else ""
        print(f"{datetime.now(UTC):%H:%M:%S} {name} {self.stages[name]} load={os.getloadavg()[0]:.1f}"
              f" py_maxrss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}{hwm}",
              file=sys.stderr, flush=True)  # fmt: skip


def _hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _median_stages(done: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per stage the median wall and core seconds of the given rounds."""
    return {
        k: {m: round(statistics.median(r[k][m] for r in done), 3) for m in ("wall_s", "core_s")}
        for k in done[0]
    }


def run(
    n: int, data: Path, engine: str, master: str, driver_memory: str, hops: int,
    mixer_sources: bool, part: str = "both", rounds: int = 1,
) -> dict[str, Any]:  # fmt: skip
    import nkwatch.trace.lake.tracing as tracing
    from nkwatch.exposure.engine import ExposureIndex, ExposureParams, Window
    from nkwatch.exposure.model import RiskCategory, RiskSource
    from nkwatch.exposure.sources import from_labels
    from nkwatch.trace.labels import Label, LabelBook
    from nkwatch.trace.lake.engine import LocalEngine
    from nkwatch.trace.lake.store import Lake
    from nkwatch.trace.lake.window import exposure_window
    from nkwatch.trace.params import Seed, TraceParams

    meta = json.loads((data / f"meta-{n}.json").read_text())
    lake = Lake(_lake_dir(data, n))
    labels = LabelBook([Label(**lb) for lb in meta["labels"]])
    load_start = os.getloadavg()
    w0 = time.perf_counter()
    if engine == "spark":
        from nkwatch.trace.lake.spark import SparkEngine

        eng: Any = SparkEngine.start(master, {"spark.driver.memory": driver_memory,
                                              "spark.ui.showConsoleProgress": "false"})  # fmt: skip
        jvm = eng.spark.sparkContext._gateway.proc.pid
    else:
        eng, jvm = LocalEngine(), None
    start_s = time.perf_counter() - w0
    meter = Meter(jvm)
    original = tracing.Timings.mark

    def mark(self: Any, name: str) -> None:  # per-stage CPU beside the tracer's own wall clock
        original(self, name)
        meter.mark(f"{prefix}{name}")

    tracing.Timings.mark = mark  # type: ignore[method-assign]
    done: list[dict[str, dict[str, float]]] = []
    for _ in range(rounds):  # the first round pays the JVM's warm-up; the later are "warm"
        meter.stages = {}
        prefix = "trace."
        meter.reset()
        ext, trace_digest = None, None
        if part in ("both", "trace"):
            report = tracing.trace_lake(
                lake, eng, [Seed(address=a) for a in meta["thieves"]],
                TraceParams("synthetic", "haircut", hops), labels,
            )  # fmt: skip
            trace_digest = hashlib.sha256(tracing.canonical_report(report)).hexdigest()
            ext = report.extraction
        prefix = "exposure."
        thieves = [RiskSource(a, RiskCategory.USER_LIST, "thieves", True, source="synthetic",
                              group="user:thieves") for a in meta["thieves"]]  # fmt: skip
        mixers, services = from_labels(labels.all())
        # the synthetic mixers receive from 2% of all transfers and pay out to ~100,000 users: as
        # risk sources they reach nearly every address within 4 hops (the extraction is then the
        # lake); by default they are plain intermediaries (hubs past the fan-in bound)
        sources = thieves + (mixers if mixer_sources else [])
        meter.reset()
        window, results, lines = None, [], None
        if part in ("both", "exposure"):
            window = exposure_window(
                lake, eng, "synthetic", sources=[s.address for s in sources], services=services,
                subjects=meta["deposits"], subject_txs=[], max_hops=4, max_fan_in=1_000,
            )  # fmt: skip
            index = ExposureIndex(
                window.graph, sources, services, window=Window(window.fan_in, window.opening)
            )
            results = index.addresses(meta["deposits"], ExposureParams("synthetic", "haircut", 4))
            meter.mark("exposure.sweep+readoff")
            lines = "\n".join(json.dumps(r.to_json(), sort_keys=True, default=str) for r in results)
        done.append(meter.stages)
    meter.stages = _median_stages(done[1:] or done)
    tracing.Timings.mark = original  # type: ignore[method-assign]
    cores = sum(s["core_s"] for s in meter.stages.values())
    record = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "n": n,
        "lake_transfers": meta["transfers"], "engine": engine, "part": part,
        "generator": meta.get("generator", "synthetic.generate"),
        "master": master if engine == "spark" else None,
        "driver_memory": driver_memory if engine == "spark" else None,
        "engine_start_s": round(start_s, 2), "rounds": rounds, "stages": meter.stages,
        "rounds_stages": done,
        "first_round_core_s_per_million": {
            k: round(v["core_s"] / (n / 1e6), 3) for k, v in done[0].items()
        },
        "total_wall_s": round(sum(s["wall_s"] for s in meter.stages.values()), 2),
        "total_core_s": round(cores, 2),
        "core_s_per_million": {k: round(v["core_s"] / (n / 1e6), 3) for k, v in meter.stages.items()},
        "trace_extraction": ext.transfers if ext else None,
        "trace_reached": ext.reached_addresses if ext else None,
        "exposure_extraction": window.graph.n_edges if window else None,
        "exposure_reached": window.reached_addresses if window else None,
        "risk_sources": len(sources), "mixer_sources": mixer_sources,
        "deposits": len(results), "exposed": sum(1 for r in results if r.sources),
        "python_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "jvm_peak_rss_mb": round(_hwm_mb(jvm), 1) if jvm else None,
        "lake_bytes": meta["lake_bytes"], "trace_digest": trace_digest,
        "exposure_digest": hashlib.sha256(lines.encode()).hexdigest() if lines is not None else None,
        "load_average_start": load_start, "load_average_end": os.getloadavg(),
    }  # fmt: skip
    return record


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["prepare", "run"])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--data", type=Path, default=Path("/work/bench-data"))
    ap.add_argument("--engine", choices=["local", "spark"], default="local")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="4g")
    ap.add_argument("--hops", type=int, default=6)
    ap.add_argument("--part", choices=["both", "trace", "exposure"], default="both")
    ap.add_argument(
        "--rounds", type=int, default=1, help="rounds in one process (median of all but the first)"
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help="result JSON (appended to)")
    ap.add_argument("--stream", action="store_true", help="prepare: the slice-by-slice generator")
    ap.add_argument(
        "--mixer-sources", action="store_true", help="the 5 mixers are risk sources too"
    )
    args = ap.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    if args.step == "prepare":
        prepare(args.n, args.data, args.stream)
        return
    record = run(
        args.n, args.data, args.engine, args.master, args.driver_memory, args.hops,
        args.mixer_sources, args.part, args.rounds,
    )  # fmt: skip
    print(json.dumps(record, indent=1), flush=True)
    done = json.loads(args.out.read_text()) if args.out.exists() else []
    args.out.write_text(json.dumps([*done, record], indent=1))


if __name__ == "__main__":
    main()
