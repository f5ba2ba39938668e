"""Fund-tracing scale bench: synthetic chains of 1M / 10M (/ 50M) transfers.

Measures, per size: generation, import rate into the DuckDB store, bytes per transfer of
the in-memory graph, policy throughput (transfers examined per second by the compiled
sweep, one core), the bounded 6-hop trace end to end on the graph loaded from the store,
and recall of the ground-truth cash-out endpoints with exact amounts. Side by side on the
1M chain: the straightforward networkx implementation of the same policies
(``bench/trace_reference.py``): speed ratio and whether both give identical answers.

    .venv/bin/python -m bench.trace_scale [--sizes 1000000,10000000] [--store-max 10000000]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
from bench import trace_reference as ref

from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace import kernel
from nkwatch.trace.engine import trace
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.repository import load_graph
from nkwatch.trace.synthetic import Synthetic, generate, store_synthetic

RESULTS = Path(__file__).parent / "results" / "trace_scale.json"
POLICIES = {"poison": kernel.POISON, "haircut": kernel.HAIRCUT, "fifo": kernel.FIFO}


def _recall(syn: Synthetic, result) -> float:  # type: ignore[no-untyped-def]
    run, g = result.runs[0], result.graph
    exact = sum(int(run.taint[g.address_id(a)]) == v for a, v in syn.truth.items())
    return exact / len(syn.truth)


def _kernel_rate(syn: Synthetic, policy: int) -> tuple[float, int, int]:
    """(transfers examined per CPU-second, examined, processed) of the compiled sweep alone,
    on sender balances already computed for the graph (``sender_balances``, timed apart)."""
    g = syn.graph
    since = np.full(g.n_addresses, np.iinfo(np.int64).max, np.int64)
    for a in syn.thieves:
        since[g.address_id(a)] = 0
    endpoint = np.zeros(g.n_addresses, np.bool_)
    for lb in syn.labels.all():
        endpoint[g.address_id(lb.address)] = True
    empty = np.zeros(0, np.int64)
    args = (g.src, g.dst, g.amount, g.fee, g.ts, g.sender_balances(0), g.n_addresses, endpoint,
            since, empty, empty, np.zeros(0, np.int32), empty, empty, empty, policy, 6, 0, 2**62,
            10**9)  # fmt: skip
    start = time.process_time()
    out = kernel.sweep_window(*args)
    cpu = time.process_time() - start
    return out[10] / cpu, int(out[10]), int(out[11])


def _trace(graph, syn: Synthetic, policy: str, *, from_theft: bool = False):  # type: ignore[no-untyped-def]
    """(result, wall s, CPU s) of one bounded 6-hop trace from all thieves (from the start of
    history, or from each theft's time)."""
    seeds = [
        Seed(address=a, since=datetime.fromtimestamp(t, UTC) if from_theft else None)
        for a, t in zip(syn.thieves, syn.theft_times, strict=True)
    ]
    start, cpu = time.perf_counter(), time.process_time()
    result = trace(
        graph, seeds, TraceParams(syn.graph.chain, policy=policy, max_hops=6), labels=syn.labels
    )
    return result, time.perf_counter() - start, time.process_time() - cpu


def bench_size(n: int, store_max: int, tmp: Path) -> dict[str, object]:
    row: dict[str, object] = {"transfers": n}
    start = time.perf_counter()
    syn = generate(n)
    row["generate_s"] = round(time.perf_counter() - start, 2)
    g = syn.graph
    row["cashout_endpoints"] = len(syn.truth)
    cpu = time.process_time()
    g.sender_balances(0)
    row["sender_balances_once_cpu_s"] = round(time.process_time() - cpu, 3)
    row["graph_bytes_per_transfer"] = round(g.nbytes() / g.n_edges, 1)  # sender balances included
    row["address_table_bytes_per_transfer"] = round(
        sum(49 + len(a) + 8 for a in g.addresses) / g.n_edges, 1
    )
    for name, code in POLICIES.items():
        rate, examined, processed = _kernel_rate(syn, code)
        row[f"{name}_examined_per_cpu_s"] = int(rate)
        row[f"{name}_examined"] = examined
        row[f"{name}_processed"] = processed
        result, wall, cpu = _trace(g, syn, name)
        key = "warm" if name != "poison" else "cold"  # the first trace also detects deposits
        row[f"{name}_trace_6hop_{key}_wall_s"] = round(wall, 3)
        row[f"{name}_trace_6hop_{key}_cpu_s"] = round(cpu, 3)
        row[f"{name}_recall_exact"] = round(_recall(syn, result), 4)
    result, wall, cpu = _trace(g, syn, "haircut", from_theft=True)
    row["haircut_trace_6hop_from_theft_wall_s"] = round(wall, 3)
    row["haircut_trace_6hop_from_theft_examined"] = result.examined
    row["haircut_trace_6hop_from_theft_recall_exact"] = round(_recall(syn, result), 4)
    if n <= store_max:
        try:
            _bench_store(row, syn, tmp)
        except (duckdb.Error, MemoryError) as exc:  # a size the machine cannot hold: say so
            row["store_error"] = f"{type(exc).__name__}: {exc}"[:300]
    return row


def _bench_store(row: dict[str, object], syn: Synthetic, tmp: Path) -> None:
    """Import into a fresh DuckDB store, load the graph back, trace it cold and warm."""
    settings = Settings.from_env({}, db_path=tmp / f"trace_{syn.graph.n_edges}.duckdb")
    with open_store(settings) as store:
        start, cpu = time.perf_counter(), time.process_time()
        added = store_synthetic(store, syn)
        wall = time.perf_counter() - start
        row["import_rows_per_s"] = int(added / wall)
        row["import_wall_s"] = round(wall, 1)
        row["import_cpu_s"] = round(time.process_time() - cpu, 1)  # DuckDB threads included
        start = time.perf_counter()
        stored = load_graph(store, syn.graph.chain)
        row["load_graph_s"] = round(time.perf_counter() - start, 2)
        result, wall, cpu = _trace(stored, syn, "haircut")
        row["store_graph_haircut_6hop_cold_wall_s"] = round(wall, 3)
        row["store_graph_haircut_6hop_cold_cpu_s"] = round(cpu, 3)
        result, wall, cpu = _trace(stored, syn, "haircut")
        row["store_graph_haircut_6hop_warm_wall_s"] = round(wall, 3)
        row["store_graph_haircut_6hop_warm_cpu_s"] = round(cpu, 3)
        row["store_graph_recall_exact"] = round(_recall(syn, result), 4)
    os.unlink(settings.db_path)


def bench_networkx(n: int) -> dict[str, object]:
    syn = generate(n)
    g = syn.graph
    sources = {g.address_id(a): 0 for a in syn.thieves}
    endpoints = {g.address_id(lb.address) for lb in syn.labels.all()}
    start = time.perf_counter()
    nxg = ref.build(g.src, g.dst, g.amount, g.fee, g.ts)
    build_s = time.perf_counter() - start
    row: dict[str, object] = {"transfers": n, "networkx_build_s": round(build_s, 2)}
    for name, code in POLICIES.items():
        start = time.perf_counter()
        expected = ref.sweep(nxg, endpoints, sources, code, 6, 0, 2**62, 10**9)
        nx_s = time.perf_counter() - start
        since = np.full(g.n_addresses, np.iinfo(np.int64).max, np.int64)
        since[list(sources)] = 0
        ep = np.zeros(g.n_addresses, np.bool_)
        ep[list(endpoints)] = True
        empty = np.zeros(0, np.int64)
        start = time.perf_counter()
        out = kernel.sweep(g.src, g.dst, g.amount, g.fee, g.ts, g.n_addresses, ep, since,
                           np.zeros(g.n_edges, np.bool_), empty, empty, empty, code, 6, 0, 2**62, 10**9)  # fmt: skip
        k_s = time.perf_counter() - start
        same = (
            {a: t for a, t in expected.taint.items() if t}
            == {a: int(t) for a, t in enumerate(out[0]) if t}
            and {e: t for e, t in expected.out_taint.items() if t}
            == {e: int(t) for e, t in enumerate(out[4]) if t}
            and (expected.fees, expected.dust, expected.injected)
            == (int(out[6]), int(out[7]), int(out[8]))
        )
        row[f"{name}_networkx_s"] = round(nx_s, 2)
        row[f"{name}_nkwatch_s"] = round(k_s, 4)
        row[f"{name}_speedup"] = round(nx_s / k_s, 1)
        row[f"{name}_identical"] = same
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--store-max", type=int, default=10_000_000)
    parser.add_argument("--nx-size", type=int, default=1_000_000)
    args = parser.parse_args()
    small = generate(10_000)  # compile the kernels once, outside the timings
    for code in POLICIES.values():
        _kernel_rate(small, code)
        kernel.sweep(small.graph.src[:10], small.graph.dst[:10], small.graph.amount[:10],
                     small.graph.fee[:10], small.graph.ts[:10], small.graph.n_addresses,
                     np.zeros(small.graph.n_addresses, np.bool_),
                     np.zeros(small.graph.n_addresses, np.int64), np.zeros(10, np.bool_),
                     *(np.zeros(0, np.int64),) * 3, code, 6, 0, 2**62, 10**9)  # fmt: skip
    _trace(small.graph, small, "haircut")
    rows: list[dict[str, object]] = []
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    peer = old.get("networkx", {})
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(float(s)) for s in args.sizes.split(",")):
            rows.append(bench_size(n, args.store_max, Path(tmp)))
            print(json.dumps(rows[-1]), flush=True)
            _save(old, rows, peer)  # each size as soon as it is measured
            if args.nx_size > 0 and n == min(int(float(s)) for s in args.sizes.split(",")):
                peer = bench_networkx(args.nx_size)
                print(json.dumps(peer), flush=True)
                _save(old, rows, peer)
    print()
    keys = [k for k in rows[0] if k != "transfers"]
    print(f"{'metric':40}" + "".join(f"{r['transfers']:>16,}" for r in rows))
    for k in keys:
        print(f"{k:40}" + "".join(f"{r.get(k, '-')!s:>16}" for r in rows))
    print("\nnetworkx peer (same policies, same chain):")
    for k, v in peer.items():
        print(f"  {k:28} {v}")


def _save(old: dict[str, object], rows: list[dict[str, object]], peer: object) -> None:
    """Merge with earlier runs of other sizes, so one file holds the whole table."""
    sizes = old.get("sizes", [])
    merged = {r["transfers"]: r for r in sizes} if isinstance(sizes, list) else {}
    merged.update({r["transfers"]: r for r in rows})
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "load_average": os.getloadavg(),
                                   "sizes": [merged[k] for k in sorted(merged)], "networkx": peer}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
