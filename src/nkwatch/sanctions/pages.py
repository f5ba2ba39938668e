"""The screening page: one name or address, or a CSV upload run as a job with progress."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.responses import Response

from nkwatch.errors import UserError
from nkwatch.sanctions import batch as sbatch
from nkwatch.sanctions import router_screen as screening
from nkwatch.sanctions.router_batch import start_batch
from nkwatch.service.deps import PageAnalyst, State
from nkwatch.service.errors import ApiError
from nkwatch.service.uploads import read_text
from nkwatch.service.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/screen", response_class=HTMLResponse)
def screen_form(request: Request, who: PageAnalyst) -> Response:
    return render(request, "screen.html", who, form={})


@router.post("/screen", response_class=HTMLResponse)
async def screen_single(
    request: Request,
    state: State,
    who: PageAnalyst,
    name: Annotated[str, Form(max_length=500)] = "",
    address: Annotated[str, Form(max_length=200)] = "",
    type: Annotated[str, Form(max_length=20)] = "",
    country: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    form = {"name": name, "address": address, "type": type, "country": country}
    try:
        found = screening.screener(state)
        if address.strip():
            result = found.screen_address(address.strip())
            action = "screen.address"
        elif name.strip():
            body = screening.NameRequest(
                name=name.strip(), type=type or None, country=country or None
            )
            query = screening.name_query(body)
            result = await anyio.to_thread.run_sync(lambda: found.screen_name(query))
            action = "screen.name"
        else:
            raise UserError("enter a name or an address")
    except (UserError, ApiError, ValidationError) as exc:
        message = exc.message if isinstance(exc, (UserError, ApiError)) else "check the fields"
        return render(request, "screen.html", who, 400, form=form, error=message)
    audit_id = await screening.audit_decision(state, who, action, result)
    out = screening.result_out(result, audit_id)
    return render(request, "screen.html", who, form=form, result=out)


@router.post("/screen/batch", response_class=HTMLResponse)
async def screen_upload(
    request: Request,
    state: State,
    who: PageAnalyst,
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        name, text = await read_text(file, ".csv")
        parsed = sbatch.parse_csv_text(text, name)
        job = start_batch(state, who, name, parsed, None)
    except (UserError, ApiError) as exc:
        return render(request, "screen.html", who, 400, form={}, error=exc.message)
    return render(request, "screen.html", who, form={}, job_id=job.id, upload_name=name)
