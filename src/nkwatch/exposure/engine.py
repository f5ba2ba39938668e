"""Exposure: how much of what an address (or one transaction) received traces to risky sources.

Why this shape (the way KYT systems screen in bulk): for one set of parameters (policy, max
hops, hub bound) the index runs one forward, time-ordered sweep per asset over the whole
transfer graph for all source groups present (``sweep``), recording on every transfer the
taint of each group it carries and its hop level. Any subject's exposure is then read off its
inflows (``readoff``): a binary search per inflow. Single queries and batches use the same
cached sweeps, so a deposit scored alone or among 100,000 gets the identical result.

Direct exposure is level-1 taint (sent by a source itself); indirect is levels 2..N. Services
and hubs (more than ``max_fan_in`` inflows: exchanges, routers, pools in all but label) are
attribution boundaries: they receive taint but do not pass it on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from nkwatch.chains import canonical_address
from nkwatch.errors import UserError
from nkwatch.exposure import readoff, sweep
from nkwatch.exposure.model import ExposureResult, PathStep, RiskSource, SourceExposure
from nkwatch.exposure.rules import DEFAULT_RULES, Rule, evaluate
from nkwatch.trace import EdgeInfo, TransferGraph, classify_assets, get_policy

_NEVER = np.iinfo(np.int64).max
_STATE_BUDGET = 1 << 29  # bytes of per-address taint state per sweep; more groups = more sweeps
I64 = npt.NDArray[np.int64]
BoolArr = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ExposureParams:
    chain: str
    policy: str = "haircut"
    max_hops: int = 4
    until: datetime | None = None  # only value received up to this time counts
    max_fan_in: int = 1_000  # intermediaries with more inflows are treated as services


@dataclass(frozen=True)
class Window:
    """What a sweep over part of a graph needs from the whole (a lake extraction): the
    inflow counts of its high-fan-in addresses over the whole lake, and per asset id each
    address's balance before its first transfer in the part (zeros where absent)."""

    fan_in: Mapping[str, int]
    opening: Mapping[int, I64]


@dataclass(frozen=True)
class _Group:
    key: str
    head: RiskSource  # category, label and DPRK link of the group
    provenance: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """Taint records of one asset for some groups (see ``readoff``)."""

    asset_id: int
    rec: I64  # (4, n): edge, group, amount, min level; sorted by edge
    first: I64  # per transfer of the asset (``Sweeps.pos``): its first record or -1


@dataclass(frozen=True)
class Sweeps:
    """Every group's taint records for one parameter set."""

    blocks: tuple[Block, ...]
    pos: I64  # global edge id -> position among its asset's transfers
    hub: BoolArr  # high-fan-in intermediaries treated as services (named in notes)


@dataclass(frozen=True)
class _Queries:
    """Subjects to read: (subject, kind) and their inflow edges as a CSR."""

    subjects: list[tuple[str, str]]
    ptr: I64
    edges: I64


class ExposureIndex:
    """A transfer graph prepared for exposure queries: risk map, inflow CSR, cached sweeps."""

    def __init__(
        self,
        graph: TransferGraph,
        sources: Sequence[RiskSource],
        services: Sequence[str] = (),
        rules: Sequence[Rule] = DEFAULT_RULES,
        window: Window | None = None,
    ) -> None:
        self.graph = graph
        self.rules = tuple(rules)
        order = np.argsort(graph.dst, kind="stable").astype(np.int64)
        counts = np.bincount(graph.dst, minlength=graph.n_addresses)
        self._in_edges = order
        self._in_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._fan_in = counts.astype(np.int64)
        self._opening: dict[int, I64] = {}
        if window is not None:  # a lake extraction: lake-wide fan-in, opening balances
            for address, n in window.fan_in.items():
                aid = graph.address_id(address)
                if aid is not None:
                    self._fan_in[aid] = n
            self._opening = dict(window.opening)
        # Score every asset a deposit can carry except impersonating tokens: an exchange only
        # credits tokens it lists, so "unverified" ones still count; fakes never do.
        verdicts = classify_assets(graph)
        self._genuine = sorted(v.asset_id for v in verdicts if v.kind != "fake")
        self._fake = {v.asset_id: v.reason for v in verdicts if v.kind == "fake"}
        groups: dict[str, list[RiskSource]] = {}  # insertion order gives each group its id
        group_id: dict[str, int] = {}
        self._group_of = np.full(graph.n_addresses, -1, np.int64)
        for source in sources:
            aid = graph.address_id(canonical_address(graph.chain, source.address))
            if aid is None:
                continue
            gid = group_id.setdefault(source.key, len(group_id))
            groups.setdefault(source.key, []).append(source)
            if self._group_of[aid] < 0:
                self._group_of[aid] = gid
        self._groups = [
            _Group(k, v[0], tuple(sorted({m.source for m in v if m.source})))
            for k, v in groups.items()
        ]
        self._service = np.zeros(graph.n_addresses, np.bool_)
        for address in services:
            aid = graph.address_id(canonical_address(graph.chain, address))
            if aid is not None:
                self._service[aid] = True
        self._cache: dict[tuple[str, int, int], Sweeps] = {}
        self._ref_order: I64 | None = None

    # -- the sweeps -----------------------------------------------------------------------
    def sweeps(self, params: ExposureParams) -> Sweeps:
        """The forward sweeps for ``params`` (computed once per index, then shared)."""
        if params.max_hops < 1:
            raise UserError("must be at least 1", where="max hops")
        key = (params.policy, params.max_hops, params.max_fan_in)
        if key not in self._cache:
            self._cache[key] = self._run_sweeps(params)
        return self._cache[key]

    def _run_sweeps(self, params: ExposureParams) -> Sweeps:
        code = get_policy(params.policy).kernel_code()  # unknown / Python-only: UserError
        graph = self.graph
        is_source = self._group_of >= 0
        hub = (self._fan_in > params.max_fan_in) & ~is_source & ~self._service
        stop = self._service | hub
        n_groups = len(self._groups)
        per_group = max(graph.n_addresses * params.max_hops * 8, 1)
        chunk = max(1, min(n_groups, _STATE_BUDGET // per_group))
        blocks: list[Block] = []
        pos = np.zeros(graph.n_edges, np.int64)
        for asset_id in self._genuine if n_groups else []:
            edges = np.flatnonzero(graph.asset == asset_id).astype(np.int64)
            if edges.size == 0:
                continue
            pos[edges] = np.arange(edges.size)
            src, dst = graph.src[edges], graph.dst[edges]
            amount, fee = graph.amount[edges], graph.fee[edges]
            bal0 = self._opening.get(asset_id, np.zeros(graph.n_addresses, np.int64))
            for start in range(0, n_groups, chunk):
                gids = np.arange(start, min(start + chunk, n_groups), dtype=np.int64)
                lut = np.full(n_groups + 1, -1, np.int64)
                lut[gids] = np.arange(gids.size)
                local_of = lut[self._group_of]  # -1 indexes the sentinel
                rec = sweep.group_sweep(
                    src, dst, amount, fee, local_of, gids, is_source, stop,
                    code, params.max_hops, bal0,
                )  # fmt: skip
                rec[0] = edges[rec[0]]
                first = readoff.first_records(rec, edges.size, pos)
                blocks.append(Block(asset_id, rec, first))
        return Sweeps(tuple(blocks), pos, hub)

    # -- queries --------------------------------------------------------------------------
    def address(self, address: str, params: ExposureParams) -> ExposureResult:
        """Exposure of everything ``address`` received up to ``params.until``."""
        return self.addresses([address], params)[0]

    def addresses(self, addresses: Sequence[str], params: ExposureParams) -> list[ExposureResult]:
        """Exposure of many addresses at once; each result equals its single query."""
        graph = self.graph
        canonical = [canonical_address(graph.chain, a) for a in addresses]
        ids = [graph.address_id(c) for c in canonical]
        known = [i for i, aid in enumerate(ids) if aid is not None]
        targets = np.asarray([ids[i] for i in known], np.int64)
        ptr, edges = readoff.gather(
            self._in_ptr, self._in_edges, graph.ts, targets, _ts(params.until)
        )
        subjects = [(graph.addresses[int(t)], "address") for t in targets]
        found = self._screen(_Queries(subjects, ptr, edges), params)
        results = [
            self._empty(c, "address", params, "address has no transfers in the store")
            for c in canonical
        ]
        for i, result in zip(known, found, strict=True):
            results[i] = result
        return results

    def transfer(
        self, edge_ids: Sequence[int], subject: str, params: ExposureParams
    ) -> ExposureResult:
        """Exposure of the value delivered by specific transfers (one transaction's rows)."""
        return self.transfers([(edge_ids, subject)], params)[0]

    def transfers(
        self, items: Sequence[tuple[Sequence[int], str]], params: ExposureParams
    ) -> list[ExposureResult]:
        for edge_ids, subject in items:
            if not edge_ids:
                raise UserError(
                    "transaction not in the store (import it, or fetch it with --rpc)",
                    where=subject,
                )
        each = [np.unique(np.asarray(e, np.int64)) for e, _ in items]
        edges = np.concatenate(each) if each else np.zeros(0, np.int64)
        ptr = np.concatenate(([0], np.cumsum([e.size for e in each]))).astype(np.int64)
        return self._screen(_Queries([(s, "tx") for _, s in items], ptr, edges), params)

    def edges_for_refs(self, refs: Sequence[int]) -> list[int]:
        """Graph edge ids of store rows (``graph.ref``), e.g. the rows of one transaction."""
        if self._ref_order is None:
            self._ref_order = np.argsort(self.graph.ref, kind="stable").astype(np.int64)
        sorted_refs = self.graph.ref[self._ref_order]
        if sorted_refs.size == 0:
            return []
        wanted = np.asarray(sorted(refs), np.int64)
        pos = np.minimum(np.searchsorted(sorted_refs, wanted), sorted_refs.size - 1)
        hit = pos[sorted_refs[pos] == wanted]
        return sorted(int(e) for e in self._ref_order[hit])

    # -- evaluation -----------------------------------------------------------------------
    def _screen(self, q: _Queries, params: ExposureParams) -> list[ExposureResult]:
        graph = self.graph
        sweeps = self.sweeps(params)
        value, count = readoff.totals(q.ptr, q.edges, graph.asset, graph.amount, len(graph.assets))
        found: list[list[tuple[int, int, int, int, int, list[int]]]] = [[] for _ in q.subjects]
        for block in sweeps.blocks:
            asset_id = block.asset_id
            hits = readoff.read_off(
                q.ptr, q.edges, block.rec, block.first, sweeps.pos, graph.asset, asset_id,
                len(self._groups),
            )  # fmt: skip
            hits = hits[:, value[hits[0], asset_id] > 0]  # nothing received: no share
            paths = readoff.paths(
                hits, block.rec, block.first, sweeps.pos, graph.asset, asset_id, graph.src,
                self._in_ptr, self._in_edges, self._group_of, params.max_hops,
            )  # fmt: skip
            for row, path in zip(hits.T.tolist(), paths.tolist(), strict=True):
                i, g, amount, direct, level, _ = row
                found[i].append((asset_id, g, amount, direct, level, [e for e in path if e >= 0]))
        steps = _Steps(graph, [e for f in found for hit in f for e in hit[5]])
        values, counts = value.tolist(), count.tolist()
        from_hub = np.concatenate(([0], np.cumsum(sweeps.hub[graph.src[q.edges]])))
        any_hub = (from_hub[q.ptr[1:]] > from_hub[q.ptr[:-1]]).tolist()
        results = []
        for i, (subject, kind) in enumerate(q.subjects):
            exposures = [self._source_exposure(hit, values[i][hit[0]], steps) for hit in found[i]]
            hubs = self._hubs(q, i, sweeps.hub) if exposures and any_hub[i] else []
            assets = [a for a, n in enumerate(counts[i]) if n]
            results.append(self._finish(subject, kind, assets, values[i], exposures, hubs, params))
        return results

    def _hubs(self, q: _Queries, i: int, hub: BoolArr) -> list[int]:
        senders = self.graph.src[q.edges[q.ptr[i] : q.ptr[i + 1]]]
        return [int(h) for h in np.unique(senders[hub[senders]])]

    def _finish(
        self,
        subject: str,
        kind: str,
        assets: list[int],
        values: list[int],
        exposures: list[SourceExposure],
        hubs: list[int],
        params: ExposureParams,
    ) -> ExposureResult:
        graph = self.graph
        received = {
            graph.assets[a].symbol: _whole(graph, a, values[a])
            for a in assets
            if a not in self._fake
        }
        exposures.sort(key=lambda s: (-s.share, s.key))
        decision, fired = evaluate(exposures, self.rules)
        notes = tuple(
            f"ignored {graph.assets[a].symbol!r} transfers: {self._fake[a]}"
            for a in assets
            if a in self._fake
        )
        notes += tuple(
            f"not traced past {graph.addresses[h]} "
            f"({int(self._fan_in[h])} inflows > {params.max_fan_in}):"
            " treated as a service"
            for h in hubs[:5]
        )
        return ExposureResult(
            chain=graph.chain, subject=subject, subject_kind=kind, policy=params.policy,
            max_hops=params.max_hops, received=received, sources=tuple(exposures),
            decision=decision, fired=fired, notes=notes,
        )  # fmt: skip

    def _source_exposure(
        self, hit: tuple[int, int, int, int, int, list[int]], total: int, steps: _Steps
    ) -> SourceExposure:
        asset_id, g, tainted, direct, level, path = hit
        group = self._groups[g]
        head = group.head
        graph = self.graph
        return SourceExposure(
            key=group.key, category=head.category, label=head.label, dprk_linked=head.dprk_linked,
            direct=_whole(graph, asset_id, direct), indirect=_whole(graph, asset_id, tainted - direct),
            share=tainted / total, asset=graph.assets[asset_id].symbol, min_hops=max(level, 1),
            example_path=steps.path(path), provenance=group.provenance,
        )  # fmt: skip

    def _empty(self, subject: str, kind: str, params: ExposureParams, note: str) -> ExposureResult:
        return ExposureResult(
            chain=self.graph.chain, subject=subject, subject_kind=kind, policy=params.policy,
            max_hops=params.max_hops, received={}, sources=(), notes=(note,),
        )  # fmt: skip


class _Steps:
    """Path steps of one batch: every edge resolved with one lookup and built once."""

    def __init__(self, graph: TransferGraph, edges: list[int]) -> None:
        unique = np.unique(np.asarray(edges, np.int64))
        refs = graph.ref[unique].tolist()
        infos: dict[int, EdgeInfo] = graph.resolve(refs) if refs else {}
        stamps = np.datetime_as_string(graph.ts[unique].astype("datetime64[s]"), timezone="UTC")
        addresses, assets = graph.addresses, graph.assets
        self._built: dict[int, PathStep] = {}
        for e, ref, s, d, amount, a, stamp in zip(
            unique.tolist(), refs, graph.src[unique].tolist(), graph.dst[unique].tolist(),
            graph.amount[unique].tolist(), graph.asset[unique].tolist(), stamps.tolist(),
            strict=True,
        ):  # fmt: skip
            self._built[e] = PathStep(
                tx_hash=infos[ref].tx_hash, from_address=addresses[s], to_address=addresses[d],
                amount=str(_whole(graph, a, amount)), asset=assets[a].symbol,
                timestamp=stamp.removesuffix("Z") + "+00:00",
            )  # fmt: skip

    def path(self, edges: list[int]) -> tuple[PathStep, ...]:
        return tuple(map(self._built.__getitem__, edges))


def _ts(value: datetime | None) -> int:
    if value is None:
        return int(_NEVER)
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


def _whole(graph: TransferGraph, asset_id: int, scaled: int) -> Decimal:
    """Scaled units to whole units of the asset (exact: an integer times a power of ten)."""
    return Decimal(scaled * 10 ** graph.unit_exp[asset_id]).scaleb(-graph.assets[asset_id].decimals)


def edges_of_tx(graph: TransferGraph, tx_hash: str) -> list[int]:
    """Graph edge ids of one transaction (resolving refs; fine for one-off lookups)."""
    wanted = tx_hash.lower()
    infos = graph.resolve([int(r) for r in graph.ref])
    return [i for i, r in enumerate(graph.ref) if infos[int(r)].tx_hash.lower() == wanted]
