"""The trace report, built in one place for both ledger models: :func:`build_report` turns
an account :class:`~nkwatch.trace.engine.TraceResult` or a UTXO
:class:`~nkwatch.trace.utxo.UtxoTrace` into a :class:`~nkwatch.trace.report_model.TraceReport`.

Sections: ``endpoints`` (per service address: label and its source/confidence, ``amounts`` by
asset symbol as decimal strings in whole units, ``hops``, ``first_seen``, delivering ``txs``
and an example path), ``buckets`` (per asset: seeded, at services, still at addresses, fees,
dust), ``addresses`` (where the rest sits), ``noise`` (fake tokens and look-alike addresses
not followed), ``flows`` (the tainted transfers, for the flow picture) and ``parameters``
with the data version. Renderers (Markdown/HTML/CSV/SVG) and freeze requests read the model
only, so a saved report can be re-rendered anywhere.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from nkwatch import __version__
from nkwatch.trace.engine import AssetRun, TraceResult
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.labels import Label
from nkwatch.trace.noise import classify_assets, lookalikes
from nkwatch.trace.report_model import (
    REPORT_FORMAT,
    AssetInfo,
    Bucket,
    Clusters,
    CoinJoin,
    DeliveryTx,
    Endpoint,
    FakeToken,
    FlaggedAddress,
    Flow,
    Holding,
    Lookalike,
    Noise,
    Parameters,
    SeedInfo,
    TraceReport,
)
from nkwatch.trace.tally import EndpointLabel, EndpointTally, whole
from nkwatch.trace.utxo import UTXO_DECIMALS, UtxoTrace

__all__ = ["MAX_ADDRESSES", "MAX_FLOWS", "MAX_TXS", "REPORT_FORMAT", "build_report", "whole"]

MAX_FLOWS = 400
MAX_ADDRESSES = 100
MAX_TXS = 50


def build_report(result: TraceResult | UtxoTrace) -> TraceReport:
    """The report of a trace, account or UTXO model alike."""
    if isinstance(result, UtxoTrace):
        return _utxo_report(result)
    return _account_report(result)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), UTC).isoformat()


# -- account model ----------------------------------------------------------------------------
def _path(graph: TransferGraph, run: AssetRun, aid: int) -> tuple[str, ...]:
    path = [graph.addresses[aid]]
    seen = {aid}
    while (local := int(run.first_edge[aid])) >= 0 and len(path) < 64:
        prev = int(graph.src[run.edges[local]])
        if prev in seen:
            break
        seen.add(prev)
        path.append(graph.addresses[prev])
        aid = prev
    return tuple(reversed(path))


def _symbols(graph: TransferGraph, runs: list[AssetRun]) -> dict[int, str]:
    names: dict[int, str] = {}
    for run in runs:
        a = graph.assets[run.asset_id]
        name = a.symbol if a.symbol not in names.values() else f"{a.symbol}@{a.contract}"
        names[run.asset_id] = name
    return names


def _endpoints(result: TraceResult, symbols: dict[int, str]) -> list[Endpoint]:
    graph = result.graph
    hits: dict[int, EndpointTally] = {}
    deliveries: list[tuple[int, int, int]] = []  # (graph edge, endpoint, run index)
    for k, run in enumerate(result.runs):
        tainted = np.flatnonzero(run.flag == 1)
        dsts = graph.dst[run.edges[tainted]]
        for local, d in zip(tainted.tolist(), dsts.tolist(), strict=True):
            if d in result.endpoint_labels:
                deliveries.append((int(run.edges[local]), d, k))
    refs = graph.resolve(sorted({int(graph.ref[e]) for e, _, _ in deliveries}))
    for e, d, k in deliveries:
        run = result.runs[k]
        asset = graph.assets[run.asset_id]
        label = result.endpoint_labels[d]
        time = _iso(graph.ts[e])
        hit = hits.get(d)
        if hit is None:
            hit = hits[d] = EndpointTally(
                graph.addresses[d],
                EndpointLabel(label.service, label.category, label.confidence, label.source,
                              label.source_date, label.detail),
                int(run.hop[d]), time, _path(graph, run, d),
                bridge_destination=_unknown_destination(label) if label.category == "bridge" else None,
            )  # fmt: skip
        hit.first_seen = min(hit.first_seen, time)
        local = int(np.searchsorted(run.edges, e))
        amount = graph.base_units(run.asset_id, int(run.out_taint[local]))
        sym = symbols[run.asset_id]
        info = refs.get(int(graph.ref[e]))
        tx = DeliveryTx(
            tx_hash=info.tx_hash if info else None, block=info.block if info else None, time=time,
            from_address=graph.addresses[int(graph.src[e])], symbol=sym,
            amount=whole(amount, asset.decimals),
        )  # fmt: skip
        hit.add(tx, amount, asset.decimals, int(run.hop[d]), max_txs=MAX_TXS)
    out = [hit.endpoint() for hit in hits.values()]
    return sorted(out, key=lambda h: (h.hops, h.first_seen, h.address))


def _buckets(result: TraceResult, symbols: dict[int, str]) -> dict[str, Bucket]:
    out: dict[str, Bucket] = {}
    for aid, b in result.buckets.items():
        dec = result.graph.assets[aid].decimals
        out[symbols[aid]] = Bucket(
            seeded=whole(b.seeded, dec), at_services=whole(b.at_services, dec),
            at_addresses=whole(b.at_addresses, dec), fees=whole(b.fees, dec), dust=whole(b.dust, dec),
        )  # fmt: skip
    return out


def _holders(result: TraceResult, symbols: dict[int, str]) -> list[Holding]:
    graph = result.graph
    rows: list[Holding] = []
    labelled = np.fromiter(result.endpoint_labels, np.int64, len(result.endpoint_labels))
    for run in result.runs:
        held = np.flatnonzero(run.taint > 0)
        held = held[~np.isin(held, labelled)]
        top = held[np.argsort(-run.taint[held], kind="stable")][:MAX_ADDRESSES]
        decimals = graph.assets[run.asset_id].decimals
        for aid in top.tolist():
            rows.append(Holding(
                address=graph.addresses[aid], symbol=symbols[run.asset_id],
                amount=whole(graph.base_units(run.asset_id, int(run.taint[aid])), decimals),
                hops=int(run.hop[aid]),
                frontier=bool(run.frozen[aid] or run.hop[aid] >= result.params.max_hops),
            ))  # fmt: skip
    return rows


def _flows(result: TraceResult, symbols: dict[int, str]) -> list[Flow]:
    graph = result.graph
    rows: list[tuple[int, Flow]] = []
    for run in result.runs:
        tainted = np.flatnonzero(run.flag == 1)
        order = tainted[np.argsort(-run.out_taint[tainted], kind="stable")][:MAX_FLOWS]
        for local in order.tolist():
            e = int(run.edges[local])
            s, d = int(graph.src[e]), int(graph.dst[e])
            amount = graph.base_units(run.asset_id, int(run.out_taint[local]))
            rows.append((amount, Flow(
                from_address=graph.addresses[s], to=graph.addresses[d], symbol=symbols[run.asset_id],
                amount=whole(amount, graph.assets[run.asset_id].decimals), hop=int(run.hop[d]),
                time=_iso(graph.ts[e]),
            )))  # fmt: skip
    rows.sort(key=lambda r: -r[0])
    return [r for _, r in rows[:MAX_FLOWS]]


def _flagged(result: TraceResult) -> list[FlaggedAddress]:
    """Reached addresses with sanctions or incident labels (shown, not endpoints)."""
    graph = result.graph
    reached: dict[int, int] = {}
    for run in result.runs:
        for aid in np.flatnonzero(run.hop >= 0).tolist():
            reached[aid] = min(reached.get(aid, 99), int(run.hop[aid]))
    out: list[FlaggedAddress] = []
    for aid, hop in sorted(reached.items(), key=lambda x: x[1]):
        for lb in result.labels.labels(graph.chain, graph.addresses[aid]):
            if lb.category in ("sanctioned", "incident"):
                out.append(FlaggedAddress(
                    address=graph.addresses[aid], hops=hop, service=lb.service,
                    category=lb.category, confidence=lb.confidence, source=lb.source,
                    date=lb.source_date,
                ))  # fmt: skip
    return out[:200]


def _noise(graph: TransferGraph) -> Noise:
    counts = np.bincount(graph.asset, minlength=len(graph.assets))
    tokens = [
        FakeToken(symbol=graph.assets[v.asset_id].symbol, contract=graph.assets[v.asset_id].contract,
                  verdict=v.kind, reason=v.reason, transfers=int(counts[v.asset_id]))
        for v in classify_assets(graph) if v.kind in ("fake", "unverified")
    ]  # fmt: skip
    looks = [
        Lookalike(address=x.address, imitates=x.imitates, transfers=x.transfers)
        for x in lookalikes(graph)
    ]
    return Noise(fake_tokens=tuple(tokens), lookalike_addresses=tuple(looks))


def _seed_info(seed: object) -> SeedInfo:
    """The seed's given fields (None ones left out), times and amounts as text."""
    given: dict[str, object] = {}
    for k, v in asdict(seed).items():  # type: ignore[call-overload]
        if v is None:
            continue
        if isinstance(v, datetime):
            v = v.isoformat()
        elif isinstance(v, Decimal):
            v = str(v)
        given[k] = v
    return SeedInfo.model_validate(given)


def _account_report(result: TraceResult) -> TraceReport:
    graph = result.graph
    symbols = _symbols(graph, result.runs)
    assets = [
        AssetInfo(symbol=symbols[r.asset_id], contract=graph.assets[r.asset_id].contract,
                  decimals=graph.assets[r.asset_id].decimals,
                  exact_to_base_units=10 ** graph.unit_exp[r.asset_id])
        for r in result.runs
    ]  # fmt: skip
    params = Parameters.model_validate({
        **result.params.as_dict(),
        "seeds": [_seed_info(s) for s in result.seeds],
        "data_version": graph.data_version,
        "nkwatch_version": __version__,
        "transfers_examined": result.examined,
        "elapsed_s": round(result.elapsed_s, 4),
    })  # fmt: skip
    return TraceReport(
        format=REPORT_FORMAT, generated_at=_now(), parameters=params, assets=tuple(assets),
        endpoints=tuple(_endpoints(result, symbols)), buckets=_buckets(result, symbols),
        addresses=tuple(_holders(result, symbols)), flagged_addresses=tuple(_flagged(result)),
        flows=tuple(_flows(result, symbols)), noise=_noise(graph),
    )  # fmt: skip


# -- UTXO model -------------------------------------------------------------------------------
def _utxo_report(result: UtxoTrace) -> TraceReport:
    params = Parameters.model_validate({
        **result.params.as_dict(),
        "seeds": [SeedInfo(address=s.address, tx_hash=s.tx_hash) for s in result.seeds],
        "data_version": f"{result.params.chain}: {result.n_txs} transactions",
        "nkwatch_version": __version__,
        "model": "utxo",
    })  # fmt: skip
    dec = UTXO_DECIMALS
    symbol = result.symbol
    hits = sorted(result.endpoints.values(), key=lambda e: (e.hops, e.first_seen))
    at_services = sum(e.total for e in hits)
    holders: dict[str, list[int]] = {}
    for value, hop, address in result.taint.values():
        holders.setdefault(address, [0, hop])[0] += value
    top = sorted(holders.items(), key=lambda x: -x[1][0])[:MAX_ADDRESSES]
    clusters = result.clusters
    return TraceReport(
        format=REPORT_FORMAT, generated_at=_now(), parameters=params,
        assets=(AssetInfo(symbol=symbol, contract=None, decimals=dec, exact_to_base_units=1),),
        endpoints=tuple(e.endpoint() for e in hits),
        buckets={symbol: Bucket(
            seeded=whole(result.seeded, dec), at_services=whole(at_services, dec),
            at_addresses=whole(sum(v[0] for v in result.taint.values()), dec),
            fees=whole(result.fees, dec), dust=whole(result.dust, dec),
        )},
        addresses=tuple(
            Holding(address=a, symbol=symbol, amount=whole(v, dec), hops=h,
                    frontier=h >= result.params.max_hops, cluster=clusters.get(a))
            for a, (v, h) in top
        ),
        flows=tuple(result.flows), noise=Noise(fake_tokens=(), lookalike_addresses=()),
        clusters=Clusters(
            seed_clusters={s.address: clusters.get(s.address) for s in result.seeds if s.address},
            coinjoins=tuple(CoinJoin(tx_hash=h, kind=k) for h, k in result.coinjoins),
        ),
    )  # fmt: skip


def _unknown_destination(label: Label) -> str:
    """A bridge known from a label only (no decoded departure: a cross-chain trace replaces
    this with "bridge to <chain>" or "left for chain X at address Y" when the data says)."""
    said = f" ({label.detail})" if label.detail else ""
    return f"entered bridge {label.service}, destination unknown: no bridge event or memo in the data{said}"
