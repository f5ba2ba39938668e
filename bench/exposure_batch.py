"""Exposure batch bench: score many deposit addresses over a synthetic chain.

For each size (default 1M and 10M transfers, the tracing bench's generator): build the
exposure index once (reverse adjacency + risk map), run the batch pre-pass (one global sweep
marking transfers that carry risky value), then score N deposit addresses one after another
on one core (CPU time, pre-pass included); only deposits with a marked inflow are walked. Checks, in the same run: (1) every ground-truth laundering
deposit gets exactly its stolen amount as DPRK exposure; (2) a sample scored alone (fresh
index, nothing shared) gives identical results to the batch. Side by side: the naive way,
one global forward sweep of the whole chain per deposit (the tracer run forwards from all
sources, then read the deposit), on a handful of deposits.

    .venv/bin/python -m bench.exposure_batch [--sizes 1000000,10000000] [--deposits 100000]
"""

from __future__ import annotations

import argparse
import json
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

from nkwatch.exposure.engine import ExposureIndex, ExposureParams
from nkwatch.exposure.model import RiskCategory, RiskSource
from nkwatch.trace import kernel
from nkwatch.trace.synthetic import CHAIN, Synthetic, generate

RESULTS = Path(__file__).parent / "results" / "exposure_batch.json"


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
    hot_ids = {g.address_id(lb.address) for lb in syn.labels.all()}
    swept_from = np.unique(g.src[np.isin(g.dst, np.fromiter(hot_ids, np.int64))])
    pool = [g.addresses[int(a)] for a in swept_from if int(a) not in hot_ids]
    truth = [a for a in syn.truth if a in set(pool)]
    rng = np.random.default_rng(seed)
    rest = [pool[int(i)] for i in rng.permutation(len(pool))[: max(n - len(truth), 0)]]
    return (truth + rest)[:n] if n >= len(truth) else truth[:n]


def _dprk(result: object) -> Decimal:
    return sum(
        (s.direct + s.indirect for s in result.sources if s.dprk_linked),  # type: ignore[attr-defined]
        Decimal(0),
    )


def _naive(syn: Synthetic, index: ExposureIndex, deposit: str, hops: int) -> int:
    """One global forward sweep per deposit: what a tracer-only tool would have to do."""
    g = syn.graph
    since = np.full(g.n_addresses, np.iinfo(np.int64).max, np.int64)
    for a in syn.thieves:
        since[g.address_id(a)] = 0
    empty = np.zeros(0, np.int64)
    stops = index._service | (index._group_of >= 0)  # services and mixers end the flow
    out = kernel.sweep(g.src, g.dst, g.amount, g.fee, g.ts, g.n_addresses, stops,
                       since, np.zeros(g.n_edges, np.bool_), empty, empty, empty, kernel.HAIRCUT,
                       hops, 0, 2**62, 10**9)  # fmt: skip
    target = g.address_id(deposit)
    return int(out[4][g.dst == target].sum())


def run_size(n: int, n_deposits: int, hops: int, policy: str) -> dict[str, object]:
    t0 = time.perf_counter()
    syn = generate(n, seed=11)
    gen_s = time.perf_counter() - t0
    sources, services = _sources(syn)
    t0 = time.process_time()
    index = ExposureIndex(syn.graph, sources, services)
    index_s = time.process_time() - t0
    deposits = _deposits(syn, n_deposits, seed=3)
    params = ExposureParams(chain=CHAIN, policy=policy, max_hops=hops, max_addresses=20_000)
    index.address(deposits[0], params)  # compile outside the timing
    t0 = time.process_time()
    pre = index.prefilter(params)
    prefilter_cpu = time.process_time() - t0
    results = [index.address_batch(d, pre) for d in deposits]
    batch_cpu = time.process_time() - t0
    walked = sum(bool(pre.risky_edge[index._in_edges[index._in_ptr[a]:index._in_ptr[a + 1]]].any())
                 for a in (syn.graph.address_id(d) for d in deposits))  # fmt: skip
    truth_hits = sum(
        _dprk(r) == Decimal(syn.truth[d]).scaleb(-8) for d, r in zip(deposits, results, strict=True)
        if d in syn.truth
    )  # fmt: skip
    truth_n = sum(d in syn.truth for d in deposits)
    flagged = sum(r.decision.value != "allow" for r in results)
    sample = np.random.default_rng(5).choice(
        len(deposits), size=min(100, len(deposits)), replace=False
    )
    alone_same = 0
    for i in sample.tolist():
        fresh = ExposureIndex(syn.graph, sources, services)
        alone_same += fresh.address(deposits[i], params).to_json() == results[i].to_json()
    naive = [d for d in deposits if d in syn.truth][:3]
    t0 = time.process_time()
    naive_vals = [_naive(syn, index, d, 6) for d in naive]
    naive_cpu = (time.process_time() - t0) / max(len(naive), 1)
    naive_ok = all(v == syn.truth[d] for v, d in zip(naive_vals, naive, strict=True))
    return {
        "transfers": syn.graph.n_edges,
        "generate_s": round(gen_s, 1),
        "index_build_cpu_s": round(index_s, 2),
        "deposits": len(deposits),
        "policy": policy,
        "max_hops": hops,
        "prefilter_cpu_s": round(prefilter_cpu, 2),
        "walked": walked,
        "deposits_per_cpu_s": round(len(deposits) / batch_cpu, 1),
        "ms_per_deposit": round(batch_cpu / len(deposits) * 1000, 3),
        "flagged": flagged,
        "truth_exact": f"{truth_hits}/{truth_n}",
        "alone_identical": f"{alone_same}/{len(sample)}",
        "naive_ms_per_deposit": round(naive_cpu * 1000, 1),
        "naive_correct": naive_ok,
        "speedup_vs_naive": round(naive_cpu / (batch_cpu / len(deposits)), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--deposits", type=int, default=100_000)
    parser.add_argument("--hops", default="6")
    parser.add_argument("--policy", default="haircut")
    args = parser.parse_args()
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        for hops in (int(h) for h in args.hops.split(",")):
            row = run_size(n, args.deposits, hops, args.policy)
            rows.append(row)
            print(json.dumps(row), flush=True)
    cols = ["transfers", "max_hops", "deposits", "prefilter_cpu_s", "walked", "deposits_per_cpu_s", "ms_per_deposit",
            "truth_exact", "alone_identical", "naive_ms_per_deposit", "speedup_vs_naive"]  # fmt: skip
    print("\n| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in cols) + " |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": rows}, indent=2))


if __name__ == "__main__":
    main()
