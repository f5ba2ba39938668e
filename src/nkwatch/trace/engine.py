"""The tracer: bounded, time-respecting expansion from seeds to the services that can freeze.

``trace(graph_or_source, seeds, params, labels=...)`` is the one entry point. Given a
:class:`~nkwatch.trace.graph.TransferGraph` it runs the compiled sweep of ``kernel`` once
per traced asset; given a :class:`~nkwatch.trace.source.TransferSource` (the store, the live
EVM crawler) it first crawls outward from the seeds within the bounds into a small graph.
Labelled services (and deposit addresses recognised by their sweep pattern) stop the
expansion; the hop limit, the address limit, the dust threshold and the time window bound
it. The result keeps, per asset, where every tainted unit ended: at services, still at
addresses, spent on fees, or dropped as dust.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import numpy.typing as npt

from nkwatch.chains import canonical_address, check_address
from nkwatch.errors import UserError
from nkwatch.trace import kernel
from nkwatch.trace.crawl import crawl
from nkwatch.trace.deposits import EndpointMap, detect_deposits
from nkwatch.trace.graph import I32, I64, BoolArr, TransferGraph
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.noise import real_assets
from nkwatch.trace.params import Seed as Seed  # re-exported: callers import them from here too
from nkwatch.trace.params import TraceParams as TraceParams
from nkwatch.trace.policies import get_policy
from nkwatch.trace.source import TransferSource

_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class AssetRun:
    """The kernel's answer for one asset (arrays indexed by address id / edge id)."""

    asset_id: int
    taint: I64
    hop: I32
    frozen: BoolArr
    first_edge: I64
    out_taint: I64
    flag: npt.NDArray[np.int8]
    edges: I64  # graph edge id of each kernel row
    fees: int
    dust: int
    injected: int
    examined: int


@dataclass(frozen=True)
class Buckets:
    """Where the tainted units of one asset ended, in base units; they sum to ``seeded``."""

    seeded: int
    at_services: int
    at_addresses: int
    fees: int
    dust: int


@dataclass
class TraceResult:
    graph: TransferGraph
    params: TraceParams
    seeds: tuple[Seed, ...]
    runs: list[AssetRun]
    endpoint_labels: Mapping[int, Label]
    labels: LabelBook = field(default_factory=LabelBook)
    buckets: dict[int, Buckets] = field(default_factory=dict)
    examined: int = 0
    elapsed_s: float = 0.0


def _base_units(whole: Decimal, decimals: int) -> int:
    """``whole`` units in base units, exactly (``Decimal.scaleb`` rounds to 28 digits)."""
    with localcontext() as ctx:
        ctx.prec = 200
        scaled = whole.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise UserError(f"seed amount {whole} has more than {decimals} decimals", where="--seed")
    return int(scaled)


def _ts(value: datetime | None) -> int | None:
    if value is None:
        return None
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


# A seed edge: graph edge id -> (tainted base units it delivers, -1 for all; receiver's hop)
SeedEdges = dict[int, tuple[int, int]]


def _seed_edges(graph: TransferGraph, seeds: Sequence[Seed]) -> dict[int, SeedEdges]:
    """Edges delivered by seed transactions (wholly stolen, hop 0), per asset id."""
    found: dict[int, SeedEdges] = {}
    for seed in seeds:
        if not seed.tx_hash:
            continue
        refs = graph.find_tx(seed.tx_hash) if graph.find_tx else []
        edges = np.flatnonzero(np.isin(graph.ref, np.array(refs, np.int64)))
        if edges.size == 0:
            raise UserError(f"seed transaction not in the data: {seed.tx_hash}", where="--seed-tx")
        for e in edges:
            found.setdefault(int(graph.asset[e]), {})[int(e)] = (-1, 0)
    return found


def _assets_to_trace(
    graph: TransferGraph, seeds: Sequence[Seed], seed_edges: Mapping[int, SeedEdges]
) -> list[int]:
    explicit = {s.asset for s in seeds if s.asset}
    if explicit:
        found = [graph.asset_id(k) for k in explicit]
        return sorted({i for i in found if i is not None})
    genuine = set(real_assets(graph))
    ids = set(seed_edges)
    found = [
        graph.address_id(canonical_address(graph.chain, s.address)) for s in seeds if s.address
    ]
    seed_ids = np.array([a for a in found if a is not None], np.int32)
    if seed_ids.size and len(graph.assets) == 1:
        ids.add(0)
    elif seed_ids.size:
        touched = np.isin(graph.src, seed_ids) | np.isin(graph.dst, seed_ids)
        ids.update(int(a) for a in np.unique(graph.asset[touched]))
    return sorted(i for i in ids if i in genuine)


def endpoint_labels(graph: TransferGraph, labels: LabelBook, detect: bool) -> EndpointMap:
    """Address id -> the service label that stops the trace there (computed once per graph
    and label book: deposit detection scans every transfer)."""
    key = (id(labels), len(labels), detect)
    cached = graph.derived.get(key)
    if isinstance(cached, EndpointMap):
        return cached
    found: dict[int, Label] = {}
    for address in labels.addresses(graph.chain):
        aid = graph.address_id(address)
        if aid is not None:
            label = labels.endpoint(graph.chain, address)
            if label is not None:
                found[aid] = label
    result = EndpointMap(found, detect_deposits(graph, found) if detect else None)
    graph.derived[key] = result
    return result


def _run_asset(
    graph: TransferGraph,
    asset_id: int,
    seeds: Sequence[Seed],
    seed_edges: SeedEdges,
    endpoints: EndpointMap,
    params: TraceParams,
) -> AssetRun:
    single = len(graph.assets) == 1
    edges = graph.asset_edges(asset_id)
    n_addr = graph.n_addresses
    endpoint = np.zeros(n_addr, np.bool_)
    endpoint[endpoints.ids()] = True
    source_since = np.full(n_addr, _NEVER, np.int64)
    inj: list[tuple[int, int, int]] = []
    for seed in seeds:
        if seed.address is None or (seed.asset and graph.asset_id(seed.asset) != asset_id):
            continue
        aid = graph.address_id(canonical_address(graph.chain, seed.address))
        if aid is None:
            continue
        start = _ts(seed.since) or 0
        base = seed.amount
        if seed.amount_whole is not None:
            base = _base_units(seed.amount_whole, graph.assets[asset_id].decimals)
        if base is None:
            source_since[aid] = min(source_since[aid], start)
        else:
            inj.append((start, aid, graph.scaled(asset_id, base)))
    inj.sort()
    seed_rows = np.zeros(0, np.int64)
    seed_amt = np.zeros(0, np.int64)
    seed_hop = np.zeros(0, np.int32)
    if seed_edges:  # rows of this asset's transfers, sorted
        ordered = sorted(seed_edges)
        seed_rows = np.searchsorted(edges, np.array(ordered, np.int64)).astype(np.int64)
        amounts = [seed_edges[e][0] for e in ordered]
        seed_amt = np.array([a if a < 0 else graph.scaled(asset_id, a) for a in amounts], np.int64)
        seed_hop = np.array([seed_edges[e][1] for e in ordered], np.int32)
    min_taint = graph.scaled(
        asset_id, int(params.min_amount.scaleb(graph.assets[asset_id].decimals))
    )
    cols: list[npt.NDArray[Any]] = [graph.src, graph.dst, graph.amount, graph.fee, graph.ts]
    if not single:  # only this asset's transfers, still in time order
        cols = [c[edges] for c in cols]
    src, dst, amount, fee, ts = cols
    out = kernel.sweep_window(
        src, dst, amount, fee, ts, graph.sender_balances(asset_id),
        n_addr, endpoint, source_since, seed_rows, seed_amt, seed_hop,
        np.array([i[1] for i in inj], np.int64), np.array([i[2] for i in inj], np.int64),
        np.array([i[0] for i in inj], np.int64),
        get_policy(params.policy).kernel_code(), params.max_hops, max(min_taint, 0),
        _ts(params.until) or _NEVER, params.max_addresses,
    )  # fmt: skip
    taint, hop, frozen, first_edge, rec_e, rec_t, rec_f, fees, dust, injected, examined, _ = out
    out_taint = np.zeros(edges.shape[0], np.int64)  # zero pages: only the marked rows are touched
    flag = np.zeros(edges.shape[0], np.int8)
    out_taint[rec_e] = rec_t
    flag[rec_e] = rec_f
    return AssetRun(asset_id, taint, hop, frozen, first_edge, out_taint, flag, edges,
                    int(fees), int(dust), int(injected), int(examined))  # fmt: skip


def _buckets(graph: TransferGraph, run: AssetRun, endpoints: EndpointMap) -> Buckets:
    mask = np.zeros(graph.n_addresses, np.bool_)
    mask[endpoints.ids()] = True
    at_services = int(run.taint[mask].sum())
    at_addresses = int(run.taint[~mask].sum())
    b = graph.base_units
    return Buckets(b(run.asset_id, run.injected), b(run.asset_id, at_services),
                   b(run.asset_id, at_addresses), b(run.asset_id, run.fees), b(run.asset_id, run.dust))  # fmt: skip


def validate_seeds(chain: str, seeds: Iterable[Seed]) -> tuple[Seed, ...]:
    out = tuple(seeds)
    if not out:
        raise UserError("no seed given: pass --seed ADDRESS and/or --seed-tx HASH", where="--seed")
    for seed in out:
        if seed.address is not None:
            check_address(chain, seed.address, where="--seed")
        for value in (seed.amount, seed.amount_whole):
            if value is not None and value < 0:
                raise UserError(f"negative seed amount {value}", where="--seed")
    return out


def trace(
    graph_or_source: TransferGraph | TransferSource,
    seeds: Iterable[Seed],
    params: TraceParams,
    *,
    labels: LabelBook | None = None,
    carried: Mapping[int, SeedEdges] | None = None,
    extra_endpoints: Mapping[int, Label] | None = None,
    runs_cache: dict[object, AssetRun] | None = None,
) -> TraceResult:
    """Trace ``seeds`` under ``params``; see the module docstring.

    ``carried`` adds seed edges per asset id (a swap's or bridge's proceeds, see
    ``trace.across``); ``extra_endpoints`` adds services by address id (swap contracts
    recognised by shape, bridge contracts recognised by their events). ``runs_cache`` keeps
    each asset's sweep keyed by its inputs, so a repeated trace whose carried edges changed
    for one asset sweeps only that asset again (same seeds and params per cache)."""
    get_policy(params.policy)
    seed_list = validate_seeds(params.chain, seeds)
    labels = labels or LabelBook()
    started = time.perf_counter()
    if isinstance(graph_or_source, TransferGraph):
        graph = graph_or_source
    else:
        graph = crawl(graph_or_source, seed_list, params, labels)
    endpoints = endpoint_labels(graph, labels, params.detect_deposits)
    if extra_endpoints:
        endpoints = endpoints.with_known(extra_endpoints)
    seed_edges = _seed_edges(graph, seed_list)
    for asset_id, more in (carried or {}).items():
        seed_edges[asset_id] = {**more, **seed_edges.get(asset_id, {})}
    extra_key = tuple(sorted((extra_endpoints or {}).keys()))
    runs = []
    for a in sorted(set(_assets_to_trace(graph, seed_list, seed_edges)) | set(carried or {})):
        key = (a, tuple(sorted(seed_edges.get(a, {}).items())), extra_key)
        run = runs_cache.get(key) if runs_cache is not None else None
        if run is None:
            run = _run_asset(graph, a, seed_list, seed_edges.get(a, {}), endpoints, params)
            if runs_cache is not None:
                runs_cache[key] = run
        runs.append(run)
    result = TraceResult(graph, params, seed_list, runs, endpoints, labels)
    result.buckets = {r.asset_id: _buckets(graph, r, endpoints) for r in runs}
    result.examined = sum(r.examined for r in runs)
    result.elapsed_s = time.perf_counter() - started
    return result
