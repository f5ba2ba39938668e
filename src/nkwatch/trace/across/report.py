"""The cross-chain report: the account-model report, the destination chains' reports merged
in (endpoints, buckets, holders and flows carry their chain), and the links with their
evidence, the departures still in flight and the anomalies."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from nkwatch.trace.across.model import CrossChainResult, InFlight, Link, Side
from nkwatch.trace.report import build_report, whole


def _side(s: Side) -> dict[str, Any]:
    return {"chain": s.chain, "tx_hash": s.tx_hash, "address": s.address, "asset": s.asset,
            "symbol": s.symbol}  # fmt: skip


def link_doc(link: Link) -> dict[str, Any]:
    return {
        "kind": link.kind, "via": link.via, "hop": link.hop, "source": _side(link.source),
        "target": _side(link.target),
        "tainted_in": whole(link.tainted_in, link.source.decimals),
        "total_in": whole(link.total_in, link.source.decimals),
        "received": whole(link.received, link.target.decimals),
        "converted": whole(link.converted, link.target.decimals),
        "carried": whole(link.carried_units, link.target.decimals),
        "base_units": {"tainted_in": str(link.tainted_in), "total_in": str(link.total_in),
                       "received": str(link.received), "converted": str(link.converted),
                       "carried": str(link.carried_units),
                       "remainder_over_total_in": str(link.remainder)},
        "evidence": list(link.evidence),
    }  # fmt: skip


def flight_doc(f: InFlight) -> dict[str, Any]:
    where = f"left for chain {f.dest_chain or '?'} at address {f.dest_address or '?'}"
    return {
        "bridge": f.bridge, "source": _side(f.source), "symbol": f.source.symbol,
        "tainted_in": whole(f.tainted_in, f.source.decimals),
        "total_in": whole(f.tainted_in if f.total_in == 0 else f.total_in, f.source.decimals),
        "destination_chain": f.dest_chain, "destination_address": f.dest_address,
        "destination_asset": f.dest_asset, "memo": f.memo, "reason": f.reason,
        "summary": f"{where} ({f.reason})",
    }  # fmt: skip


def _tag(rows: list[dict[str, Any]], chain: str) -> list[dict[str, Any]]:
    return [{**r, "chain": r.get("chain", chain)} for r in rows]


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
    result: CrossChainResult, utxo_reports: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """One document for the whole case (see the module docstring)."""
    graph = result.evm.graph
    report = build_report(result.evm)
    chain = graph.chain
    for key in ("endpoints", "addresses", "flows"):
        report[key] = _tag(report[key], chain)
    converted, flying = _source_totals(result)
    keys = {a.key: a for a in graph.assets}
    for run in result.evm.runs:
        asset = graph.assets[run.asset_id]
        sym = next(
            (s for s, b in report["buckets"].items() if s.split("@")[0] == asset.symbol), None
        )
        if sym is not None and asset.key in keys:
            report["buckets"][sym]["converted_or_bridged"] = whole(
                converted.get(asset.key, 0), asset.decimals
            )
            report["buckets"][sym]["in_flight"] = whole(flying.get(asset.key, 0), asset.decimals)
            report["buckets"][sym]["chain"] = chain
    chains = [chain]
    for other, sub in utxo_reports.items():
        chains.append(other)
        offset = min((lk.hop for lk in result.links if lk.target.chain == other), default=0)
        report["endpoints"] += _tag(_shift(sub["endpoints"], offset), other)
        report["addresses"] += _tag(_shift(sub["addresses"], offset), other)
        report["flows"] += _tag(_shift(sub["flows"], offset, "hop"), other)
        for sym, b in sub["buckets"].items():
            name = sym if sym not in report["buckets"] else f"{sym}@{other}"
            report["buckets"][name] = {**b, "chain": other}
        report["assets"] += [{**a, "chain": other} for a in sub["assets"]]
        report.setdefault("clusters", {})[other] = sub.get("clusters", {})
    report["parameters"]["chains"] = chains
    report["parameters"]["rounds"] = result.rounds
    report["links"] = [link_doc(link) for link in result.links]
    report["flows"] += [
        {"from": lk.source.address, "to": lk.target.address, "symbol": lk.target.symbol,
         "amount": whole(lk.converted, lk.target.decimals), "hop": lk.hop,
         "time": "", "tx_hash": lk.target.tx_hash, "chain": lk.target.chain, "link": lk.kind}
        for lk in result.links
    ]  # fmt: skip
    report["in_flight"] = [flight_doc(f) for f in result.in_flight]
    report["noise"]["crosschain"] = [asdict(a) for a in result.anomalies]
    for e in report["endpoints"]:
        if e["category"] == "bridge":
            left = [f for f in report["in_flight"] if f["source"]["address"] in _senders(e)]
            gone = [lk for lk in report["links"] if lk["kind"] == "bridge"
                    and lk["source"]["tx_hash"] in {t["tx_hash"] for t in e["txs"]}]  # fmt: skip
            if gone:
                e["bridge_destination"] = ", ".join(
                    sorted({f"bridge to {lk['target']['chain']}" for lk in gone})
                )
            elif left:
                e["bridge_destination"] = "; ".join(f["summary"] for f in left)
    return report


def _shift(rows: list[dict[str, Any]], offset: int, key: str = "hops") -> list[dict[str, Any]]:
    """Hops on a destination chain count on from the bridge link that reached it."""
    return [{**r, key: r[key] + offset} if key in r else r for r in rows]


def _senders(endpoint: dict[str, Any]) -> set[str]:
    return {t["from"] for t in endpoint["txs"] if t.get("from")}


def markdown_links(report: dict[str, Any]) -> list[str]:
    """The Markdown section on links, value in flight and cross-chain anomalies."""
    if "links" not in report:
        return []
    lines = ["", "## Across swaps and chains", ""]
    if not report["links"]:
        lines.append("No swap or bridge was followed.")
    for lk in report["links"]:
        s, t = lk["source"], lk["target"]
        lines += [
            f"- **{lk['kind']}** via {lk['via']} (hop {lk['hop']}): {lk['tainted_in']} of "
            f"{lk['total_in']} {s['symbol']} on {s['chain']} from `{s['address']}` (tx `{s['tx_hash']}`) "
            f"→ {lk['converted']} of {lk['received']} {t['symbol']} on {t['chain']} to `{t['address']}` "
            f"(tx `{t['tx_hash']}`)",
        ] + [f"  - evidence: {ev}" for ev in lk["evidence"]]
    for f in report.get("in_flight", []):
        lines.append(
            f"- **in flight** via {f['bridge']}: {f['tainted_in']} {f['symbol']} {f['summary']}"
        )
    for a in report["noise"].get("crosschain", []):
        lines.append(f"- anomaly ({a['kind']}) on {a['chain']} tx `{a['tx_hash']}`: {a['detail']}")
    return lines
