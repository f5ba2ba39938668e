"""The case page's pictures as data: the Cytoscape flow graph and the ECharts Sankey, over
every asset and chain of a report.

Both are built from one list of hops: the report's flows, each on its chain, and its swap,
bridge and refund links (source chain and amount from the link, converted amount on the
target chain) and the departures still in flight ("left for chain X at address Y"). Nodes are
keyed by chain and address, so the same text on two chains is two nodes; the graph groups
them in one box per chain (the chain boundary), and cross-chain links cross the boxes.

A Sankey needs one unit for all its widths, and assets are not priced against each other
here: a link's width is its share (percent) of its asset's traced amount (for a swap or
bridge: of the source asset's), so each asset's band reads as "where its loot went". The
exact amounts are in every tooltip.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from nkwatch.trace.report_model import Flow, TraceReport


@dataclass(frozen=True, slots=True)
class Hop:
    source: str  # node ids
    target: str
    source_chain: str
    target_chain: str
    symbol: str  # the asset that moves (a link: the source asset)
    amount: Decimal  # in ``symbol``
    text: str  # the label: chain, asset, amounts, the link
    hop: int
    time: str
    link: str | None  # swap | bridge | refund | in flight
    tx_hash: str | None = None
    source_address: str = ""
    target_address: str = ""


def _dec(text: str | None) -> Decimal:
    try:
        value = Decimal(text or "0")
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return value if value.is_finite() else Decimal(0)


def short(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}" if len(address) > 14 else address


def node_id(main: str, chain: str, address: str) -> str:
    """The report's own chain keeps bare addresses (stable ids); others are chain-prefixed."""
    return address if chain == main else f"{chain}:{address}"


def hops(report: TraceReport) -> list[Hop]:
    main = report.parameters.chain
    links = {(lk.kind, lk.source.address, lk.target.tx_hash): lk for lk in report.links}
    out: list[Hop] = []
    for f in report.flows:
        if not f.link:
            chain = f.chain or main
            out.append(Hop(node_id(main, chain, f.from_address), node_id(main, chain, f.to),
                           chain, chain, f.symbol, _dec(f.amount), f"{f.amount} {f.symbol}",
                           f.hop, f.time, None, f.tx_hash, f.from_address, f.to))  # fmt: skip
            continue
        out.append(_link_hop(main, f, links.get((f.link, f.from_address, f.tx_hash or ""))))
    for i, fl in enumerate(report.in_flight):
        where = f"{fl.destination_chain or '?'}:{fl.destination_address or '?'}"
        out.append(Hop(node_id(main, fl.source.chain, fl.source.address), f"in-flight:{i}:{where}",
                       fl.source.chain, fl.destination_chain or "?", fl.symbol, _dec(fl.tainted_in),
                       f"in flight via {fl.bridge}: {fl.tainted_in} {fl.symbol} — {fl.summary}",
                       0, "", "in flight", fl.source.tx_hash, fl.source.address,
                       fl.destination_address or "?"))  # fmt: skip
    return out


def _link_hop(main: str, f: Flow, lk: Any) -> Hop:
    target_chain = f.chain or main
    if lk is None:  # a link flow without its link record: the target side only
        return Hop(node_id(main, main, f.from_address), node_id(main, target_chain, f.to), main,
                   target_chain, f.symbol, _dec(f.amount),
                   f"{f.link} → {target_chain}: {f.amount} {f.symbol}", f.hop, f.time, f.link,
                   f.tx_hash, f.from_address, f.to)  # fmt: skip
    s, t = lk.source, lk.target
    text = (f"{f.link} → {t.chain}: {lk.converted} {t.symbol} ← {lk.tainted_in} {s.symbol} "
            f"on {s.chain} (via {lk.via})")  # fmt: skip
    return Hop(node_id(main, s.chain, s.address), node_id(main, t.chain, t.address), s.chain,
               t.chain, s.symbol, _dec(lk.tainted_in), text, f.hop, f.time, f.link, f.tx_hash,
               s.address, t.address)  # fmt: skip


def flow_graph(report: TraceReport) -> dict[str, Any]:
    """Cytoscape elements: one box per chain (when the case spans several), addresses in
    them (seeds and services marked), flows and links as edges."""
    main = report.parameters.chain
    seeds = {node_id(main, main, s.address) for s in report.parameters.seeds if s.address}
    services = {node_id(main, e.chain or main, e.address): e for e in report.endpoints}
    all_hops = hops(report)
    chains = sorted({c for h in all_hops for c in (h.source_chain, h.target_chain)} | {main})
    boxed = len(chains) > 1
    nodes: dict[str, dict[str, Any]] = {}
    if boxed:
        for c in chains:
            nodes[f"chain:{c}"] = {"data": {"id": f"chain:{c}", "label": c, "kind": "chain"}}
    edges = []
    for i, h in enumerate(all_hops):
        ends = ((h.source, h.source_chain, h.source_address),
                (h.target, h.target_chain, h.target_address))  # fmt: skip
        for nid, chain, address in ends:
            if nid not in nodes:
                nodes[nid] = _node(nid, chain, address, seeds, services, boxed)
        edges.append({"data": {
            "id": f"f{i}", "source": h.source, "target": h.target, "label": h.text,
            "hop": h.hop, "time": h.time, "link": h.link, "chain": h.target_chain,
            "from_chain": h.source_chain, "symbol": h.symbol, "tx": h.tx_hash,
            "cross": h.source_chain != h.target_chain,
        }})  # fmt: skip
    return {"elements": [*nodes.values(), *edges], "seeds": sorted(seeds), "chains": chains}


def _node(nid: str, chain: str, address: str, seeds: set[str], services: dict[str, Any],
          boxed: bool) -> dict[str, Any]:  # fmt: skip
    if nid.startswith("in-flight:"):  # in the box of the chain it left for (no data there)
        data = {
            "id": nid,
            "label": f"left for chain {chain}\n{short(address)}",
            "kind": "flight",
            "chain": chain,
        }
        if boxed:
            data["parent"] = f"chain:{chain}"
        return {"data": data}
    svc = services.get(nid)
    kind = "seed" if nid in seeds else (svc.category if svc else "address")
    label = f"{svc.service}\n{short(address)}" if svc else short(address)
    data = {"id": nid, "label": label, "kind": kind, "chain": chain}
    if boxed:
        data["label"] = f"{label}\n[{chain}]"
        data["parent"] = f"chain:{chain}"
    return {"data": data}


def sankey(report: TraceReport) -> dict[str, Any]:
    """Every asset's flows, links and departures in flight; widths in percent of each
    asset's traced amount; edges closing a cycle are dropped (a Sankey is a DAG)."""
    main = report.parameters.chain
    all_hops = [h for h in hops(report) if h.source != h.target and h.amount > 0]
    if not all_hops:
        return {"assets": [], "chains": [], "nodes": [], "links": []}
    base = _bases(report, all_hops)
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    kinds: dict[tuple[str, str], str | None] = {}
    for h in all_hops:
        key = (h.source, h.target)
        totals[key] += h.amount * 100 / base[(h.source_chain, h.symbol)]
        texts[key].append(h.text)
        kinds[key] = kinds.get(key) or h.link
    children: dict[str, set[str]] = defaultdict(set)
    links: list[dict[str, Any]] = []
    for (src, dst), value in sorted(totals.items(), key=lambda kv: -kv[1]):
        if _reaches(children, dst, src):
            continue
        children[src].add(dst)
        links.append({"source": src, "target": dst, "value": float(round(value, 4)) or 1e-4,
                      "text": "; ".join(texts[(src, dst)][:4]), "link": kinds[(src, dst)]})  # fmt: skip
    graph = flow_graph(report)
    labels = {e["data"]["id"]: e["data"]["label"].replace("\n", " ")
              for e in graph["elements"] if "source" not in e["data"]}  # fmt: skip
    names = sorted({str(x) for link in links for x in (link["source"], link["target"])})
    assets = sorted({f"{h.symbol} ({h.source_chain})" for h in all_hops if h.link != "in flight"})
    return {"assets": assets, "chains": graph["chains"], "main": main,
            "nodes": [{"name": n, "label": labels.get(n, short(n))} for n in names],
            "links": links}  # fmt: skip


def _bases(report: TraceReport, all_hops: list[Hop]) -> dict[tuple[str, str], Decimal]:
    """(chain, symbol) -> the amount a 100 % width stands for: the asset's seeded amount,
    else the largest amount one of its hops carried."""
    main = report.parameters.chain
    base: dict[tuple[str, str], Decimal] = {}
    for name, b in report.buckets.items():
        seeded = _dec(b.seeded)
        if seeded > 0:
            base[(b.chain or main, name.split("@")[0])] = seeded
    for h in all_hops:
        key = (h.source_chain, h.symbol)
        if key not in base or base[key] <= 0:
            base[key] = max(base.get(key, Decimal(0)), h.amount)
    return base


def _reaches(children: dict[str, set[str]], start: str, goal: str) -> bool:
    stack, seen = [start], set()
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(children.get(node, ()))
    return False
