"""Hand-worked cases per policy, and property tests of the compiled sweep."""

from __future__ import annotations

import numpy as np
from bench import trace_reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st
from trace_helpers import addr, tx

from nkwatch.trace import kernel
from nkwatch.trace.engine import trace
from nkwatch.trace.graph import graph_from_transfers
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.policies import fifo_split, haircut_split, poison_split

BTC = 10**8


def test_haircut_one_tainted_nine_clean_into_six_and_four() -> None:
    assert haircut_split([(1 * BTC, 1 * BTC), (9 * BTC, 0)], [6 * BTC, 4 * BTC]) == [
        60_000_000,
        40_000_000,
    ]


def test_haircut_keeps_exact_totals_with_remainders_and_fee() -> None:
    split = haircut_split([(3, 1), (4, 1)], [2, 2, 2, 1])  # 2/7 tainted, last output = fee
    assert sum(split) == 2 and all(0 <= t <= v for t, v in zip(split, [2, 2, 2, 1], strict=True))


def test_fifo_is_claytons_case_by_input_order() -> None:
    # inputs: 3 clean, then 5 tainted, then 2 clean; outputs 4, 4, fee 2
    assert fifo_split([(3, 0), (5, 5), (2, 0)], [4, 4, 2]) == [1, 4, 0]
    # a partly tainted input counts its tainted units first
    assert fifo_split([(10, 5)], [4, 6]) == [4, 1]


def test_poison_taint_leaves_first_and_never_exceeds_inputs() -> None:
    assert poison_split([(10, 3), (10, 0)], [2, 5, 13]) == [2, 1, 0]


CASE = [
    tx(1, 9, 2, 90, 0),  # clean money first
    tx(2, 1, 2, 10, 1),  # then 10 stolen from the seed (address 1)
    tx(3, 2, 3, 50, 2),
    tx(4, 2, 4, 50, 3),
    tx(5, 4, 5, 50, 4),  # 5 is an exchange
]
LABELS = LabelBook([Label("ethereum", addr(5), "Binance", "exchange", 0.9, "test")])


def _run(policy: str, transfers: list = CASE, **kw: object):  # type: ignore[no-untyped-def]
    params = TraceParams("ethereum", policy=policy, detect_deposits=False, **kw)  # type: ignore[arg-type]
    return trace(
        graph_from_transfers("ethereum", transfers), [Seed(address=addr(1))], params, labels=LABELS
    )


def test_account_hand_worked_per_policy() -> None:
    # haircut: 2 holds 10 of 100 tainted -> 5 to 3 and 5 to 4 -> 4 sends all 50: 5 reach Binance
    b = list(_run("haircut").buckets.values())[0]
    assert (b.seeded, b.at_services, b.at_addresses) == (10, 5, 5)
    # FIFO: the first 50 out of 2 are the clean 90's; the second 50 = 40 clean + 10 stolen
    b = list(_run("fifo").buckets.values())[0]
    assert (b.at_services, b.at_addresses) == (10, 0)
    # poison: taint leaves first -> all 10 to 3; the flow to 4 and on to Binance is flagged
    r = _run("poison")
    b = list(r.buckets.values())[0]
    assert (b.at_services, b.at_addresses) == (0, 10)
    assert r.runs[0].hop[r.graph.address_id(addr(5))] == 3


def test_time_respecting_value_cannot_leave_before_it_arrived() -> None:
    early = [tx(1, 2, 3, 50, 0), tx(2, 1, 2, 10, 5), tx(3, 9, 2, 40, 6)]
    for policy in ("poison", "haircut", "fifo"):
        r = _run(policy, early)
        g = r.graph
        assert r.runs[0].taint[g.address_id(addr(3))] == 0, policy
        assert r.runs[0].taint[g.address_id(addr(2))] == 10, policy


def test_dust_and_fees_are_buckets() -> None:
    transfers = [tx(1, 1, 2, 1000, 0, fee=7), tx(2, 2, 3, 3, 1), tx(3, 2, 4, 900, 2)]
    b = list(_run("fifo", transfers).buckets.values())[0]
    assert b.fees == 7 and b.seeded == 1007
    from decimal import Decimal

    # amounts here are wei-sized: a dust threshold of 1e-17 ETH = 10 base units
    b = list(_run("fifo", transfers, min_amount=Decimal("1e-17")).buckets.values())[0]
    assert b.dust == 3 and b.seeded == b.at_services + b.at_addresses + b.fees + b.dust


@st.composite
def graphs(draw: st.DrawFn) -> tuple:
    n_addr = draw(st.integers(3, 9))
    n = draw(st.integers(1, 40))
    src = np.array(draw(st.lists(st.integers(0, n_addr - 1), min_size=n, max_size=n)), np.int32)
    dst = np.array(draw(st.lists(st.integers(0, n_addr - 1), min_size=n, max_size=n)), np.int32)
    amt = np.array(draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n)), np.int64)
    fee = np.array(draw(st.lists(st.sampled_from([0, 0, 1, 21]), min_size=n, max_size=n)), np.int64)
    ts = np.sort(np.array(draw(st.lists(st.integers(0, 50), min_size=n, max_size=n)), np.int64))
    endpoints = set(draw(st.lists(st.integers(1, n_addr - 1), max_size=2)))
    return n_addr, src, dst, amt, fee, ts, endpoints


def _kernel(g: tuple, policy: int, max_hops: int, min_taint: int = 0, max_addresses: int = 10**6):  # type: ignore[no-untyped-def]
    n_addr, src, dst, amt, fee, ts, endpoints = g
    ep = np.zeros(n_addr, np.bool_)
    ep[list(endpoints)] = True
    since = np.full(n_addr, np.iinfo(np.int64).max, np.int64)
    since[0] = 0
    empty = np.zeros(0, np.int64)
    return kernel.sweep(src, dst, amt, fee, ts, n_addr, ep, since, np.zeros(len(src), np.bool_),
                        empty, empty, empty, policy, max_hops, min_taint, 10**9, max_addresses)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(graphs(), st.sampled_from([0, 1, 2]), st.integers(1, 5), st.sampled_from([0, 5, 1000]))
def test_sweep_conserves_and_matches_the_networkx_reference(g, policy, max_hops, min_taint) -> None:  # type: ignore[no-untyped-def]
    taint, hop, _frozen, _first, out_taint, _flag, fees, dust, injected, _n = _kernel(
        g, policy, max_hops, min_taint
    )
    assert (taint >= 0).all()
    assert injected == taint.sum() + fees + dust  # every unit is in a bucket
    _, src, dst, amt, fee, ts, endpoints = g
    assert (out_taint <= amt).all()
    r = ref.sweep(
        ref.build(src, dst, amt, fee, ts),
        endpoints,
        {0: 0},
        policy,
        max_hops,
        min_taint,
        10**9,
        10**6,
    )
    assert r.injected == injected and r.fees == fees and r.dust == dust
    assert {a: t for a, t in r.taint.items() if t} == {a: int(t) for a, t in enumerate(taint) if t}
    assert {e: t for e, t in r.out_taint.items() if t} == {
        e: int(t) for e, t in enumerate(out_taint) if t
    }


@settings(max_examples=150, deadline=None)
@given(graphs(), st.integers(1, 4), st.sampled_from([0, 5, 1000]))
def test_poison_reach_never_shrinks_with_more_hops(g, max_hops, min_taint) -> None:  # type: ignore[no-untyped-def]
    def reach(h: int) -> tuple[set[int], set[int]]:
        out = _kernel(g, kernel.POISON, h, min_taint)
        return set(np.flatnonzero(out[1] >= 0).tolist()), set(np.flatnonzero(out[5] == 1).tolist())

    addresses, transfers = reach(max_hops)
    more_addresses, more_transfers = reach(max_hops + 1)
    assert addresses <= more_addresses and transfers <= more_transfers


def test_haircut_value_at_services_is_not_monotone_in_hops() -> None:
    """Why only poison's reach is a monotonicity property: under haircut a longer hop limit
    lets an address pass taint on *before* a shorter path reaches it, so less is left for the
    service it pays later (hand-worked; the same holds for FIFO)."""
    g = (
        6,
        np.array([0, 1, 2, 3, 0, 3], np.int32),  # 0 seed; 0->1->2->3 (3 at hop 3), 3->4,
        np.array([1, 2, 3, 4, 3, 5], np.int32),  # then 0->3 (hop 1), then 3 pays 15 to 5
        np.array([10, 10, 10, 10, 10, 15], np.int64),
        np.zeros(6, np.int64),
        np.arange(6, dtype=np.int64),
        {5},
    )
    at_service = {h: int(_kernel(g, kernel.HAIRCUT, h)[0][5]) for h in (3, 4)}
    # hop limit 3: 3 holds 20 tainted (its 3->4 was past the limit) and pays 15 all tainted;
    # hop limit 4: 3->4 carried 10 away first, so 3 holds 10 of 15 when it pays: 10
    assert at_service == {3: 15, 4: 10}


@settings(max_examples=100, deadline=None)
@given(graphs(), st.sampled_from([0, 1, 2]))
def test_taint_only_flows_after_it_arrived(g, policy) -> None:  # type: ignore[no-untyped-def]
    _, src, dst, amt, fee, ts, _ = g
    taint, hop, _f, first, out_taint, flag, *_ = _kernel(g, policy, 10)
    first_in: dict[int, int] = {0: -1}
    for e in range(len(src)):
        if flag[e] == 1:
            s = int(src[e])
            assert s in first_in and first_in[s] < e  # the sender was tainted before this transfer
            first_in.setdefault(int(dst[e]), e)


def test_seed_transaction_taints_what_it_delivered() -> None:
    # the theft tx 2 delivers 10 to address 2; the seed is the transaction, not an address
    graph = graph_from_transfers("ethereum", CASE)
    params = TraceParams("ethereum", policy="fifo", detect_deposits=False)
    r = trace(graph, [Seed(tx_hash=CASE[1].tx_hash)], params, labels=LABELS)
    b = list(r.buckets.values())[0]
    assert (b.seeded, b.at_services) == (10, 10)
    assert r.runs[0].hop[graph.address_id(addr(2))] == 0


def test_seed_address_with_amount_taints_that_much_of_its_balance() -> None:
    from decimal import Decimal

    # address 2 holds 100 after minute 1; seeding 20 (in wei-sized whole units) of it at minute 1
    graph = graph_from_transfers("ethereum", CASE)
    seed = Seed(address=addr(2), amount_whole=Decimal("20e-18"), since=CASE[1].timestamp)
    r = trace(
        graph,
        [seed],
        TraceParams("ethereum", policy="haircut", detect_deposits=False),
        labels=LABELS,
    )
    b = list(r.buckets.values())[0]
    # haircut: 20% of each 50 out of 2 -> 10 to 3, 10 to 4 -> 4 sends all on to Binance
    assert (b.seeded, b.at_services, b.at_addresses) == (20, 10, 10)
