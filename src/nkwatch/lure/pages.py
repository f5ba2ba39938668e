"""The lure check page: upload an archive, read the findings (escaped by Jinja autoescape;
no inline script, so the service's CSP holds)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from nkwatch.service.auth import Principal, Role
from nkwatch.service.deps import PageAnalyst, State
from nkwatch.service.errors import ApiError
from nkwatch.service.web.render import NAV, NavItem, templates

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
if not any(item.path == "/lure" for item in NAV):  # until the manifests drive the nav
    NAV.append(NavItem("/lure", "Lure check", Role.analyst))


def _render(request: Request, who: Principal, status: int = 200, **context: Any) -> Response:
    import jinja2

    loader = templates.env.loader
    if not getattr(loader, "_nkwatch_lure", False):
        combined = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)), loader])  # type: ignore[list-item]
        combined._nkwatch_lure = True  # type: ignore[attr-defined]
        templates.env.loader = combined
    from nkwatch.service.web.render import render

    return render(request, "lure.html", who, status, **context)


@router.get("/lure", response_class=HTMLResponse)
def page(request: Request, who: PageAnalyst) -> Response:
    return _render(request, who)


@router.post("/lure", response_class=HTMLResponse)
async def upload(
    request: Request, state: State, who: PageAnalyst, file: Annotated[UploadFile, File()]
) -> Response:
    from starlette.concurrency import run_in_threadpool

    from nkwatch.lure.api import run_check, upload_name

    try:
        name = upload_name(file)
        doc = await run_in_threadpool(run_check, state, who, name, await file.read())
    except ApiError as exc:
        return _render(request, who, 400, error=exc.message)
    return _render(request, who, report=doc)
