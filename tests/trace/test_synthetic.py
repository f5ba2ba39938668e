"""The synthetic generator's ground truth is found exactly, through deposit detection."""

from __future__ import annotations

import numpy as np
import pytest

from nkwatch.store import Store
from nkwatch.trace.deposits import detect_deposits
from nkwatch.trace.engine import endpoint_labels, trace
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.repository import load_graph
from nkwatch.trace.synthetic import generate, store_synthetic


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_cashout_endpoints_found_with_exact_amounts(policy: str) -> None:
    syn = generate(60_000, seed=3, n_thefts=5)
    assert generate(60_000, seed=3, n_thefts=5).truth == syn.truth  # reproducible
    result = trace(syn.graph, [Seed(address=a) for a in syn.thieves],
                   TraceParams("synthetic", policy=policy, max_hops=6), labels=syn.labels)  # fmt: skip
    run, g = result.runs[0], result.graph
    got = {a: int(run.taint[g.address_id(a)]) for a in syn.truth}
    assert got == syn.truth
    b = result.buckets[0]
    assert b.seeded == syn.stolen == b.at_services  # everything stolen reached a service
    # cash-outs at deposit addresses are recognised by their sweep pattern, not by a label
    deposits = {a for a in syn.truth if syn.labels.best("synthetic", a) is None}
    assert deposits and all(result.endpoint_labels[g.address_id(a)].detail for a in deposits)


def test_fewer_hops_leave_value_at_addresses() -> None:
    syn = generate(30_000, seed=5, n_thefts=3)
    result = trace(syn.graph, [Seed(address=a) for a in syn.thieves],
                   TraceParams("synthetic", policy="haircut", max_hops=2), labels=syn.labels)  # fmt: skip
    b = result.buckets[0]
    assert 0 < b.at_services < syn.stolen and b.at_addresses > 0
    assert b.seeded == b.at_services + b.at_addresses + b.fees + b.dust


def test_deposit_detection_needs_sweeps_to_one_exchange() -> None:
    syn = generate(20_000, seed=1, n_thefts=1)
    known = endpoint_labels(syn.graph, syn.labels, detect=False)
    found = detect_deposits(syn.graph, known)
    g = syn.graph
    for aid, label in found.items():
        out = g.dst[g.src == aid]
        assert np.isin(out, list(known)).mean() >= 0.8 and label.category == "exchange"


def test_store_round_trip_of_a_synthetic_chain(store: Store) -> None:
    syn = generate(20_000, seed=2, n_thefts=2)
    assert store_synthetic(store, syn) == syn.graph.n_edges
    assert store_synthetic(store, syn) == 0
    graph = load_graph(store, "synthetic")
    result = trace(graph, [Seed(address=a) for a in syn.thieves],
                   TraceParams("synthetic", policy="fifo"), labels=syn.labels)  # fmt: skip
    got = {a: int(result.runs[0].taint[graph.address_id(a)]) for a in syn.truth}
    assert got == syn.truth
