"""Cross-chain tracing bench (issue #13): a trace through swaps and THORChain into Bitcoin
vs. a single-chain trace over the same transfers, and recall of the planted cash-outs.

Data: ``synthetic_cross.generate_cross(n)`` — the synthetic chain with 30% of the
background in a token, 20 single-chain thefts and ``--cross`` thefts that swap the stolen
token for the native coin at a pool and bridge it through the THORChain router to Bitcoin
addresses that deposit at labelled Bitcoin exchanges.

* peer: ``engine.trace`` from the same thieves on both assets (what an analyst does by
  hand: re-seed the swapping address), stopping at the pool and the router;
* cross: ``across.trace_across`` from the token seeds alone (swaps followed, THORChain
  departures linked to their OUT: outbounds), then the Bitcoin trace and the merged report.

Both warm (sender balances computed once per graph, as on a server), median of rounds,
each with its report built. Recall: planted Bitcoin exchange endpoints found with their
exact satoshi amount.

    .venv/bin/python -m bench.trace_crosschain [--sizes 1000000,10000000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from nkwatch.trace.across import ChainData, trace_across
from nkwatch.trace.across.run import finish
from nkwatch.trace.engine import trace
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report import build_report, whole
from nkwatch.trace.report_model import TraceReport
from nkwatch.trace.synthetic_cross import CrossSynthetic, generate_cross

RESULTS = Path(__file__).parent / "results" / "trace_crosschain.json"


def _peer(syn: CrossSynthetic, policy: str) -> TraceReport:
    native = f"{syn.graph.chain}:native"
    seeds = [Seed(address=t, asset=a) for t in syn.thieves for a in (syn.token_key, native)]
    return build_report(
        trace(syn.graph, seeds, TraceParams(syn.graph.chain, policy), labels=syn.labels)
    )


def _cross(syn: CrossSynthetic, policy: str) -> TraceReport:
    seeds = [Seed(address=t, asset=syn.token_key) for t in syn.thieves]
    params = TraceParams(syn.graph.chain, policy)
    chains = {"bitcoin": ChainData("bitcoin", syn.btc)}
    result = trace_across(syn.graph, seeds, params, labels=syn.labels, logs=syn.logs,
                          chains=list(chains.values()))  # fmt: skip
    return finish(result, chains, params, syn.labels)


def _timed(fn: Any, rounds: int) -> tuple[float, float, float, Any]:
    fn()  # warm: sender balances, numba, caches
    times = []
    out = None
    for _ in range(rounds):
        start = time.process_time()
        out = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), min(times), max(times), out


def bench_size(n: int, n_cross: int, rounds: int) -> dict[str, Any]:
    start = time.perf_counter()
    syn = generate_cross(n, n_cross=n_cross)
    row: dict[str, Any] = {"transfers": syn.graph.n_edges, "planted_cross_cash_outs": len(syn.truth),
                           "generate_s": round(time.perf_counter() - start, 2)}  # fmt: skip
    for policy in ("haircut", "fifo", "poison"):
        p_med, p_lo, p_hi, _ = _timed(lambda: _peer(syn, policy), rounds)  # noqa: B023
        c_med, c_lo, c_hi, report = _timed(lambda: _cross(syn, policy), rounds)  # noqa: B023
        found = {e.address: e.amounts.get("BTC") for e in report.endpoints if e.chain == "bitcoin"}
        exact = sum(found.get(a) == whole(v, 8) for a, v in syn.truth.items())
        row[policy] = {
            "single_chain_cpu_s": [round(p_med, 4), round(p_lo, 4), round(p_hi, 4)],
            "cross_chain_cpu_s": [round(c_med, 4), round(c_lo, 4), round(c_hi, 4)],
            "ratio": round(c_med / p_med, 2),
            "exact_cash_outs": f"{exact}/{len(syn.truth)}",
            "links": len(report.links), "rounds": report.parameters.rounds,
        }  # fmt: skip
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--cross", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    rows = []
    for n in (int(float(s)) for s in args.sizes.split(",")):
        rows.append(bench_size(n, args.cross, args.rounds))
        print(json.dumps(rows[-1]), flush=True)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "load_average": os.getloadavg(),
                                   "rounds": args.rounds, "sizes": rows}, indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
