"""Trace case pages: interactive flow graph (Cytoscape), Sankey (ECharts), endpoints,
cross-chain links and freeze-request download. The pictures' data is shaped in
``flowdata`` (plain functions over the report)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from nkwatch.service.deps import PageViewer, State
from nkwatch.service.web.render import render
from nkwatch.trace.flowdata import flow_graph, sankey
from nkwatch.trace.freeze import freeze_requests
from nkwatch.trace.repository import REPORT_NAME, load_report, report_summaries

router = APIRouter(include_in_schema=False)
__all__ = ["flow_graph", "router", "sankey"]


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
