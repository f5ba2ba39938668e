"""``/api/v1/exposure``: DPRK-linked exposure of an address or transaction; watch alerts.

An :class:`~nkwatch.exposure.service.ExposureService` (risk book + one chain's transfer
graph) is built on the first query for a chain and kept; it holds one store cursor, so
queries to it are serialised by a lock. Every decision is audit-logged by the service.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from nkwatch.chains import get_chain
from nkwatch.errors import UserError
from nkwatch.exposure.service import ExposureConfig, ExposureService
from nkwatch.service.auth import Principal
from nkwatch.service.deps import Analyst, State, Viewer
from nkwatch.service.errors import COMMON_RESPONSES
from nkwatch.service.limits import require_json
from nkwatch.service.state import ServiceState
from nkwatch.store import audit

router = APIRouter(prefix="/api/v1/exposure", tags=["exposure"], responses=COMMON_RESPONSES)

_LOCK = "exposure_lock"


class ExposureRequest(BaseModel):
    chain: str = Field("ethereum", pattern="^[A-Za-z0-9][A-Za-z0-9-]{0,30}$")
    address: str | None = Field(default=None, min_length=3, max_length=100)
    tx_hash: str | None = Field(default=None, min_length=3, max_length=100)


def startup(state: ServiceState) -> None:
    state.cache[_LOCK] = threading.Lock()
    state.cache["exposure"] = {}


def screen(state: ServiceState, who: Principal, body: ExposureRequest) -> dict[str, Any]:
    """Blocking: build (once per chain) and query the exposure index."""
    with state.cache[_LOCK]:
        services: dict[str, ExposureService] = state.cache["exposure"]
        chain = get_chain(body.chain).id  # one service per chain, whatever the spelling
        service = services.get(chain)
        if service is None:
            service = ExposureService(state.access.view(), chain, ExposureConfig())
            services[chain] = service
        # this thread's own cursor: the one the service was built with belongs to another
        # thread, which may be using it for another request right now (DuckDB connections
        # are not thread-safe; sharing it gave 500s under mixed load)
        service.store = state.access.view()
        service.config = replace(service.config, actor=who.name)
        if body.tx_hash:
            result = service.tx(body.tx_hash, where="tx_hash")
        elif body.address:
            result = service.address(body.address, where="address")
        else:
            raise UserError("give an address or a tx_hash")
        return result.to_json()


@router.post("", dependencies=[Depends(require_json)])
async def exposure(body: ExposureRequest, who: Analyst, state: State) -> dict[str, Any]:
    """Exposure of an address (or the transfers of a transaction) to DPRK-linked sources,
    with the rule decision, the sources reached, their share, hops and an example path."""
    return await anyio.to_thread.run_sync(lambda: screen(state, who, body))


@router.get("/alerts")
def alerts(
    _: Viewer,
    state: State,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    """Latest alerts from ``nkwatch watch`` (written to the audit log by its audit sink)."""
    rows = audit.entries(state.access.view(), limit=limit, action="watch.alert")
    return [{"id": e.id, "at": e.occurred_at, "watch": e.actor, "alert": e.result} for e in rows]
