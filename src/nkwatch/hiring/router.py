"""``/api/v1/hiring``: upload applicant records, screen them (a background job), review.

Indicators are leads for verification, never findings: every flag carries its evidence
and the advisory it cites, every cluster the shared facts that link its applications.
The uploaded file is written under a fixed name in a private temp folder; the client's
file name is only used for its suffix after :func:`checked_name` refuses paths.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile

from nkwatch.hiring import report, repository
from nkwatch.hiring.importers import read_applicants
from nkwatch.hiring.sanctions_adapter import screening_options
from nkwatch.hiring.screening import screen
from nkwatch.service.auth import Principal
from nkwatch.service.deps import Analyst, State, Viewer
from nkwatch.service.errors import COMMON_RESPONSES, ApiError
from nkwatch.service.jobs import JobState, Progress
from nkwatch.service.limits import require_multipart
from nkwatch.service.routers.jobs import Job, job_model
from nkwatch.service.state import ServiceState
from nkwatch.service.uploads import checked_name

router = APIRouter(prefix="/api/v1/hiring", tags=["hiring"], responses=COMMON_RESPONSES)

SUFFIXES = (".csv", ".json", ".jsonl")
STORED_RUNS = 20  # runs already in the store that the review queue shows at start-up


def startup(state: ServiceState) -> None:
    """The review queue starts with the newest runs in the store (the bundled example book
    on a fresh start), so it survives a restart and is never empty on first start."""
    store = state.access.view()
    docs: dict[int, dict[str, Any]] = state.cache.setdefault("hiring_docs", {})
    for sid in repository.screening_ids(store, limit=STORED_RUNS):
        docs.setdefault(sid, repository.load_doc(store, sid))


def _run(
    state: ServiceState, who: Principal, name: str, data: bytes, progress: Progress
) -> dict[str, Any]:
    suffix = next(s for s in SUFFIXES if name.lower().endswith(s))
    progress(0.05, "reading applicant records")
    with tempfile.TemporaryDirectory(prefix="nkwatch-hiring-") as tmp:
        path = FilePath(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        dataset = read_applicants(path)
    progress(0.2, f"screening {len(dataset.applicants):,} applicants")
    result = screen(dataset, screening_options(state.cache.get("screener")))
    progress(0.9, "saving the review queue")
    store = state.access.view()
    sid = repository.save(
        store, result, source=name, sha256=hashlib.sha256(data).hexdigest(), actor=who.name
    )
    doc = {"screening_id": sid, "source": name, **report.to_json(result)}
    state.cache.setdefault("hiring_docs", {})[sid] = doc
    state.audit.record(
        actor=who.name,
        action="hiring.screen",
        query={"file": name, "sha256": hashlib.sha256(data).hexdigest()},
        result={"screening_id": sid, **doc["summary"]},
        list_versions=list(result.sanctions_versions),
    )
    return {"screening_id": sid, "summary": doc["summary"]}


def start_screening(state: ServiceState, who: Principal, name: str, data: bytes) -> JobState:
    if not data.strip():
        raise ApiError(400, "empty file", where=name)
    return state.jobs.submit(
        "hiring.screen", who.name, lambda progress: _run(state, who, name, data, progress)
    )


def upload_name(file: UploadFile) -> str:
    name = checked_name(file, "")
    if not name.lower().endswith(SUFFIXES):
        raise ApiError(415, f"expected a .csv, .json or .jsonl file, got {name!r}", where="file")
    return name


@router.post(
    "/screenings", response_model=Job, status_code=202, dependencies=[Depends(require_multipart)]
)
async def upload(
    file: Annotated[
        UploadFile, File(description="Applicants: CSV, JSON, JSON Lines or ATS export")
    ],
    who: Analyst,
    state: State,
) -> Job:
    """Screen applicant records; the job's result names the screening to review."""
    name = upload_name(file)
    return job_model(start_screening(state, who, name, await file.read()))


def screening_doc(state: ServiceState, sid: int) -> dict[str, Any]:
    docs: dict[int, dict[str, Any]] = state.cache.get("hiring_docs", {})
    if sid not in docs:
        raise ApiError(404, f"screening {sid} is not in this server's review queue", where="id")
    return docs[sid]


@router.get("/screenings/{screening_id}")
def get_screening(
    screening_id: Annotated[int, Path(ge=1, le=2**31)], _: Viewer, state: State
) -> dict[str, Any]:
    """The review queue of one run: flagged people and clusters with evidence and sources."""
    return screening_doc(state, screening_id)


@router.get("/items/{item_id}")
def item(
    item_id: Annotated[str, Path(min_length=1, max_length=120, pattern=r"^[\w.:@-]+$")],
    _: Viewer,
    state: State,
    screening: Annotated[int | None, Query(ge=1, le=2**31)] = None,
) -> dict[str, Any]:
    """The stored report of a person (record id) or a cluster (C00001...)."""
    return repository.lookup(state.access.view(), item_id, screening)
