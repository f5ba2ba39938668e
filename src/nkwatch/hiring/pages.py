"""Applicants review queue: upload records, follow the job, review clusters and flags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from nkwatch.hiring import router as hiring
from nkwatch.service.deps import PageAnalyst, PageViewer, State
from nkwatch.service.errors import ApiError
from nkwatch.service.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/applicants", response_class=HTMLResponse)
def applicants(request: Request, state: State, who: PageViewer) -> Response:
    docs = state.cache.get("hiring_docs", {})
    runs = [d for _, d in sorted(docs.items(), reverse=True)]
    return render(request, "applicants.html", who, runs=runs)


@router.post("/applicants", response_class=HTMLResponse)
async def upload(
    request: Request, state: State, who: PageAnalyst, file: Annotated[UploadFile, File()]
) -> Response:
    try:
        name = hiring.upload_name(file)
        job = hiring.start_screening(state, who, name, await file.read())
    except ApiError as exc:
        return render(request, "applicants.html", who, 400, runs=[], error=exc.message)
    return render(request, "applicants.html", who, runs=[], job_id=job.id, upload_name=name)


@router.get("/applicants/{screening_id}", response_class=HTMLResponse)
def review(
    request: Request,
    state: State,
    who: PageViewer,
    screening_id: Annotated[int, Path(ge=1, le=2**31)],
) -> Response:
    doc = hiring.screening_doc(state, screening_id)
    people = {p["id"]: p for p in doc["people"]}
    return render(request, "review.html", who, doc=doc, people=people)
