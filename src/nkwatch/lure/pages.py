"""The lure check page: upload an archive, read the findings (escaped by Jinja autoescape;
no inline script or style, so the service's CSP holds)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from nkwatch.lure.api import run_check, upload_name
from nkwatch.service.deps import PageAnalyst, State
from nkwatch.service.errors import ApiError
from nkwatch.service.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/lure", response_class=HTMLResponse)
def page(request: Request, who: PageAnalyst) -> Response:
    return render(request, "lure.html", who)


@router.post("/lure", response_class=HTMLResponse)
async def upload(
    request: Request, state: State, who: PageAnalyst, file: Annotated[UploadFile, File()]
) -> Response:
    try:
        name = upload_name(file)
        doc = await run_in_threadpool(run_check, state, who, name, await file.read())
    except ApiError as exc:
        return render(request, "lure.html", who, 400, error=exc.message)
    return render(request, "lure.html", who, report=doc)
