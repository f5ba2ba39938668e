"""A trace starts at its first seed event and skips untouched transfers: same answers.

The compiled sweep no longer replays the whole history: it takes each sender's balance
from ``sender_balances`` (computed once per graph) and starts at the first seed. These
tests hold it to the straightforward reference (which walks every transfer from the start,
keeping every balance itself) with late seeds, amount seeds and seed transactions, and
check at report level that a trace starting late equals one that starts at the beginning.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from bench import trace_reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from nkwatch.trace import kernel
from nkwatch.trace.engine import trace
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report import build_report
from nkwatch.trace.synthetic import generate

NEVER = np.iinfo(np.int64).max


@st.composite
def seeded_graphs(draw: st.DrawFn) -> dict[str, object]:
    n_addr = draw(st.integers(3, 9))
    n = draw(st.integers(1, 50))

    def ints(lo: int, hi: int, size: int = n) -> list[int]:
        return draw(st.lists(st.integers(lo, hi), min_size=size, max_size=size))

    sources = dict(
        draw(st.lists(st.tuples(st.integers(0, n_addr - 1), st.integers(0, 60)), max_size=2))
    )
    injections = draw(st.lists(st.tuples(st.integers(0, 60), st.integers(0, n_addr - 1), st.integers(0, 10**6)), max_size=2))  # fmt: skip
    return {
        "n_addr": n_addr,
        "src": np.array(ints(0, n_addr - 1), np.int32),
        "dst": np.array(ints(0, n_addr - 1), np.int32),
        "amt": np.array(ints(0, 10**6), np.int64),
        "fee": np.array(draw(st.lists(st.sampled_from([0, 0, 1, 21]), min_size=n, max_size=n)), np.int64),
        "ts": np.sort(np.array(ints(0, 50), np.int64)),
        "endpoints": set(draw(st.lists(st.integers(0, n_addr - 1), max_size=2))),
        "sources": sources,
        "injections": sorted(injections),
        "seed_edges": frozenset(draw(st.lists(st.integers(0, n - 1), max_size=2))),
    }  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(seeded_graphs(), st.sampled_from([0, 1, 2]), st.integers(1, 5),
       st.sampled_from([0, 5, 1000]), st.sampled_from([NEVER, 30]), st.sampled_from([10**6, 3]))  # fmt: skip
def test_late_start_matches_the_full_replay_of_the_reference(  # type: ignore[no-untyped-def]
    g, policy, max_hops, min_taint, t_end, max_addresses
) -> None:
    n_addr, src, dst, amt, fee, ts = (g[k] for k in ("n_addr", "src", "dst", "amt", "fee", "ts"))
    ep = np.zeros(n_addr, np.bool_)
    ep[list(g["endpoints"])] = True
    since = np.full(n_addr, NEVER, np.int64)
    for a, t in g["sources"].items():
        since[a] = t
    inj = g["injections"]
    seed_mask = np.zeros(len(src), np.bool_)
    seed_mask[list(g["seed_edges"])] = True
    out = kernel.sweep(src, dst, amt, fee, ts, n_addr, ep, since, seed_mask,
                       np.array([i[1] for i in inj], np.int64), np.array([i[2] for i in inj], np.int64),
                       np.array([i[0] for i in inj], np.int64), policy, max_hops, min_taint, t_end, max_addresses)  # fmt: skip
    taint, hop, _frozen, _first, out_taint, _flag, fees, dust, injected, examined = out
    r = ref.sweep(ref.build(src, dst, amt, fee, ts), g["endpoints"], g["sources"], policy,
                  max_hops, min_taint, t_end, max_addresses, inj, g["seed_edges"])  # fmt: skip
    assert (r.injected, r.fees, r.dust) == (injected, fees, dust)
    assert injected == taint.sum() + fees + dust
    assert {a: t for a, t in r.taint.items() if t} == {a: int(t) for a, t in enumerate(taint) if t}
    assert r.hop == {a: int(h) for a, h in enumerate(hop) if h >= 0}
    assert {e: t for e, t in r.out_taint.items() if t} == {
        e: int(t) for e, t in enumerate(out_taint) if t
    }
    # only the window is examined: from the first seed event up to `until`
    firsts = [t for t in g["sources"].values()] + [i[0] for i in inj]
    first = int(np.searchsorted(ts, min(firsts))) if firsts else len(ts)
    if g["seed_edges"]:
        first = min(first, min(g["seed_edges"]))
    assert examined == max(int(np.searchsorted(ts, t_end, side="right")) - first, 0)


def test_sender_balances_are_the_clamped_running_balance() -> None:
    src = np.array([0, 1, 1, 2, 0], np.int32)
    dst = np.array([1, 2, 0, 1, 2], np.int32)
    amt = np.array([10, 4, 3, 9, 1], np.int64)
    fee = np.array([0, 1, 0, 0, 0], np.int64)
    # 0 sends 10 with nothing (clamped to 0); 1 has 10, sends 4 + fee 1; then 5 left, sends 3;
    # 2 received 4, sends 9 (clamped); 0 received 3
    got = kernel.sender_balances(src, dst, amt, fee, 3)
    assert got.tolist() == [0, 10, 5, 4, 3]


def _report(syn, seeds: list[Seed], policy: str) -> tuple[dict, int]:  # type: ignore[no-untyped-def]
    result = trace(syn.graph, seeds, TraceParams("synthetic", policy=policy, max_hops=6),
                   labels=syn.labels)  # fmt: skip
    report = build_report(result).to_data()
    for key in ("generated_at",):
        report.pop(key)
    params = report.pop("parameters")
    return report, int(params["transfers_examined"])


def test_a_trace_starting_at_the_theft_equals_one_replaying_all_history() -> None:
    syn = generate(40_000, seed=11, n_thefts=3)
    at_zero = [Seed(address=a) for a in syn.thieves]  # since the beginning: sweep from row 0
    late = [
        Seed(address=a, since=datetime.fromtimestamp(t, UTC))
        for a, t in zip(syn.thieves, syn.theft_times, strict=True)
    ]
    for policy in ("haircut", "fifo", "poison"):
        full, examined_full = _report(syn, at_zero, policy)
        window, examined_late = _report(syn, late, policy)
        assert window == full, policy
        assert examined_full == syn.graph.n_edges
        first = int(np.searchsorted(syn.graph.ts, min(syn.theft_times)))
        assert examined_late == syn.graph.n_edges - first < examined_full
