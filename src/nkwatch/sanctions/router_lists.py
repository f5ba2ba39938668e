"""``/api/v1/lists``: list versions with their provenance, diffs, and updates (admin).

An update downloads the official lists, verifies and imports them in one transaction
(a background job); when it succeeds the in-memory screener is rebuilt for the new
active versions.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query
from pydantic import BaseModel

from nkwatch.sanctions import repository
from nkwatch.sanctions import router_screen as screening
from nkwatch.sanctions.diff import diff_documents
from nkwatch.sanctions.update import update_lists
from nkwatch.service.auth import Principal
from nkwatch.service.deps import Admin, State, Viewer
from nkwatch.service.errors import COMMON_RESPONSES
from nkwatch.service.jobs import Progress
from nkwatch.service.routers.jobs import Job, job_model
from nkwatch.service.state import ServiceState

router = APIRouter(prefix="/api/v1/lists", tags=["lists"], responses=COMMON_RESPONSES)

_REF = Query(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_@#.:-]+$")


class VersionOut(BaseModel):
    version_id: str
    list_id: str
    publisher: str
    published: date
    sha256: str
    imported_at: datetime
    active: bool
    party_count: int
    address_count: int
    relationship_count: int
    source_name: str


def dashboard_panels(state: ServiceState) -> dict[str, Any]:
    """The dashboard's list panel: every stored version with its publisher and issue date."""
    return {
        "lists": [
            {
                "source": f"{v.publisher} ({v.list_id})",
                "version": v.version_id,
                "issued": v.published,
                "entries": v.party_count,
                "addresses": v.address_count,
                "active": v.active,
            }
            for v in versions(state)
        ]
    }


def versions(state: ServiceState) -> list[VersionOut]:
    return [VersionOut(**vars(v)) for v in repository.list_versions(state.access.view())]


@router.get("/versions", response_model=list[VersionOut])
def list_versions(_: Viewer, state: State) -> list[VersionOut]:
    """Every imported version (publisher, publication date, file hash, counts, active)."""
    return versions(state)


@router.get("/diff")
async def diff(
    _: Viewer,
    state: State,
    old: Annotated[str, _REF],
    new: Annotated[str, _REF],
) -> dict[str, Any]:
    """Parties and addresses added, removed and changed between two versions."""

    def run() -> dict[str, Any]:
        store = state.access.view()
        result = diff_documents(
            repository.load_version(store, old), repository.load_version(store, new)
        )
        return result.to_dict()

    return await anyio.to_thread.run_sync(run)


def _update(state: ServiceState, progress: Progress) -> dict[str, Any]:
    progress(0.05, "downloading official lists")
    results = update_lists(state.access.view(), state.settings)
    progress(0.9, "rebuilding the screener")
    screening.refresh(state)
    imported = [vars(r) for r in results]
    state.audit.record(
        actor="system", action="lists.update", query={},
        result={"outcome": "imported", "imported": imported}, list_versions=[],
    )  # fmt: skip
    return {"imported": imported}


@router.post("/update", response_model=Job, status_code=202)
def update(who: Admin, state: State) -> Job:
    """Download, verify and import the official lists (admin; a background job)."""
    principal: Principal = who
    job = state.jobs.submit("lists.update", principal.name, lambda p: _update(state, p))
    state.audit.record(
        actor=principal.name, action="lists.update", query={},
        result={"outcome": "started", "job": job.id}, list_versions=[],
    )  # fmt: skip
    return job_model(job)
