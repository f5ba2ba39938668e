"""The trace report: a plain JSON document built from a :class:`TraceResult`.

Keys: ``endpoints`` (per service address: label and its source/confidence, ``amounts`` by
asset symbol as decimal strings in whole units, ``hops``, ``first_seen``, delivering
``txs`` and an example path), ``buckets`` (per asset: seeded, at services, still at
addresses, fees, dust), ``addresses`` (where the rest sits), ``noise`` (fake tokens and
look-alike addresses not followed), ``flows`` (the tainted transfers, for the flow
picture) and ``parameters`` with the data version. Renderers (Markdown/HTML/CSV/SVG) and
freeze requests read this document only, so a saved report can be re-rendered anywhere.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np

from nkwatch import __version__
from nkwatch.trace.engine import AssetRun, TraceResult
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.noise import classify_assets, lookalikes

REPORT_FORMAT = "nkwatch-trace-report/1"
MAX_FLOWS = 400
MAX_ADDRESSES = 100
MAX_TXS = 50


def whole(base: int, decimals: int) -> str:
    """Base units as a plain decimal string in whole units (no exponent, no trailing zeros)."""
    text = format(Decimal(base).scaleb(-decimals).normalize(), "f")
    return text if text != "-0" else "0"


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), UTC).isoformat()


def _path(graph: TransferGraph, run: AssetRun, aid: int) -> list[str]:
    path = [graph.addresses[aid]]
    seen = {aid}
    while (local := int(run.first_edge[aid])) >= 0 and len(path) < 64:
        prev = int(graph.src[run.edges[local]])
        if prev in seen:
            break
        seen.add(prev)
        path.append(graph.addresses[prev])
        aid = prev
    return list(reversed(path))


def _symbols(graph: TransferGraph, runs: list[AssetRun]) -> dict[int, str]:
    names: dict[int, str] = {}
    for run in runs:
        a = graph.assets[run.asset_id]
        name = a.symbol if a.symbol not in names.values() else f"{a.symbol}@{a.contract}"
        names[run.asset_id] = name
    return names


def _endpoints(result: TraceResult, symbols: dict[int, str]) -> list[dict[str, Any]]:
    graph = result.graph
    hits: dict[int, dict[str, Any]] = {}
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
        hit = hits.setdefault(d, {
            "address": graph.addresses[d], "service": label.service, "category": label.category,
            "confidence": label.confidence, "label_source": label.source, "label_date": label.source_date,
            "detail": label.detail, "entered_mixer": label.category == "mixer",
            "bridge_destination": label.detail if label.category == "bridge" else None,
            "amounts": {}, "_base": {}, "hops": int(run.hop[d]), "first_seen": _iso(graph.ts[e]),
            "txs": [], "example_path": _path(graph, run, d),
        })  # fmt: skip
        hit["hops"] = min(hit["hops"], int(run.hop[d]))
        hit["first_seen"] = min(hit["first_seen"], _iso(graph.ts[e]))
        local = int(np.searchsorted(run.edges, e))
        amount = graph.base_units(run.asset_id, int(run.out_taint[local]))
        sym = symbols[run.asset_id]
        hit["_base"][sym] = hit["_base"].get(sym, 0) + amount
        hit["amounts"][sym] = whole(hit["_base"][sym], asset.decimals)
        info = refs.get(int(graph.ref[e]))
        if len(hit["txs"]) < MAX_TXS:
            hit["txs"].append({
                "tx_hash": info.tx_hash if info else None, "block": info.block if info else None,
                "time": _iso(graph.ts[e]), "from": graph.addresses[int(graph.src[e])],
                "symbol": sym, "amount": whole(amount, asset.decimals),
            })  # fmt: skip
        hit["tx_count"] = hit.get("tx_count", 0) + 1
    out = []
    for hit in hits.values():
        hit.pop("_base")
        out.append(hit)
    return sorted(out, key=lambda h: (h["hops"], h["first_seen"], h["address"]))


def _buckets(result: TraceResult, symbols: dict[int, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for aid, b in result.buckets.items():
        dec = result.graph.assets[aid].decimals
        out[symbols[aid]] = {
            "seeded": whole(b.seeded, dec), "at_services": whole(b.at_services, dec),
            "at_addresses": whole(b.at_addresses, dec), "fees": whole(b.fees, dec), "dust": whole(b.dust, dec),
        }  # fmt: skip
    return out


def _holders(result: TraceResult, symbols: dict[int, str]) -> list[dict[str, Any]]:
    graph = result.graph
    rows: list[dict[str, Any]] = []
    for run in result.runs:
        held = np.flatnonzero(run.taint > 0)
        held = held[
            ~np.isin(
                held, np.fromiter(result.endpoint_labels, np.int64, len(result.endpoint_labels))
            )
        ]
        top = held[np.argsort(-run.taint[held], kind="stable")][:MAX_ADDRESSES]
        for aid in top.tolist():
            rows.append({
                "address": graph.addresses[aid], "symbol": symbols[run.asset_id],
                "amount": whole(graph.base_units(run.asset_id, int(run.taint[aid])), graph.assets[run.asset_id].decimals),
                "hops": int(run.hop[aid]),
                "frontier": bool(run.frozen[aid] or run.hop[aid] >= result.params.max_hops),
            })  # fmt: skip
    return rows


def _flows(result: TraceResult, symbols: dict[int, str]) -> list[dict[str, Any]]:
    graph = result.graph
    rows: list[tuple[int, dict[str, Any]]] = []
    for run in result.runs:
        tainted = np.flatnonzero(run.flag == 1)
        order = tainted[np.argsort(-run.out_taint[tainted], kind="stable")][:MAX_FLOWS]
        for local in order.tolist():
            e = int(run.edges[local])
            s, d = int(graph.src[e]), int(graph.dst[e])
            amount = graph.base_units(run.asset_id, int(run.out_taint[local]))
            rows.append((amount, {
                "from": graph.addresses[s], "to": graph.addresses[d], "symbol": symbols[run.asset_id],
                "amount": whole(amount, graph.assets[run.asset_id].decimals), "hop": int(run.hop[d]),
                "time": _iso(graph.ts[e]),
            }))  # fmt: skip
    rows.sort(key=lambda r: -r[0])
    return [r for _, r in rows[:MAX_FLOWS]]


def _flagged(result: TraceResult) -> list[dict[str, Any]]:
    """Reached addresses with sanctions or incident labels (shown, not endpoints)."""
    graph = result.graph
    reached: dict[int, int] = {}
    for run in result.runs:
        for aid in np.flatnonzero(run.hop >= 0).tolist():
            reached[aid] = min(reached.get(aid, 99), int(run.hop[aid]))
    out = []
    for aid, hop in sorted(reached.items(), key=lambda x: x[1]):
        for lb in result.labels.labels(graph.chain, graph.addresses[aid]):
            if lb.category in ("sanctioned", "incident"):
                out.append({"address": graph.addresses[aid], "hops": hop, "service": lb.service,
                            "category": lb.category, "confidence": lb.confidence, "source": lb.source,
                            "date": lb.source_date})  # fmt: skip
    return out[:200]


def _noise(graph: TransferGraph) -> dict[str, Any]:
    counts = np.bincount(graph.asset, minlength=len(graph.assets))
    tokens = [
        {"symbol": graph.assets[v.asset_id].symbol, "contract": graph.assets[v.asset_id].contract,
         "verdict": v.kind, "reason": v.reason, "transfers": int(counts[v.asset_id])}
        for v in classify_assets(graph) if v.kind in ("fake", "unverified")
    ]  # fmt: skip
    looks = [
        {"address": x.address, "imitates": x.imitates, "transfers": x.transfers}
        for x in lookalikes(graph)
    ]
    return {"fake_tokens": tokens, "lookalike_addresses": looks}


def build_report(result: TraceResult) -> dict[str, Any]:
    graph = result.graph
    symbols = _symbols(graph, result.runs)
    assets = [
        {"symbol": symbols[r.asset_id], "contract": graph.assets[r.asset_id].contract,
         "decimals": graph.assets[r.asset_id].decimals, "exact_to_base_units": 10 ** graph.unit_exp[r.asset_id]}
        for r in result.runs
    ]  # fmt: skip
    seeds = [
        {
            k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in asdict(s).items()
            if v is not None
        }
        for s in result.seeds
    ]
    return {
        "format": REPORT_FORMAT,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": {
            **result.params.as_dict(),
            "seeds": seeds,
            "data_version": graph.data_version,
            "nkwatch_version": __version__,
            "transfers_examined": result.examined,
            "elapsed_s": round(result.elapsed_s, 4),
        },
        "assets": assets,
        "endpoints": _endpoints(result, symbols),
        "buckets": _buckets(result, symbols),
        "addresses": _holders(result, symbols),
        "flagged_addresses": _flagged(result),
        "flows": _flows(result, symbols),
        "noise": _noise(graph),
    }
