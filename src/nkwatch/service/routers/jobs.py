"""``/api/v1/jobs``: progress and results of background jobs (traces, batch screening)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel

from nkwatch.service.deps import State, Viewer
from nkwatch.service.errors import COMMON_RESPONSES, ApiError
from nkwatch.service.jobs import JobState

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], responses=COMMON_RESPONSES)


class Job(BaseModel):
    id: str
    kind: str
    status: str
    progress: float
    message: str
    result: dict[str, Any] | None
    error: str | None


def job_model(job: JobState) -> Job:
    return Job(
        id=job.id,
        kind=job.kind,
        status=job.status,
        progress=job.progress,
        message=job.message,
        result=job.result,
        error=job.error,
    )


@router.get("", response_model=list[Job])
def list_jobs(who: Viewer, state: State) -> list[Job]:
    return [job_model(j) for j in state.jobs.list() if who.role == "admin" or j.owner == who.name]


@router.get("/{job_id}", response_model=Job)
def get_job(
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")], who: Viewer, state: State
) -> Job:
    job = state.jobs.get(job_id)
    if who.role != "admin" and job.owner != who.name:
        raise ApiError(404, f"no job {job_id!r}", where="job")
    return job_model(job)
