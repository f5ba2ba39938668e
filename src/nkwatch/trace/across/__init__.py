"""One case across swaps and chains: the account-model trace, continued through swaps and
bridges with exact links, and on the destination chain by its own tracer.

Rounds of the compiled sweep: each round traces every asset with the proceeds found so far
as seed edges (``engine.trace(carried=…)``), then looks at the transactions that moved
taint:

* **swap** (``swap``) — the sender of a tainted transfer receives another asset in the same
  transaction (itself, or the recipient a DEX event names): what it sent of the traced asset
  comes back as what it received, at the transaction's own ratio (``swaps.convert``); the
  contracts it paid become swap endpoints, so the next round stops the traced asset there
  instead of following it through the pool;
* **bridge** (``bridge``) — the tainted transfer paid a bridge departure (THORChain router
  ``Deposit``, Wormhole transfer): it is linked to the arrivals that name it (``OUT:`` /
  ``REFUND:`` memos in a Bitcoin OP_RETURN or an EVM ``TransferOut``), exactly; a refund on
  the same chain is a seed edge of the next round, an arrival on a UTXO chain a seed output
  of that chain's trace. A departure with no arrival in the data is "left for chain X at
  address Y" (in flight), never dropped.

Rounds stop when no new link changes the sweep. Malformed logs, undecodable memos, ``OUT:``
memos naming no departure and amounts that do not reconcile are anomalies, never links.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nkwatch.trace.across.bridge import follow_bridge, utxo_outbounds
from nkwatch.trace.across.midgard_links import add_midgard
from nkwatch.trace.across.model import (
    Anomaly,
    ChainData,
    CrossChainResult,
    InFlight,
    Link,
    Side,
    State,
)  # fmt: skip
from nkwatch.trace.across.swap import follow_swap
from nkwatch.trace.bridges.abi import AbiError, EvmLog
from nkwatch.trace.bridges.midgard import MidgardAction
from nkwatch.trace.bridges.registry import Departure, decode_logs
from nkwatch.trace.engine import AssetRun, SeedEdges, TraceResult, trace
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.noise import real_assets
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.swaps import SWAP_TOPICS, decode_swap
from nkwatch.trace.txgroups import tx_groups

__all__ = ["Anomaly", "ChainData", "CrossChainResult", "InFlight", "Link", "Side", "trace_across"]
MAX_ROUNDS = 8


def _state(graph: TransferGraph, logs: Sequence[EvmLog], chains: Sequence[ChainData],
           anomalies: list[Anomaly], actions: Sequence[MidgardAction],
           labels: LabelBook) -> tuple[State, list[Departure]]:  # fmt: skip
    departures, arrivals, bad = decode_logs(logs)
    anomalies += [Anomaly(b.log.chain, b.log.tx_hash, "malformed-log",
                          f"log {b.log.log_index} at {b.log.address}: {b.reason}") for b in bad]  # fmt: skip
    state = State(graph, {}, {}, {}, {}, genuine=frozenset(real_assets(graph)))
    state.anomalies = anomalies
    for d in departures:
        state.departures.setdefault(d.log.tx_hash, []).append(d)
    for a in arrivals:
        state.arrivals.setdefault(a.key, []).append(a)
    departures += add_midgard(state, actions, labels, chains)
    for chain, book in utxo_outbounds(chains, {d.key for d in departures}, anomalies).items():
        for key, txs in book.items():
            known = state.utxo_out.setdefault(chain, {}).setdefault(key, [])
            known += [t for t in txs if all(t[0].tx_hash != k[0].tx_hash for k in known)]
    for log in logs:
        if log.topic0 in SWAP_TOPICS:
            try:
                event = decode_swap(log)
            except AbiError as exc:
                anomalies.append(Anomaly(log.chain, log.tx_hash, "malformed-log",
                                         f"log {log.log_index} at {log.address}: {exc}"))  # fmt: skip
                continue
            state.swap_events.setdefault(log.tx_hash, []).append(event)
    return state, departures


def trace_across(
    graph: TransferGraph,
    seeds: Sequence[Seed],
    params: TraceParams,
    *,
    labels: LabelBook | None = None,
    logs: Sequence[EvmLog] = (),
    anomalies: Sequence[Anomaly] = (),
    chains: Sequence[ChainData] = (),
    actions: Sequence[MidgardAction] = (),
) -> CrossChainResult:
    """Trace ``seeds`` on ``graph`` and across the swaps and bridges the data shows."""
    labels = labels or LabelBook()
    base, departures = _state(graph, logs, chains, list(anomalies), actions, labels)
    _bridge_endpoints(base, departures, labels)
    carried: dict[int, SeedEdges] = {}
    cache: dict[object, AssetRun] = {}  # an asset whose inputs did not change is not swept again
    rounds = 0
    while True:
        rounds += 1
        known = len(base.extra)
        evm = trace(graph, seeds, params, labels=labels, carried=carried,
                    extra_endpoints=base.extra, runs_cache=cache)  # fmt: skip
        state = base.next_round(base.anomalies)
        _links(state, evm, labels, carried)
        if state.carried == carried and len(base.extra) == known:
            break
        if rounds == MAX_ROUNDS:
            state.anomalies.append(Anomaly(graph.chain, "", "not-converged",
                f"swap/bridge links still changing after {MAX_ROUNDS} rounds"))  # fmt: skip
            break
        carried = state.carried
    return CrossChainResult(evm, state.links, state.in_flight, state.anomalies,
                            state.utxo_seeds, rounds)  # fmt: skip


def _bridge_endpoints(state: State, departures: Sequence[Departure], labels: LabelBook) -> None:
    """Contracts and vaults that departures pay are bridge endpoints (known from their events)."""
    chain = state.graph.chain
    for d in departures:
        for address in d.receivers:
            aid = state.graph.address_id(address)
            if aid is None or aid in state.extra:
                continue
            state.extra[aid] = labels.endpoint(chain, address) or Label(
                chain,
                address,
                d.bridge,
                "bridge",
                1.0,
                f"{d.bridge} event in the data",
                detail=f"{d.bridge} (from its events)",
            )


def _links(
    state: State, evm: TraceResult, labels: LabelBook, carried: dict[int, SeedEdges]
) -> None:
    """Follow the swaps and bridges of the tainted transactions of one round's sweep. The
    edges a link carried proceeds on (its seed edges) are arrivals, never a new departure
    of their sender (a pool or router paying the swap's named recipient)."""
    graph = state.graph
    tainted: dict[int, tuple[int, int]] = {}  # graph edge -> (taint base units, asset id)
    hops = {}
    for run in evm.runs:
        hops[run.asset_id] = run.hop
        seeded = carried.get(run.asset_id, {})
        for local in np.flatnonzero(run.flag == 1).tolist():
            e = int(run.edges[local])
            if e in seeded:
                continue
            tainted[e] = (graph.base_units(run.asset_id, int(run.out_taint[local])), run.asset_id)
    groups = tx_groups(graph, list(tainted))
    taint_of = {e: t for e, (t, _) in tainted.items()}
    for e, (_, asset_id) in tainted.items():
        tx_hash, members = groups[e]
        sender = int(graph.src[e])
        key = (tx_hash, sender, asset_id)
        if key in state.done:
            continue
        hop = int(hops[asset_id][sender]) + 1
        if tx_hash in state.departures:
            follow_bridge(state, key, members, taint_of, hop)
        else:
            follow_swap(state, key, members, taint_of, hop, labels)
