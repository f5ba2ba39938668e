from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from trace_helpers import T0, addr, tx

from nkwatch.store import Store
from nkwatch.trace import repository
from nkwatch.trace.engine import trace
from nkwatch.trace.graph import graph_from_transfers
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.repository import (
    StoreSource,
    add_transfers,
    count_transfers,
    load_graph,
    transfers_from,
)

WEI = 10**18


def _case() -> list:
    return [
        tx(1, 9, 2, 90 * WEI, 0),
        tx(2, 1, 2, 400_000 * WEI + 7, 1),  # more than int64 wei: must stay exact
        tx(3, 2, 3, 50 * WEI, 2, fee=21_000 * 30 * 10**9),
        tx(4, 2, 4, 50 * WEI, 3),
        tx(5, 4, 5, 50 * WEI, 4),
    ]


def test_add_is_idempotent_and_exact(store: Store) -> None:
    assert add_transfers(store, _case(), source="test") == 5
    assert add_transfers(store, _case(), source="test") == 0
    assert count_transfers(store, "ethereum") == 5
    out = transfers_from(store, "ethereum", addr(1))
    assert [t.amount for t in out] == [400_000 * WEI + 7]
    assert out[0].timestamp == T0 + timedelta(minutes=1)
    later = transfers_from(store, "ethereum", addr(2), since=T0 + timedelta(minutes=3))
    assert [t.tx_hash for t in later] == [_case()[3].tx_hash]
    assert (
        later[0].fee == 0 and transfers_from(store, "ethereum", addr(2))[0].fee == 630_000 * 10**9
    )


def test_failed_import_leaves_store_unchanged(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "BATCH", 2)

    def broken() -> Iterator:
        yield from _case()[:4]
        raise ValueError("bad row 5")

    with pytest.raises(ValueError):
        add_transfers(store, broken())
    assert count_transfers(store) == 0


def test_store_graph_and_crawl_agree_with_in_memory_graph(store: Store) -> None:
    add_transfers(store, _case())
    labels = LabelBook([Label("ethereum", addr(5), "Binance", "exchange", 0.9, "test")])
    params = TraceParams("ethereum", policy="haircut", detect_deposits=False)
    seeds = [Seed(address=addr(1))]
    results = [
        trace(graph, seeds, params, labels=labels)
        for graph in (graph_from_transfers("ethereum", _case()), load_graph(store, "ethereum"))
    ]
    results.append(trace(StoreSource(store), seeds, params, labels=labels))
    buckets = [list(r.buckets.values())[0] for r in results]
    assert buckets[0] == buckets[1] == buckets[2]
    graph = load_graph(store, "ethereum")
    unit = 10 ** graph.unit_exp[0]
    assert unit > 1  # the wei volume does not fit int64 unscaled
    # exact to the scaled unit, and the buckets add up to what was seeded
    assert buckets[0].seeded == (400_000 * WEI + 7) // unit * unit
    b = buckets[0]
    assert b.seeded == b.at_services + b.at_addresses + b.fees + b.dust
    assert b.at_services > 0 and b.fees > 0
    assert graph.nbytes() / graph.n_edges <= 64
