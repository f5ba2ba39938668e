"""Backward exposure: how much of what an address (or one transaction) received traces to risky sources.

Why this shape: exposure is tracing run backwards, so it reuses the tracer's compiled sweep and
policies unchanged. For one subject we (1) walk *backwards* from it over incoming transfers, hop
by hop and time-respecting (an inflow only matters if it arrived before the value left), not past
services (an exchange is an attribution boundary) nor past risky sources themselves; (2) run the
forward sweep over that small subgraph once per source group, with the group's addresses as
sources of tainted value; (3) read off what reached the subject. Direct exposure is what came
straight from a source (one hop); the rest is indirect.

The reverse index is built once per graph, so batch screening costs only the local walk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from nkwatch.errors import UserError
from nkwatch.exposure.model import ExposureResult, PathStep, RiskSource, SourceExposure
from nkwatch.exposure.rules import DEFAULT_RULES, Rule, evaluate
from nkwatch.exposure.walk import backward_walk
from nkwatch.trace import kernel
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.labels import canonical_address
from nkwatch.trace.noise import classify_assets
from nkwatch.trace.policies import get_policy

_NEVER = np.iinfo(np.int64).max
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ExposureParams:
    chain: str
    policy: str = "haircut"
    max_hops: int = 4
    until: datetime | None = None  # only value received up to this time counts
    max_addresses: int = 20_000  # bound on the backward walk
    max_fan_in: int = 1_000  # intermediaries with more inflows are treated as services


@dataclass(frozen=True)
class _Group:
    key: str
    members: tuple[RiskSource, ...]

    @property
    def head(self) -> RiskSource:
        return self.members[0]


@dataclass(frozen=True)
class _Walk:
    """The backward-reachable subgraph: global edge ids (time order) and its address ids.

    ``addrs`` is sorted, so a global id's local id is its position (``np.searchsorted``).
    """

    edges: I64
    addrs: I64
    groups_present: dict[str, I64]  # group key -> local ids of its source addresses
    hubs: I64  # high-fan-in intermediaries the walk did not pass (global ids)

    def local(self, global_ids: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.int32]:
        return np.searchsorted(self.addrs, global_ids).astype(np.int32)


@dataclass(frozen=True)
class Prefilter:
    """Which transfers carry risky value at all (see :meth:`ExposureIndex.prefilter`)."""

    params: ExposureParams
    risky_edge: npt.NDArray[np.bool_]


class ExposureIndex:
    """A transfer graph prepared for many exposure queries: reverse adjacency + risk map."""

    def __init__(
        self,
        graph: TransferGraph,
        sources: Sequence[RiskSource],
        services: Sequence[str] = (),
        rules: Sequence[Rule] = DEFAULT_RULES,
    ) -> None:
        self.graph = graph
        self.rules = tuple(rules)
        self._in_edges, self._in_ptr = _csr(graph.dst, graph.n_addresses)
        self._out_edges, self._out_ptr = _csr(graph.src, graph.n_addresses)
        # Score every asset a deposit can carry except impersonating tokens: an exchange only
        # credits tokens it lists, so "unverified" ones still count; fakes never do.
        verdicts = classify_assets(graph)
        self._genuine = {v.asset_id for v in verdicts if v.kind != "fake"}
        self._fake = {v.asset_id: v.reason for v in verdicts if v.kind == "fake"}
        groups: dict[str, list[RiskSource]] = {}  # insertion order gives each group its id
        group_id: dict[str, int] = {}
        self._group_of = np.full(graph.n_addresses, -1, np.int32)
        for source in sources:
            aid = graph.address_id(canonical_address(graph.chain, source.address))
            if aid is None:
                continue
            gid = group_id.setdefault(source.key, len(group_id))
            groups.setdefault(source.key, []).append(source)
            if self._group_of[aid] < 0:
                self._group_of[aid] = gid
        self._groups = {k: _Group(k, tuple(v)) for k, v in groups.items()}
        self._group_keys = list(groups)
        self._service = np.zeros(graph.n_addresses, np.bool_)
        for address in services:
            aid = graph.address_id(canonical_address(graph.chain, address))
            if aid is not None:
                self._service[aid] = True
        self._stop = self._service | (self._group_of >= 0)
        self._depth = np.full(graph.n_addresses, -1, np.int32)  # scratch for the walk
        self._deadline = np.zeros(graph.n_addresses, np.int64)
        self._ref_order: I64 | None = None

    # -- the backward walk --------------------------------------------------------------
    def _walk(
        self, target: int, t_end: int, params: ExposureParams, extra: I64 | None = None
    ) -> _Walk:
        graph = self.graph
        nodes, edges, hubs = backward_walk(
            self._in_ptr, self._in_edges, self._out_ptr, self._out_edges, graph.src, graph.ts,
            target, t_end, params.max_hops, self._stop, params.max_addresses,
            params.max_fan_in, self._depth, self._deadline,
        )  # fmt: skip
        if extra is not None:
            edges = np.union1d(edges, extra)
        addrs = np.unique(np.concatenate((nodes, graph.src[edges], graph.dst[edges])))
        groups = self._group_of[addrs]
        present: dict[str, I64] = {}
        for g in np.unique(groups[groups >= 0]).tolist():
            local = np.flatnonzero(groups == g).astype(np.int64)
            local = local[addrs[local] != target]
            if local.size:
                present[self._group_keys[g]] = local
        return _Walk(edges.astype(np.int64), addrs.astype(np.int64), present, hubs.astype(np.int64))

    def edges_for_refs(self, refs: Sequence[int]) -> list[int]:
        """Graph edge ids of store rows (``graph.ref``), e.g. the rows of one transaction."""
        if self._ref_order is None:
            self._ref_order = np.argsort(self.graph.ref, kind="stable").astype(np.int64)
        sorted_refs = self.graph.ref[self._ref_order]
        wanted = np.asarray(sorted(refs), np.int64)
        pos = np.minimum(np.searchsorted(sorted_refs, wanted), max(sorted_refs.size - 1, 0))
        if sorted_refs.size == 0:
            return []
        hit = pos[sorted_refs[pos] == wanted]
        return sorted(int(e) for e in self._ref_order[hit])

    # -- queries ------------------------------------------------------------------------
    def address(self, address: str, params: ExposureParams) -> ExposureResult:
        """Exposure of everything ``address`` received up to ``params.until``."""
        canonical = canonical_address(self.graph.chain, address)
        target = self.graph.address_id(canonical)
        t_end = _ts(params.until)
        if target is None:
            return self._empty(
                canonical, "address", params, "address has no transfers in the store"
            )
        walk = self._walk(target, t_end, params)
        into = walk.edges[self.graph.dst[walk.edges] == target]
        return self._result(canonical, "address", target, walk, into, params)

    def transfer(
        self, edge_ids: Sequence[int], subject: str, params: ExposureParams
    ) -> ExposureResult:
        """Exposure of the value delivered by specific transfers (one transaction's rows)."""
        if not edge_ids:
            raise UserError(
                "transaction not in the store (import it, or fetch it with --rpc)", where=subject
            )
        target = int(self.graph.dst[edge_ids[0]])
        t_end = int(self.graph.ts[list(edge_ids)].max())
        into = np.asarray(sorted(edge_ids), np.int64)
        walk = self._walk(target, t_end, params, extra=into)
        return self._result(subject, "tx", target, walk, into, params)

    # -- batch --------------------------------------------------------------------------
    def prefilter(self, params: ExposureParams) -> Prefilter:
        """Mark every transfer that carries risky value, with one global sweep per asset.

        All sources at once and no walk boundaries: this over-approximates every per-group,
        per-subject sweep, so a subject none of whose inflows is marked has no exposure, and
        its result is exactly what :meth:`address` would return, without walking.
        """
        graph = self.graph
        risky = np.zeros(graph.n_edges, np.bool_)
        since = np.full(graph.n_addresses, _NEVER, np.int64)
        since[self._group_of >= 0] = np.iinfo(np.int64).min
        none = np.zeros(0, np.int64)
        for asset_id in sorted(self._genuine):
            edges = np.flatnonzero(graph.asset == asset_id).astype(np.int64)
            if edges.size == 0:
                continue
            out = kernel.sweep(
                graph.src[edges], graph.dst[edges], graph.amount[edges], graph.fee[edges],
                graph.ts[edges], graph.n_addresses, self._service.copy(), since,
                np.zeros(edges.size, np.bool_), none, none, none, get_policy(params.policy).code,
                params.max_hops, 0, _NEVER, graph.n_addresses + 1,
            )  # fmt: skip
            risky[edges] = (out[4] > 0) | (out[5] == kernel.FLAG_TAINTED)
        return Prefilter(params, risky)

    def address_batch(self, address: str, pre: Prefilter) -> ExposureResult:
        """Same answer as :meth:`address`; skips the walk when no inflow carries risk."""
        params = pre.params
        target = self.graph.address_id(canonical_address(self.graph.chain, address))
        if target is None:
            return self.address(address, params)
        t_end = _ts(params.until)
        inflow = self._in_edges[self._in_ptr[target] : self._in_ptr[target + 1]]
        inflow = inflow[self.graph.ts[inflow] <= t_end]
        if pre.risky_edge[inflow].any():
            return self.address(address, params)
        return self._finish(self.graph.addresses[target], "address", inflow, [], None, params)

    def transfer_batch(
        self, edge_ids: Sequence[int], subject: str, pre: Prefilter
    ) -> ExposureResult:
        into = np.asarray(sorted(edge_ids), np.int64)
        if into.size == 0 or pre.risky_edge[into].any():
            return self.transfer(edge_ids, subject, pre.params)
        return self._finish(subject, "tx", into, [], None, pre.params)

    # -- evaluation ---------------------------------------------------------------------
    def _result(
        self, subject: str, kind: str, target: int, walk: _Walk, into: I64, params: ExposureParams
    ) -> ExposureResult:
        graph = self.graph
        exposures: list[SourceExposure] = []
        for asset_id in sorted({int(a) for a in graph.asset[into]} & self._genuine):
            mine = into[graph.asset[into] == asset_id]
            total = int(graph.amount[mine].sum())
            if total == 0:
                continue
            for key, members in walk.groups_present.items():
                found = self._sweep(walk, asset_id, members, target, mine, params)
                if found is not None:
                    exposures.append(self._source_exposure(key, asset_id, total, found))
        return self._finish(subject, kind, into, exposures, walk.hubs, params)

    def _finish(
        self,
        subject: str,
        kind: str,
        into: I64,
        exposures: list[SourceExposure],
        hubs: I64 | None,
        params: ExposureParams,
    ) -> ExposureResult:
        graph = self.graph
        received: dict[str, Decimal] = {}
        for asset_id in sorted({int(a) for a in graph.asset[into]} & self._genuine):
            total = int(graph.amount[into[graph.asset[into] == asset_id]].sum())
            received[graph.assets[asset_id].symbol] = _whole(graph, asset_id, total)
        exposures.sort(key=lambda s: (-s.share, s.key))
        decision, fired = evaluate(exposures, self.rules)
        notes = tuple(
            f"ignored {graph.assets[a].symbol!r} transfers: {self._fake[a]}"
            for a in sorted({int(a) for a in graph.asset[into]} & set(self._fake))
        )
        if exposures and hubs is not None:  # only where a hub may hide more of a found source
            notes += tuple(
                f"not traced past {graph.addresses[int(h)]} "
                f"({int(self._in_ptr[h + 1] - self._in_ptr[h])} inflows > {params.max_fan_in}):"
                " treated as a service"
                for h in hubs[:5]
            )
        return ExposureResult(
            chain=graph.chain, subject=subject, subject_kind=kind, policy=params.policy,
            max_hops=params.max_hops, received=received, sources=tuple(exposures),
            decision=decision, fired=fired, notes=notes,
        )  # fmt: skip

    def _sweep(
        self,
        walk: _Walk,
        asset_id: int,
        members: I64,
        target: int,
        into: I64,
        params: ExposureParams,
    ) -> tuple[int, int, int, list[int]] | None:
        """Run the tracer's sweep for one source group; (tainted, direct, hops, path edges)."""
        graph = self.graph
        edges = walk.edges[graph.asset[walk.edges] == asset_id]
        if edges.size == 0:
            return None
        src = walk.local(graph.src[edges])
        dst = walk.local(graph.dst[edges])
        n = int(walk.addrs.size)
        since = np.full(n, _NEVER, np.int64)
        since[members] = np.iinfo(np.int64).min
        endpoint = self._service[walk.addrs]
        t_local = int(walk.local(np.asarray([target]))[0])
        endpoint[t_local] = False
        none = np.zeros(0, np.int64)
        _, hop, _, first_edge, out_taint, flag, _, _, _, _ = kernel.sweep(
            src, dst, graph.amount[edges], graph.fee[edges], graph.ts[edges], n, endpoint, since,
            np.zeros(edges.size, np.bool_), none, none, none, get_policy(params.policy).code,
            params.max_hops, 0, _NEVER, n + 1,
        )  # fmt: skip
        wanted = np.isin(edges, into)
        tainted = int(out_taint[wanted].sum())
        touched = bool((flag[wanted] == kernel.FLAG_TAINTED).any())  # poison flags 0-taint flows
        if tainted == 0 and not (params.policy == "poison" and touched):
            return None
        direct = int(graph.amount[edges[wanted & np.isin(src, members)]].sum())
        direct = min(direct, tainted)
        path = _path(first_edge, src, t_local, {int(m) for m in members})
        return tainted, direct, int(hop[t_local]), [int(edges[e]) for e in path]

    def _source_exposure(
        self, key: str, asset_id: int, total: int, found: tuple[int, int, int, list[int]]
    ) -> SourceExposure:
        tainted, direct, hops, path = found
        head = self._groups[key].head
        graph = self.graph
        return SourceExposure(
            key=key, category=head.category, label=head.label, dprk_linked=head.dprk_linked,
            direct=_whole(graph, asset_id, direct), indirect=_whole(graph, asset_id, tainted - direct),
            share=tainted / total, asset=graph.assets[asset_id].symbol, min_hops=max(hops, 1),
            example_path=_steps(graph, asset_id, path),
            provenance=tuple(sorted({m.source for m in self._groups[key].members if m.source})),
        )  # fmt: skip

    def _empty(self, subject: str, kind: str, params: ExposureParams, note: str) -> ExposureResult:
        return ExposureResult(
            chain=self.graph.chain, subject=subject, subject_kind=kind, policy=params.policy,
            max_hops=params.max_hops, received={}, sources=(), notes=(note,),
        )  # fmt: skip


def _csr(keys: npt.NDArray[np.int32], n: int) -> tuple[I64, I64]:
    """Edge ids grouped by ``keys`` (time order kept within a group) and the group offsets."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    counts = np.bincount(keys, minlength=n)
    return order, np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


def _ts(value: datetime | None) -> int:
    if value is None:
        return int(_NEVER)
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


def _whole(graph: TransferGraph, asset_id: int, scaled: int) -> Decimal:
    return Decimal(graph.base_units(asset_id, scaled)).scaleb(-graph.assets[asset_id].decimals)


def _path(first_edge: I64, src: npt.NDArray[np.int32], target: int, members: set[int]) -> list[int]:
    """Local edge ids from a source to the target, following first tainted arrivals."""
    path: list[int] = []
    node = target
    seen: set[int] = set()
    while node not in members and node not in seen and first_edge[node] >= 0:
        seen.add(node)
        e = int(first_edge[node])
        path.append(e)
        node = int(src[e])
    return path[::-1]


def _steps(graph: TransferGraph, asset_id: int, edges: Sequence[int]) -> tuple[PathStep, ...]:
    infos = graph.resolve([int(graph.ref[e]) for e in edges])
    steps = []
    for e in edges:
        info = infos[int(graph.ref[e])]
        steps.append(
            PathStep(
                tx_hash=info.tx_hash,
                from_address=graph.addresses[int(graph.src[e])],
                to_address=graph.addresses[int(graph.dst[e])],
                amount=str(_whole(graph, asset_id, int(graph.amount[e]))),
                asset=graph.assets[asset_id].symbol,
                timestamp=datetime.fromtimestamp(int(graph.ts[e]), UTC).isoformat(),
            )
        )
    return tuple(steps)


def edges_of_tx(graph: TransferGraph, tx_hash: str) -> list[int]:
    """Graph edge ids of one transaction (resolving refs; fine for one-off lookups)."""
    wanted = tx_hash.lower()
    infos = graph.resolve([int(r) for r in graph.ref])
    return [i for i, r in enumerate(graph.ref) if infos[int(r)].tx_hash.lower() == wanted]
