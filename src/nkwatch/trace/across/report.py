"""The cross-chain report: the account-model report, the destination chains' reports merged
in (endpoints, buckets, holders and flows carry their chain), and the links with their
evidence, the departures still in flight and the anomalies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TypeVar

from nkwatch.trace.across.model import CrossChainResult, InFlight, Link, Side
from nkwatch.trace.report import build_report, whole
from nkwatch.trace.report_model import (
    Clusters,
    CrossChainAnomaly,
    Endpoint,
    Flow,
    Holding,
    LinkSide,
    TraceReport,
)
from nkwatch.trace.report_model import InFlight as InFlightPart
from nkwatch.trace.report_model import Link as LinkPart

Row = TypeVar("Row", Endpoint, Holding, Flow)


def _side(s: Side) -> LinkSide:
    return LinkSide(chain=s.chain, tx_hash=s.tx_hash, address=s.address, asset=s.asset,
                    symbol=s.symbol)  # fmt: skip


def link_doc(link: Link) -> LinkPart:
    return LinkPart(
        kind=link.kind, via=link.via, hop=link.hop, source=_side(link.source),
        target=_side(link.target),
        tainted_in=whole(link.tainted_in, link.source.decimals),
        total_in=whole(link.total_in, link.source.decimals),
        received=whole(link.received, link.target.decimals),
        converted=whole(link.converted, link.target.decimals),
        carried=whole(link.carried_units, link.target.decimals),
        base_units={"tainted_in": str(link.tainted_in), "total_in": str(link.total_in),
                    "received": str(link.received), "converted": str(link.converted),
                    "carried": str(link.carried_units),
                    "remainder_over_total_in": str(link.remainder)},
        evidence=tuple(link.evidence),
    )  # fmt: skip


def flight_doc(f: InFlight) -> InFlightPart:
    where = f"left for chain {f.dest_chain or '?'} at address {f.dest_address or '?'}"
    return InFlightPart(
        bridge=f.bridge, source=_side(f.source), symbol=f.source.symbol,
        tainted_in=whole(f.tainted_in, f.source.decimals),
        total_in=whole(f.tainted_in if f.total_in == 0 else f.total_in, f.source.decimals),
        destination_chain=f.dest_chain, destination_address=f.dest_address,
        destination_asset=f.dest_asset, memo=f.memo, reason=f.reason,
        summary=f"{where} ({f.reason})",
    )  # fmt: skip


def _tag(rows: Sequence[Row], chain: str) -> list[Row]:
    return [r.model_copy(update={"chain": r.chain or chain}) for r in rows]


def _shift(rows: Sequence[Row], offset: int) -> list[Row]:
    """Hops on a destination chain count on from the bridge link that reached it."""
    return [
        r.model_copy(update={"hop": r.hop + offset})
        if isinstance(r, Flow)
        else r.model_copy(update={"hops": r.hops + offset})
        for r in rows
    ]


def _source_totals(result: CrossChainResult) -> tuple[dict[str, int], dict[str, int]]:
    converted: dict[str, int] = {}
    flying: dict[str, int] = {}
    for link in result.links:
        if link.source.chain == result.evm.graph.chain:
            converted[link.source.asset] = converted.get(link.source.asset, 0) + link.tainted_in
    for f in result.in_flight:
        flying[f.source.asset] = flying.get(f.source.asset, 0) + f.tainted_in
    return converted, flying


def build_cross_report(
    result: CrossChainResult, utxo_reports: dict[str, TraceReport]
) -> TraceReport:
    """One report for the whole case (see the module docstring)."""
    graph = result.evm.graph
    base = build_report(result.evm)
    chain = graph.chain
    endpoints, holders, flows = (
        _tag(base.endpoints, chain), _tag(base.addresses, chain), _tag(base.flows, chain)
    )  # fmt: skip
    buckets, assets = dict(base.buckets), list(base.assets)
    converted, flying = _source_totals(result)
    keys = {a.key: a for a in graph.assets}
    for run in result.evm.runs:
        asset = graph.assets[run.asset_id]
        sym = next((s for s in buckets if s.split("@")[0] == asset.symbol), None)
        if sym is not None and asset.key in keys:
            buckets[sym] = buckets[sym].model_copy(update={
                "converted_or_bridged": whole(converted.get(asset.key, 0), asset.decimals),
                "in_flight": whole(flying.get(asset.key, 0), asset.decimals), "chain": chain,
            })  # fmt: skip
    chains = [chain]
    clusters: dict[str, Clusters] = {}
    for other, sub in utxo_reports.items():
        chains.append(other)
        offset = min((lk.hop for lk in result.links if lk.target.chain == other), default=0)
        endpoints += _tag(_shift(sub.endpoints, offset), other)
        holders += _tag(_shift(sub.addresses, offset), other)
        flows += _tag(_shift(sub.flows, offset), other)
        for sym, b in sub.buckets.items():
            name = sym if sym not in buckets else f"{sym}@{other}"
            buckets[name] = b.model_copy(update={"chain": other})
        assets += [a.model_copy(update={"chain": other}) for a in sub.assets]
        if isinstance(sub.clusters, Clusters):
            clusters[other] = sub.clusters
    links = tuple(link_doc(link) for link in result.links)
    flows += [  # the links themselves, drawn as hops into the destination chain
        Flow(from_address=lk.source.address, to=lk.target.address, symbol=lk.target.symbol,
             amount=whole(lk.converted, lk.target.decimals), hop=lk.hop, time="",
             tx_hash=lk.target.tx_hash, chain=lk.target.chain, link=lk.kind)
        for lk in result.links
    ]  # fmt: skip
    in_flight = tuple(flight_doc(f) for f in result.in_flight)
    update: dict[str, object] = {
        "parameters": base.parameters.model_copy(update={"chains": tuple(chains), "rounds": result.rounds}),
        "assets": tuple(assets), "endpoints": tuple(_destinations(endpoints, links, in_flight)),
        "buckets": buckets, "addresses": tuple(holders), "flows": tuple(flows),
        "links": links, "in_flight": in_flight,
        "noise": base.noise.model_copy(update={
            "crosschain": tuple(CrossChainAnomaly(**asdict(a)) for a in result.anomalies)
        }),
    }  # fmt: skip
    if utxo_reports:
        update["clusters"] = clusters
    return base.model_copy(update=update)


def _destinations(
    endpoints: list[Endpoint], links: tuple[LinkPart, ...], in_flight: tuple[InFlightPart, ...]
) -> list[Endpoint]:
    """A bridge endpoint names where the value went: the chains its links reach, else where
    the departures in flight were headed."""
    out = []
    for e in endpoints:
        if e.category == "bridge":
            senders = {t.from_address for t in e.txs if t.from_address}
            left = [f for f in in_flight if f.source.address in senders]
            gone = [lk for lk in links if lk.kind == "bridge"
                    and lk.source.tx_hash in {t.tx_hash for t in e.txs}]  # fmt: skip
            if gone:
                dest = ", ".join(sorted({f"bridge to {lk.target.chain}" for lk in gone}))
                e = e.model_copy(update={"bridge_destination": dest})
            elif left:
                e = e.model_copy(update={"bridge_destination": "; ".join(f.summary for f in left)})
        out.append(e)
    return out


def markdown_links(report: TraceReport) -> list[str]:
    """The Markdown section on links, value in flight and cross-chain anomalies."""
    if not report.cross_chain:
        return []
    lines = ["", "## Across swaps and chains", ""]
    if not report.links:
        lines.append("No swap or bridge was followed.")
    for lk in report.links:
        s, t = lk.source, lk.target
        lines += [
            f"- **{lk.kind}** via {lk.via} (hop {lk.hop}): {lk.tainted_in} of "
            f"{lk.total_in} {s.symbol} on {s.chain} from `{s.address}` (tx `{s.tx_hash}`) "
            f"→ {lk.converted} of {lk.received} {t.symbol} on {t.chain} to `{t.address}` "
            f"(tx `{t.tx_hash}`)",
        ] + [f"  - evidence: {ev}" for ev in lk.evidence]
    for f in report.in_flight:
        lines.append(f"- **in flight** via {f.bridge}: {f.tainted_in} {f.symbol} {f.summary}")
    for a in report.noise.crosschain:
        lines.append(f"- anomaly ({a.kind}) on {a.chain} tx `{a.tx_hash}`: {a.detail}")
    return lines
