"""``/api/v1/screen``: names, crypto addresses and CSV batches against the active lists.

The screener (name + address indexes over the active list versions) is built once and
held in memory; this process owns the store, so it knows when the lists change (an admin
update through ``/api/v1/lists``) and swaps it then. Every decision is appended to the
audit log (who, query, result, list versions) before the answer is sent.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from nkwatch.errors import UserError
from nkwatch.sanctions.model import Identifier, Schema
from nkwatch.sanctions.names import NameQuery
from nkwatch.sanctions.screening import Screener, ScreeningResult
from nkwatch.sanctions.service import DEFAULT_CACHE, ScreenerCache, decision_summary
from nkwatch.service.auth import Principal
from nkwatch.service.deps import Analyst, State
from nkwatch.service.errors import COMMON_RESPONSES, ApiError
from nkwatch.service.limits import require_json
from nkwatch.service.state import ServiceState
from nkwatch.store.audit import AuditRecord

router = APIRouter(prefix="/api/v1/screen", tags=["screening"], responses=COMMON_RESPONSES)

_TYPES = {
    "person": Schema.PERSON,
    "organization": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}


def startup(state: ServiceState) -> None:
    state.cache["screener_cache"] = DEFAULT_CACHE  # process-wide, keyed by version ids
    refresh(state)
    if state.config.warm_indexes:
        # the name index takes a while to build: do it now, not on the first query
        threading.Thread(target=_warm, args=(state,), daemon=True, name="nkwatch-warm").start()


def _warm(state: ServiceState) -> None:
    screener = state.cache.get("screener")
    if screener is not None:
        screener.screen_name(NameQuery("warm up"))


def refresh(state: ServiceState) -> None:
    """(Re)build the screener for the store's active list versions."""
    cache: ScreenerCache = state.cache["screener_cache"]
    try:
        state.cache["screener"] = cache.get(state.access.view())
    except UserError:
        state.cache["screener"] = None  # no lists yet: screening answers 409 until imported


def screener(state: ServiceState) -> Screener:
    found: Screener | None = state.cache.get("screener")
    if found is None:
        raise ApiError(409, "no sanctions lists imported yet; an admin must update the lists")
    return found


# Exactly the dates the matcher accepts: year, year-month or a real calendar day (29 Feb,
# valid only in leap years, is left out so the schema never promises what is refused).
_DOB = (
    r"^[12]\d{3}(-(0[1-9]|1[0-2])|-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])"
    r"|-(0[13-9]|1[0-2])-(29|30)|-(0[13578]|1[02])-31)?$"
)


class NameRequest(BaseModel):
    name: str = Field(
        min_length=1, max_length=500, pattern=r"[^\W_]", examples=["김정은"],
        description="Any script; must contain a letter or digit",
    )  # fmt: skip
    type: str | None = Field(default=None, pattern="^(person|organization|vessel|aircraft)$")
    country: str | None = Field(
        default=None, pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2"
    )
    dob: str | None = Field(default=None, pattern=_DOB, description="ISO 8601, may be partial")
    identifier: str | None = Field(default=None, max_length=100)
    threshold: float | None = Field(default=None, ge=0.5, le=1.0)


class AddressRequest(BaseModel):
    address: str = Field(min_length=1, max_length=200)
    chain: str | None = Field(default=None, max_length=16, pattern="^[A-Za-z0-9_-]+$")


class Explanation(BaseModel):
    feature: str
    value: float
    detail: str


class MatchOut(BaseModel):
    entity_id: str
    list_id: str
    list_version: str
    name: str
    matched_name: str
    score: float
    programs: list[str]
    dprk_linked: bool
    dprk_reasons: list[str]
    related: list[dict[str, Any]]
    explanation: list[Explanation]


class ScreeningOut(BaseModel):
    hit: bool
    query: dict[str, Any]
    threshold: float
    list_versions: list[str]
    matches: list[MatchOut]
    notes: list[str]
    audit_id: int = Field(description="Row of this decision in the audit log")


def result_out(result: ScreeningResult, audit_id: int) -> ScreeningOut:
    matches = []
    for m in result.matches:
        data = m.to_json()
        data["list_id"] = data.pop("list")
        matches.append(
            MatchOut(**data, list_version=m.list_version, dprk_reasons=list(m.dprk.reasons))
        )
    return ScreeningOut(
        hit=result.hit,
        query=result.query,
        threshold=result.threshold,
        list_versions=list(result.list_versions),
        matches=matches,
        notes=list(result.notes),
        audit_id=audit_id,
    )


def name_query(body: NameRequest) -> NameQuery:
    return NameQuery(
        name=body.name,
        schema=_TYPES[body.type] if body.type else None,
        country=body.country.upper() if body.country else None,
        birth_date=body.dob,
        identifiers=(Identifier("id", body.identifier),) if body.identifier else (),
    )


async def audit_decision(
    state: ServiceState, who: Principal, action: str, result: ScreeningResult
) -> int:
    """Write one screening decision to the audit log (with its list versions); its id."""
    future = state.audit.submit(
        AuditRecord(
            actor=who.name,
            action=action,
            query=result.query,
            result=decision_summary(result),
            list_versions=result.list_versions,
        )
    )
    return await asyncio.wrap_future(future)


async def _audited(
    state: ServiceState, who: Principal, action: str, result: ScreeningResult
) -> ScreeningOut:
    return result_out(result, await audit_decision(state, who, action, result))


@router.post("/name", response_model=ScreeningOut, dependencies=[Depends(require_json)])
async def screen_name(body: NameRequest, who: Analyst, state: State) -> ScreeningOut:
    """Screen a name in any script; every match carries the features behind its score."""
    found, query = screener(state), name_query(body)
    result = await anyio.to_thread.run_sync(
        lambda: found.screen_name(query, threshold=body.threshold)
    )
    return await _audited(state, who, "screen.name", result)


@router.post("/address", response_model=ScreeningOut, dependencies=[Depends(require_json)])
async def screen_address(body: AddressRequest, who: Analyst, state: State) -> ScreeningOut:
    """Screen a crypto address (format checked per chain; EVM case-insensitive)."""
    result = screener(state).screen_address(body.address, body.chain)  # a dict lookup
    return await _audited(state, who, "screen.address", result)


def sanctions_by_address(state: ServiceState, address: str) -> list[dict[str, Any]]:
    """Designations listing ``address`` (used by the incident page's linked sanctions)."""
    found: Screener | None = state.cache.get("screener")
    if found is None:
        return []
    try:
        result = found.screen_address(address)
    except UserError:
        return []
    return [
        {
            "address": address,
            "party": m.name,
            "entity_id": m.entity_id,
            "programs": list(m.programs),
            "list_version": m.list_version,
        }
        for m in result.matches
    ]
