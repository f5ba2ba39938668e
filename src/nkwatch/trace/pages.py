"""Trace case pages: interactive flow graph (Cytoscape), Sankey (ECharts), endpoints and
freeze-request download. The graph data is shaped here, in plain functions over the report."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from nkwatch.service.deps import PageViewer, State
from nkwatch.service.web.render import render
from nkwatch.trace.freeze import freeze_requests
from nkwatch.trace.report_model import TraceReport
from nkwatch.trace.repository import REPORT_NAME, load_report, report_summaries

router = APIRouter(include_in_schema=False)


def _amount(text: str) -> float:
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return 0.0


def _short(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}" if len(address) > 14 else address


def flow_graph(report: TraceReport) -> dict[str, Any]:
    """Cytoscape elements: addresses as nodes (seeds, services marked), flows as edges."""
    seeds = {s.address for s in report.parameters.seeds}
    services = {e.address: e for e in report.endpoints}
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    chain_of = {f.to: f.chain for f in report.flows if f.chain and not f.link}
    chain_of.update({f.from_address: f.chain for f in report.flows if f.chain and not f.link})
    chains = len(set(chain_of.values())) > 1
    for i, f in enumerate(report.flows):
        for addr in (f.from_address, f.to):
            if addr not in nodes:
                svc = services.get(addr)
                kind = "seed" if addr in seeds else (svc.category if svc else "address")
                label = f"{svc.service}\n{_short(addr)}" if svc else _short(addr)
                if chains and addr in chain_of:  # a cross-chain case: say which chain
                    label += f"\n[{chain_of[addr]}]"
                nodes[addr] = {"data": {"id": addr, "label": label, "kind": kind,
                                        "chain": chain_of.get(addr)}}  # fmt: skip
        link = f"{f.link} → {f.chain}: " if f.link else ""
        edges.append({"data": {
            "id": f"f{i}", "source": f.from_address, "target": f.to,
            "label": f"{link}{f.amount} {f.symbol}", "hop": f.hop, "time": f.time,
            "link": f.link, "chain": f.chain,
        }})  # fmt: skip
    return {"elements": [*nodes.values(), *edges], "seeds": sorted(seeds - {None})}


def sankey(report: TraceReport) -> dict[str, Any]:
    """Sankey of the largest asset's flows; edges closing a cycle are dropped (Sankey is a DAG)."""
    per_symbol: dict[str, float] = defaultdict(float)
    for f in report.flows:
        per_symbol[f.symbol] += _amount(f.amount)
    if not per_symbol:
        return {"symbol": None, "nodes": [], "links": []}
    symbol = max(per_symbol, key=lambda s: per_symbol[s])
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for f in report.flows:
        if f.symbol == symbol and f.from_address != f.to:
            totals[(f.from_address, f.to)] += _amount(f.amount)
    children: dict[str, set[str]] = defaultdict(set)
    links: list[dict[str, Any]] = []
    for (src, dst), value in sorted(totals.items(), key=lambda kv: -kv[1]):
        if _reaches(children, dst, src):
            continue
        children[src].add(dst)
        links.append({"source": src, "target": dst, "value": round(value, 6)})
    names = sorted({str(x) for link in links for x in (link["source"], link["target"])})
    services = {e.address: e.service for e in report.endpoints}
    nodes = [{"name": n, "label": services.get(n, _short(n))} for n in names]
    return {"symbol": symbol, "nodes": nodes, "links": links}


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


@router.get("/cases", response_class=HTMLResponse)
def cases(request: Request, state: State, who: PageViewer) -> Response:
    return render(request, "cases.html", who, reports=report_summaries(state.access.view()))


@router.get("/cases/{name}", response_class=HTMLResponse)
def case(
    request: Request,
    state: State,
    who: PageViewer,
    name: Annotated[str, Path(pattern=REPORT_NAME)],
) -> Response:
    report = load_report(state.access.view(), name)
    return render(
        request,
        "case.html",
        who,
        case_name=name,
        report=report,
        graph=flow_graph(report),
        sankey=sankey(report),
        freeze=freeze_requests(report),
    )
