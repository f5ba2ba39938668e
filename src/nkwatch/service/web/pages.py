"""Core pages: log in / out, the dashboard and the API docs (Swagger UI, vendored)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from nkwatch.service import auth
from nkwatch.service.deps import SESSION_COOKIE, PageViewer, State
from nkwatch.service.security import record_event
from nkwatch.service.web import dashboard
from nkwatch.service.web.render import render

router = APIRouter(include_in_schema=False)

_LOGIN_CSRF = "nkw_login_csrf"


def _secure(request: Request, state: State) -> bool:
    configured = state.config.secure_cookies
    return request.url.scheme == "https" if configured is None else configured


def _safe_next(value: str | None) -> str:
    """Only same-site absolute paths: never an open redirect to another host."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, state: State, next: str = "/") -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", None, login_csrf=token, next=_safe_next(next))
    response.set_cookie(
        _LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request, state)
    )
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    state: State,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=100)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    cookie = request.cookies.get(_LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return render(
            request,
            "login.html",
            None,
            403,
            error="form expired, try again",
            login_csrf=cookie,
            next=_safe_next(next),
        )
    store = state.access.view()
    client = request.client.host if request.client else "?"
    keys = (f"user:{username.lower()}", f"ip:{client}")
    detail = {"username": username, "client": client}
    wait = state.throttle.retry_after(*keys)
    if wait > 0:
        record_event(store, actor=username, action="auth.login", detail=detail, outcome="locked")
        response = render(
            request, "login.html", None, 429,
            error=f"too many failed logins; try again in {int(wait) // 60 + 1} minutes",
            login_csrf=cookie, next=_safe_next(next),
        )  # fmt: skip
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    principal = auth.authenticate_user(store, username, password)
    if principal is None:
        locked = state.throttle.failed(*keys)
        record_event(
            store, actor=username, action="auth.login", detail=detail,
            outcome="failed, now locked" if locked else "failed",
        )  # fmt: skip
        return render(
            request,
            "login.html",
            None,
            401,
            error="wrong user name or password",
            login_csrf=cookie,
            next=_safe_next(next),
        )
    state.throttle.succeeded(keys[0])
    record_event(store, actor=principal.name, action="auth.login", detail=detail)
    token, _ = auth.open_session(store, principal, state.config.session_ttl_s)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=state.config.session_ttl_s,
        httponly=True,
        samesite="strict",
        secure=_secure(request, state),
    )
    response.delete_cookie(_LOGIN_CSRF)
    return response


@router.post("/logout")
def logout(request: Request, state: State, who: PageViewer) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.close_session(state.access.view(), token)
        record_event(state.access.view(), actor=who.name, action="auth.logout", detail={})
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, state: State, who: PageViewer) -> Response:
    data = dashboard.collect(state)
    return render(request, "dashboard.html", who, data=data)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request, who: PageViewer) -> Response:
    return render(request, "docs.html", who)
