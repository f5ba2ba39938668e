"""Exposure batch bench: score 100,000 deposits over a synthetic chain, on one core.

For each size (default 1M and 10M transfers, the tracing bench's generator, seed 11): build
the exposure index, run the forward sweeps (one pass per asset for every source group present:
20 thefts as one DPRK incident, 5 mixers as 5 groups), then read every deposit's exposure off
its inflows into full results (breakdown, decision, example paths). Deposits: every
ground-truth laundering deposit plus random exchange deposit addresses (topped up with random
receiving addresses when the chain has fewer). Reported in CPU seconds of this process and
wall. Checks in the same run: (1) "truth exact": laundering deposits whose DPRK exposure equals
the stolen value that reached them (those further than max hops are expected to miss);
(2) "alone identical": a sample scored through the single-query API on a fresh index gives the
same JSON as the batch (and three more, each on its own new index with its own sweeps). Peer, side by side: the naive way, one global forward sweep of the
chain per deposit (the tracer run from the thieves, stopping at mixers and services, then the
deposit's inflows read), on a few deposits; its value is compared with ours.

    flock /tmp/lead/bench.lock .venv/bin/python -m bench.exposure_batch \\
        [--sizes 1000000,10000000] [--deposits 100000] [--hops 4,6] [--policy haircut]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

from nkwatch.exposure.engine import ExposureIndex, ExposureParams
from nkwatch.exposure.model import ExposureResult, RiskCategory, RiskSource
from nkwatch.trace import kernel
from nkwatch.trace.synthetic import CHAIN, Synthetic, generate

RESULTS = Path(__file__).parent / "results" / "exposure_batch.json"


class _Clock:
    """CPU seconds of this process and wall seconds since the last lap."""

    def __init__(self) -> None:
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def lap(self) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        out = (cpu - self.cpu, wall - self.wall)
        self.cpu, self.wall = cpu, wall
        return out


def _sources(syn: Synthetic) -> tuple[list[RiskSource], list[str]]:
    sources = [
        RiskSource(a, RiskCategory.DPRK_INCIDENT, "synthetic theft", True, incident_id="synthetic")
        for a in syn.thieves
    ]
    services: list[str] = []
    for label in syn.labels.all():
        if label.category == "mixer":
            sources.append(RiskSource(label.address, RiskCategory.MIXER, label.service, False))
        else:
            services.append(label.address)
    return sources, services


def _deposits(syn: Synthetic, n: int, seed: int) -> list[str]:
    g = syn.graph
    rng = np.random.default_rng(seed)
    hot = np.asarray([g.address_id(lb.address) for lb in syn.labels.all()], np.int64)
    labelled = set(hot.tolist())
    swept_from = np.unique(g.src[np.isin(g.dst, hot)])
    receivers = np.unique(g.dst)
    truth = sorted(syn.truth)
    chosen = set(truth)
    for pool in (swept_from, receivers):
        for a in rng.permutation(pool).tolist():
            if len(chosen) >= n:
                break
            if a not in labelled:
                chosen.add(g.addresses[a])
    rest = sorted(chosen - set(truth))
    return truth + [rest[int(i)] for i in rng.permutation(len(rest))]


def _dprk(result: ExposureResult) -> Decimal:
    return sum((s.direct + s.indirect for s in result.sources if s.dprk_linked), Decimal(0))


def _naive(syn: Synthetic, deposit: str, hops: int) -> int:
    """One global forward sweep per deposit: what a tracer-only tool would have to do."""
    g = syn.graph
    since = np.full(g.n_addresses, np.iinfo(np.int64).max, np.int64)
    for a in syn.thieves:
        since[g.address_id(a)] = 0
    empty = np.zeros(0, np.int64)
    stops = np.zeros(g.n_addresses, np.bool_)
    for label in syn.labels.all():  # services and mixers end the flow
        stops[g.address_id(label.address)] = True
    out = kernel.sweep(g.src, g.dst, g.amount, g.fee, g.ts, g.n_addresses, stops,
                       since, np.zeros(g.n_edges, np.bool_), empty, empty, empty, kernel.HAIRCUT,
                       hops, 0, 2**62, 10**9)  # fmt: skip
    target = g.address_id(deposit)
    return int(out[4][g.dst == target].sum())


def run_size(n: int, n_deposits: int, hops: int, policy: str, sample: int) -> dict[str, object]:
    t0 = time.perf_counter()
    syn = generate(n, seed=11)
    gen_s = time.perf_counter() - t0
    sources, services = _sources(syn)
    deposits = _deposits(syn, n_deposits, seed=3)
    params = ExposureParams(chain=CHAIN, policy=policy, max_hops=hops)
    warm = generate(20_000, seed=1)  # compile (or load) the kernels outside the timing
    ExposureIndex(warm.graph, *_sources(warm)).addresses(sorted(warm.truth), params)
    _naive(warm, sorted(warm.truth)[0], hops)
    clock = _Clock()
    index = ExposureIndex(syn.graph, sources, services)
    index_cpu, index_wall = clock.lap()
    sweeps = index.sweeps(params)
    sweep_cpu, sweep_wall = clock.lap()
    results = index.addresses(deposits, params)
    read_cpu, read_wall = clock.lap()
    batch_cpu = index_cpu + sweep_cpu + read_cpu
    truth = [(d, r) for d, r in zip(deposits, results, strict=True) if d in syn.truth]
    truth_hits = sum(_dprk(r) == Decimal(syn.truth[d]).scaleb(-8) for d, r in truth)
    picks = np.random.default_rng(5).choice(len(deposits), size=min(sample, len(deposits)),
                                            replace=False).tolist()  # fmt: skip
    fresh = ExposureIndex(syn.graph, sources, services)
    alone_same = sum(fresh.address(deposits[i], params).to_json() == results[i].to_json()
                     for i in picks)  # fmt: skip
    # and a few with nothing shared at all: a new index (and new sweeps) per deposit
    cold_same = sum(ExposureIndex(syn.graph, sources, services).address(deposits[i], params)
                    .to_json() == results[i].to_json() for i in picks[:3])  # fmt: skip
    clock.lap()
    naive = [d for d, _ in truth][:3]
    naive_vals = [_naive(syn, d, hops) for d in naive]
    naive_cpu = clock.lap()[0] / max(len(naive), 1)
    ours = {d: _dprk(r) for d, r in truth}
    naive_agrees = all(Decimal(v).scaleb(-8) == ours[d] for v, d in zip(naive_vals, naive, strict=True))  # fmt: skip
    per_deposit = batch_cpu / len(deposits)
    return {
        "transfers": syn.graph.n_edges,
        "addresses": syn.graph.n_addresses,
        "generate_wall_s": round(gen_s, 1),
        "deposits": len(deposits),
        "policy": policy,
        "max_hops": hops,
        "sweep_blocks": len(sweeps.blocks),
        "records": int(sum(b.rec.shape[1] for b in sweeps.blocks)),
        "index_cpu_s": round(index_cpu, 2),
        "sweep_cpu_s": round(sweep_cpu, 2),
        "sweep_wall_s": round(sweep_wall, 2),
        "readoff_cpu_s": round(read_cpu, 2),
        "readoff_wall_s": round(read_wall, 2),
        "batch_cpu_s": round(batch_cpu, 2),
        "batch_wall_s": round(index_wall + sweep_wall + read_wall, 2),
        "deposits_per_cpu_s": round(len(deposits) / batch_cpu, 1),
        "readoff_deposits_per_cpu_s": round(len(deposits) / read_cpu, 1),
        "exposed": sum(bool(r.sources) for r in results),
        "flagged": sum(r.decision.value != "allow" for r in results),
        "truth_exact": f"{truth_hits}/{len(truth)}",
        "alone_identical": f"{alone_same}/{len(picks)}",
        "cold_index_identical": f"{cold_same}/{len(picks[:3])}",
        "naive_ms_per_deposit": round(naive_cpu * 1000, 1),
        "naive_agrees": naive_agrees,
        "speedup_vs_naive": round(naive_cpu / per_deposit, 1),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "load_avg": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--deposits", type=int, default=100_000)
    parser.add_argument("--hops", default="4,6")
    parser.add_argument("--policy", default="haircut")
    parser.add_argument("--sample", type=int, default=100, help="deposits re-scored alone")
    args = parser.parse_args()
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        for hops in (int(h) for h in args.hops.split(",")):
            row = run_size(n, args.deposits, hops, args.policy, args.sample)
            rows.append(row)
            print(json.dumps(row), flush=True)
    cols = ["transfers", "max_hops", "deposits", "sweep_cpu_s", "readoff_cpu_s", "batch_cpu_s",
            "batch_wall_s", "deposits_per_cpu_s", "truth_exact", "alone_identical",
            "naive_ms_per_deposit", "speedup_vs_naive", "peak_rss_mib"]  # fmt: skip
    print("\n| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in cols) + " |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
