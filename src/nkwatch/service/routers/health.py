"""``/health``: the one endpoint that needs no key (load balancers and the start-up wait)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from nkwatch import __version__
from nkwatch.service.deps import State
from nkwatch.service.state import ServiceState

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str
    schema_version: int


def startup(state: ServiceState) -> None:
    state.cache["schema_version"] = state.access.view().schema_version()


@router.get("/health", response_model=Health)
async def health(state: State) -> Health:
    """Liveness: answers from memory (the store is checked and migrated at start-up)."""
    return Health(status="ok", version=__version__, schema_version=state.cache["schema_version"])
