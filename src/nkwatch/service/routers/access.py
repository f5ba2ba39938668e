"""``/api/v1/keys`` and ``/api/v1/me``: who am I, and API key management (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from nkwatch.service import auth
from nkwatch.service.auth import Role
from nkwatch.service.deps import Admin, State, Viewer
from nkwatch.service.errors import COMMON_RESPONSES
from nkwatch.service.limits import require_json

router = APIRouter(prefix="/api/v1", tags=["access"], responses=COMMON_RESPONSES)


class Me(BaseModel):
    principal: str
    role: Role


class KeyRequest(BaseModel):
    role: Role
    label: str = Field("", max_length=100)


class NewKey(BaseModel):
    key: str = Field(description="The full key; shown only now, only its hash is stored")
    role: Role


class KeyInfo(BaseModel):
    key_id: str
    role: Role
    label: str
    created_at: datetime
    revoked: bool


@router.get("/me", response_model=Me)
def me(who: Viewer) -> Me:
    return Me(principal=who.name, role=who.role)


@router.get("/keys", response_model=list[KeyInfo])
def keys(_: Admin, state: State) -> list[KeyInfo]:
    return [KeyInfo(**vars(k)) for k in auth.list_keys(state.access.view())]


@router.post("/keys", response_model=NewKey, status_code=201, dependencies=[Depends(require_json)])
def create_key(body: KeyRequest, who: Admin, state: State) -> NewKey:
    store = state.access.view()
    key = auth.create_key(store, body.role, body.label or f"created by {who.name}", actor=who.name)
    state.keys.reload(store)
    return NewKey(key=key, role=body.role)


@router.delete("/keys/{key_id}", status_code=204)
def revoke_key(
    key_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")], who: Admin, state: State
) -> None:
    store = state.access.view()
    auth.revoke_key(store, key_id, actor=who.name)
    state.keys.reload(store)
