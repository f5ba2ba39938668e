"""Incident pages: the list of DPRK heists and one incident with facts, sources, addresses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from nkwatch.intel import router as intel
from nkwatch.intel import stats
from nkwatch.service.deps import PageViewer, State
from nkwatch.service.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(request: Request, state: State, who: PageViewer) -> Response:
    data = intel.dataset(state)
    rows = sorted(data.incidents, key=lambda i: i.theft_date, reverse=True)
    names = {a.actor_id: a.name for a in data.actors}
    total = stats.total("all", data.incidents)
    return render(request, "incidents.html", who, incidents=rows, actor_names=names, total=total)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(
    request: Request,
    state: State,
    who: PageViewer,
    incident_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,120}$")],
) -> Response:
    data = intel.dataset(state)
    incident = intel.detail(data, incident_id)
    actors = [a for a in data.actors if a.actor_id in incident.actor_ids]
    links = intel.linked_sanctions(state, incident)
    return render(request, "incident.html", who, incident=incident, actors=actors, sanctions=links)
