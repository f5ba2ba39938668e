"""FastAPI dependencies for authentication, roles and CSRF.

API clients send a key (``Authorization: Bearer nkw_...`` or ``X-API-Key``); browsers send
the session cookie. Cookie-authenticated writes must also carry the session's CSRF token
(form field ``csrf_token`` or header ``X-CSRF-Token``); header keys are not sent by a
browser on its own, so they need none.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from nkwatch.service import auth
from nkwatch.service.auth import Principal, Role
from nkwatch.service.errors import ApiError, LoginRequired
from nkwatch.service.state import ServiceState, get_state

SESSION_COOKIE = "nkw_session"
_SAFE = {"GET", "HEAD", "OPTIONS"}

_bearer = HTTPBearer(auto_error=False, description="API key as a bearer token")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")

State = Annotated[ServiceState, Depends(get_state)]


def _session(request: Request, state: ServiceState) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return auth.session_principal(state.access.view(), token)


async def _check_csrf(request: Request, principal: Principal) -> None:
    if principal.via != "session" or request.method in _SAFE:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            value = (await request.form()).get("csrf_token")
            sent = value if isinstance(value, str) else None
    if not sent or not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
        raise ApiError(403, "missing or wrong CSRF token", where="csrf_token")


def require(role: Role) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the caller must be authenticated with at least ``role``."""

    async def dependency(
        request: Request,
        state: State,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
        header_key: Annotated[str | None, Security(_header)],
    ) -> Principal:
        key = bearer.credentials if bearer is not None else header_key
        if key is not None:
            principal = state.keys.check(key)
            if principal is None:
                raise ApiError(401, "unknown or revoked API key", where="Authorization")
        else:
            session = _session(request, state)
            if session is None:
                raise ApiError(401, "an API key is required", where="Authorization")
            principal = session
        if not principal.role.allows(role):
            raise ApiError(
                403, f"this needs the {role.value} role (you are {principal.role.value})"
            )
        await _check_csrf(request, principal)
        return principal

    dependency.nkwatch_gate = ("api", role)  # type: ignore[attr-defined]  # for route sweeps
    return dependency


Viewer = Annotated[Principal, Depends(require(Role.viewer))]
Analyst = Annotated[Principal, Depends(require(Role.analyst))]
Admin = Annotated[Principal, Depends(require(Role.admin))]


def page_principal(role: Role = Role.viewer) -> Callable[..., Awaitable[Principal]]:
    """For web pages: no session means a redirect to the login page, not a JSON 401."""

    async def dependency(request: Request, state: State) -> Principal:
        principal = _session(request, state)
        if principal is None:
            raise LoginRequired(request.url.path)
        if not principal.role.allows(role):
            raise ApiError(403, f"this page needs the {role.value} role")
        await _check_csrf(request, principal)
        return principal

    dependency.nkwatch_gate = ("page", role)  # type: ignore[attr-defined]
    return dependency


PageViewer = Annotated[Principal, Depends(page_principal(Role.viewer))]
PageAnalyst = Annotated[Principal, Depends(page_principal(Role.analyst))]
PageAdmin = Annotated[Principal, Depends(page_principal(Role.admin))]
