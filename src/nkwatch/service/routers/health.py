"""``/health``: the one endpoint that needs no key (load balancers and the start-up wait)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from nkwatch import __version__
from nkwatch.service.deps import State

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str
    schema_version: int


@router.get("/health", response_model=Health)
def health(state: State) -> Health:
    return Health(
        status="ok", version=__version__, schema_version=state.access.view().schema_version()
    )
