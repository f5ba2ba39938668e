"""``/api/v1/trace``: stored trace reports, freeze requests, and new traces as jobs.

A trace runs over the transfers already in the store (imported or crawled), as a
background job with staged progress; its report is stored under a name and is what the
case page, the freeze-request download and the API serve.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from nkwatch.errors import UserError
from nkwatch.service.auth import Principal
from nkwatch.service.deps import Analyst, State, Viewer
from nkwatch.service.errors import COMMON_RESPONSES, ApiError
from nkwatch.service.jobs import Progress
from nkwatch.service.limits import require_json
from nkwatch.service.routers.jobs import Job, job_model
from nkwatch.service.state import ServiceState
from nkwatch.trace.engine import trace
from nkwatch.trace.freeze import freeze_requests, write_freeze_requests
from nkwatch.trace.label_sources import load_label_book
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report import build_report
from nkwatch.trace.repository import (
    REPORT_NAME,
    ReportSummary,
    load_graph,
    load_report,
    report_exists,
    report_summaries,
    save_report,
)

router = APIRouter(prefix="/api/v1/trace", tags=["trace"], responses=COMMON_RESPONSES)

NAME = REPORT_NAME
_NAME_PATH = Path(pattern=NAME)


class SeedIn(BaseModel):
    address: str = Field(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9]+$")
    since: datetime | None = None


class TraceRequest(BaseModel):
    name: str = Field(pattern=NAME, description="Store the report under this name")
    chain: str = Field("ethereum", pattern="^[A-Za-z0-9][A-Za-z0-9-]{0,30}$")
    seeds: list[SeedIn] = Field(min_length=1, max_length=50)
    policy: str = Field("haircut", pattern="^[a-z_]{2,20}$")
    max_hops: int = Field(6, ge=1, le=50)
    min_amount: Decimal = Field(Decimal("0.01"), ge=0, le=10**12)


@router.get("/reports", response_model=list[ReportSummary])
def reports(_: Viewer, state: State) -> list[ReportSummary]:
    return report_summaries(state.access.view())


@router.get("/reports/{name}")
def report(name: Annotated[str, _NAME_PATH], _: Viewer, state: State) -> dict[str, Any]:
    """The full report: parameters (seeds, policy, data version), endpoints, flows, noise."""
    return load_report(state.access.view(), name).to_data()


@router.get("/reports/{name}/freeze")
def freeze(name: Annotated[str, _NAME_PATH], _: Viewer, state: State) -> dict[str, Any]:
    """Freeze requests per service the traced funds reached (addresses, txs, amounts)."""
    return freeze_requests(load_report(state.access.view(), name))


@router.get("/reports/{name}/freeze.zip", response_class=Response)
def freeze_zip(name: Annotated[str, _NAME_PATH], _: Viewer, state: State) -> Response:
    """The freeze requests as Markdown letters + JSON, one pair per service, zipped."""
    found = load_report(state.access.view(), name)
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="nkwatch-freeze-") as tmp:
        files = write_freeze_requests(found, FilePath(tmp))
        if not files:
            raise ApiError(404, "the traced funds reached no service to ask for a freeze")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, arcname=f.name)
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="freeze-requests-{name}.zip"'},
    )


def _run(state: ServiceState, body: TraceRequest, progress: Progress) -> dict[str, Any]:
    store = state.access.view()
    progress(0.1, f"loading the {body.chain} transfer graph")
    graph = load_graph(store, body.chain)
    seeds = [Seed(address=s.address, since=s.since) for s in body.seeds]
    params = TraceParams(
        body.chain, policy=body.policy, max_hops=body.max_hops, min_amount=body.min_amount
    )
    progress(0.4, f"tracing {len(seeds)} seed(s), {body.policy} policy")
    result = trace(graph, seeds, params, labels=load_label_book(store))
    progress(0.85, "building the report")
    doc = build_report(result)
    save_report(store, body.name, doc, overwrite=False)  # a job never replaces a report
    return {"report": body.name, "endpoints": len(doc.endpoints)}


@router.post("/jobs", response_model=Job, status_code=202, dependencies=[Depends(require_json)])
def start_trace(body: TraceRequest, who: Analyst, state: State) -> Job:
    """Trace seeds over the stored transfers as a background job; poll the job for progress."""
    from nkwatch.chains import get_chain
    from nkwatch.trace.policies import get_policy

    try:
        get_policy(body.policy)
    except UserError as exc:  # its message names the known policies
        raise ApiError(422, exc.message, where="policy") from None
    try:  # any spelling (eth, ETH, 1) traces the chain's stored transfers
        body = body.model_copy(update={"chain": get_chain(body.chain).id})
    except UserError as exc:  # its message names the known chains
        raise ApiError(422, exc.message, where="chain") from None
    principal: Principal = who
    detail = {"name": body.name, "chain": body.chain, "policy": body.policy,
              "seeds": [s.address for s in body.seeds]}  # fmt: skip
    if report_exists(state.access.view(), body.name):  # never overwrite a report by its name
        state.audit.record(
            actor=principal.name, action="trace.job", query=detail,
            result={"outcome": "refused: name taken"}, list_versions=[],
        )  # fmt: skip
        raise ApiError(
            409, f"a report named {body.name!r} already exists; choose another name", where="name"
        )
    job = state.jobs.submit("trace", principal.name, lambda p: _run(state, body, p))
    state.audit.record(
        actor=principal.name, action="trace.job", query=detail,
        result={"outcome": "started", "job": job.id}, list_versions=[],
    )  # fmt: skip
    return job_model(job)
