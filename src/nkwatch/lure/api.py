"""``/api/v1/lure``: upload an archive (zip, wheel, tar.gz/tgz), get the lure findings.

The body size is capped by the service's limits middleware (``max_body_bytes``); the archive
is written under a fixed name in a private temporary directory (the client's file name is
only echoed back after :func:`checked_name` refused paths) and extracted with the archive
limits of :mod:`nkwatch.lure.extract`. Nothing in it is run.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, UploadFile
from starlette.concurrency import run_in_threadpool

from nkwatch.errors import UserError
from nkwatch.service.auth import Principal
from nkwatch.service.deps import Analyst, State
from nkwatch.service.errors import COMMON_RESPONSES, ApiError
from nkwatch.service.limits import require_multipart
from nkwatch.service.state import ServiceState
from nkwatch.service.uploads import checked_name

router = APIRouter(prefix="/api/v1/lure", tags=["lure"], responses=COMMON_RESPONSES)

SUFFIXES = (".zip", ".whl", ".tar.gz", ".tgz", ".tar")


def upload_name(file: UploadFile) -> str:
    name = checked_name(file, "")
    if not name.lower().endswith(SUFFIXES):
        raise ApiError(
            415, f"expected a .zip, .whl, .tar.gz, .tgz or .tar archive, got {name!r}", where="file"
        )
    return name


def run_check(state: ServiceState, who: Principal, name: str, data: bytes) -> dict[str, Any]:
    import hashlib

    from nkwatch.lure import render
    from nkwatch.lure.check import check_bytes

    if not data:
        raise ApiError(400, "empty file", where=name)
    try:
        report = check_bytes(name, data)
    except UserError as exc:
        raise ApiError(400, exc.message, where=name) from None
    doc = render.to_json(report)
    state.audit.record(
        actor=who.name,
        action="lure.check",
        query={"file": name, "sha256": hashlib.sha256(data).hexdigest()},
        result=doc["summary"],
        list_versions=[],
    )
    return doc


@router.post("/checks", dependencies=[Depends(require_multipart)])
async def check(
    file: Annotated[
        UploadFile, File(description="Repository or package archive (zip, wheel, tar.gz/tgz)")
    ],
    who: Analyst,
    state: State,
) -> dict[str, Any]:
    """Check an archive for DPRK developer-lure traits; findings carry file:line, when the
    code would run, a defanged snippet, what to do and the reports they rest on."""
    name = upload_name(file)
    data = await file.read()
    return await run_in_threadpool(run_check, state, who, name, data)
