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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from nkwatch.errors import UserError
from nkwatch.exposure.model import ExposureResult, PathStep, RiskSource, SourceExposure
from nkwatch.exposure.rules import DEFAULT_RULES, Rule, evaluate
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


@dataclass(frozen=True)
class _Group:
    key: str
    members: tuple[RiskSource, ...]

    @property
    def head(self) -> RiskSource:
        return self.members[0]


@dataclass(frozen=True)
class _Walk:
    """The backward-reachable subgraph: global edge ids (time order) and local address ids."""

    edges: I64
    local: dict[int, int]  # global address id -> local id
    groups_present: dict[str, list[int]]  # group key -> local ids of its source addresses


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
        groups: dict[str, list[RiskSource]] = {}
        self._group_of: dict[int, str] = {}
        for source in sources:
            aid = graph.address_id(canonical_address(graph.chain, source.address))
            if aid is None:
                continue
            groups.setdefault(source.key, []).append(source)
            self._group_of.setdefault(aid, source.key)
        self._groups = {k: _Group(k, tuple(v)) for k, v in groups.items()}
        self._ref_order: I64 | None = None
        self._service = {
            aid
            for a in services
            if (aid := graph.address_id(canonical_address(graph.chain, a))) is not None
        }

    # -- the backward walk --------------------------------------------------------------
    def _walk(self, target: int, t_end: int, params: ExposureParams) -> _Walk:
        deadline: dict[int, int] = {target: t_end}
        depth: dict[int, int] = {target: 0}
        frontier = [target]
        picked: list[I64] = []
        for hop in range(params.max_hops):
            nxt: list[int] = []
            for a in frontier:
                if a != target and (a in self._group_of or a in self._service):
                    continue  # sources and services are where the walk stops
                lo, hi = self._in_ptr[a], self._in_ptr[a + 1]
                edges = self._in_edges[lo:hi]
                edges = edges[self.graph.ts[edges] <= deadline[a]]
                if edges.size == 0:
                    continue
                picked.append(edges)
                senders = self.graph.src[edges]
                times = self.graph.ts[edges]
                for s, t in zip(senders.tolist(), times.tolist(), strict=True):
                    if s not in depth:
                        if len(depth) >= params.max_addresses:
                            continue
                        depth[s] = hop + 1
                        deadline[s] = t
                        nxt.append(s)
                    elif t > deadline[s]:
                        deadline[s] = t
            frontier = nxt
        picked += self._prior_outflows(depth, deadline, target)
        edges = np.unique(np.concatenate(picked)) if picked else np.zeros(0, np.int64)
        local = {a: i for i, a in enumerate(depth)}
        for e in edges.tolist():  # receivers of prior outflows join as sinks
            for a in (int(self.graph.src[e]), int(self.graph.dst[e])):
                if a not in local:
                    local[a] = len(local)
        present: dict[str, list[int]] = {}
        for a, i in local.items():
            key = self._group_of.get(a)
            if key is not None and a != target:
                present.setdefault(key, []).append(i)
        return _Walk(edges.astype(np.int64), local, present)

    def _prior_outflows(
        self, depth: dict[int, int], deadline: dict[int, int], target: int
    ) -> list[I64]:
        """What intermediaries paid out before passing value on: FIFO and poison need it."""
        found: list[I64] = []
        for a, d in depth.items():
            if d == 0 or a == target or a in self._group_of or a in self._service:
                continue
            lo, hi = self._out_ptr[a], self._out_ptr[a + 1]
            edges = self._out_edges[lo:hi]
            found.append(edges[self.graph.ts[edges] <= deadline[a]])
        return found

    def edges_for_refs(self, refs: Sequence[int]) -> list[int]:
        """Graph edge ids of store rows (``graph.ref``), e.g. the rows of one transaction."""
        if self._ref_order is None:
            self._ref_order = np.argsort(self.graph.ref, kind="stable").astype(np.int64)
        sorted_refs = self.graph.ref[self._ref_order]
        wanted = np.asarray(sorted(refs), np.int64)
        pos = np.searchsorted(sorted_refs, wanted)
        pos = pos[(pos < sorted_refs.size)]
        hit = pos[sorted_refs[pos] == wanted[: pos.size]] if pos.size else pos
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
        walk = self._walk(target, t_end, params)
        into = np.asarray(sorted(edge_ids), np.int64)
        edges = np.union1d(walk.edges, into)
        return self._result(
            subject, "tx", target, _Walk(edges, walk.local, walk.groups_present), into, params
        )

    # -- evaluation ---------------------------------------------------------------------
    def _result(
        self, subject: str, kind: str, target: int, walk: _Walk, into: I64, params: ExposureParams
    ) -> ExposureResult:
        graph = self.graph
        received: dict[str, Decimal] = {}
        exposures: list[SourceExposure] = []
        for asset_id in sorted({int(a) for a in graph.asset[into]} & self._genuine):
            asset = graph.assets[asset_id]
            mine = into[graph.asset[into] == asset_id]
            total = int(graph.amount[mine].sum())
            received[asset.symbol] = _whole(graph, asset_id, total)
            if total == 0:
                continue
            for key, members in walk.groups_present.items():
                found = self._sweep(walk, asset_id, members, target, mine, params)
                if found is not None:
                    exposures.append(self._source_exposure(key, asset_id, total, found))
        exposures.sort(key=lambda s: (-s.share, s.key))
        decision, fired = evaluate(exposures, self.rules)
        notes = tuple(
            f"ignored {graph.assets[a].symbol!r} transfers: {self._fake[a]}"
            for a in sorted({int(a) for a in graph.asset[into]} & set(self._fake))
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
        members: list[int],
        target: int,
        into: I64,
        params: ExposureParams,
    ) -> tuple[int, int, int, list[int]] | None:
        """Run the tracer's sweep for one source group; (tainted, direct, hops, path edges)."""
        graph = self.graph
        edges = walk.edges[graph.asset[walk.edges] == asset_id]
        if edges.size == 0:
            return None
        local = walk.local
        src = np.fromiter((local.get(int(a), -1) for a in graph.src[edges]), np.int32, edges.size)
        dst = np.fromiter((local.get(int(a), -1) for a in graph.dst[edges]), np.int32, edges.size)
        keep = (src >= 0) & (dst >= 0)
        edges, src, dst = edges[keep], src[keep], dst[keep]
        n = len(local)
        since = np.full(n, _NEVER, np.int64)
        since[members] = np.iinfo(np.int64).min
        endpoint = np.zeros(n, np.bool_)
        for a in self._service:
            if a in local and a != target:
                endpoint[local[a]] = True
        none = np.zeros(0, np.int64)
        _, hop, _, first_edge, out_taint, _, _, _, _, _ = kernel.sweep(
            src, dst, graph.amount[edges], graph.fee[edges], graph.ts[edges], n, endpoint, since,
            np.zeros(edges.size, np.bool_), none, none, none, get_policy(params.policy).code,
            params.max_hops, 0, _NEVER, n + 1,
        )  # fmt: skip
        wanted = np.isin(edges, into)
        tainted = int(out_taint[wanted].sum())
        t_local = local[target]
        if tainted == 0 and not (params.policy == "poison" and hop[t_local] >= 0 and wanted.any()):
            return None
        member_set = set(members)
        direct = int(graph.amount[edges[wanted & np.isin(src, list(member_set))]].sum())
        direct = min(direct, tainted)
        path = _path(first_edge, src, t_local, member_set)
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


def group_summary(sources: Mapping[str, RiskSource]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in sources.values():
        counts[s.category.value] = counts.get(s.category.value, 0) + 1
    return counts
