"""One error body for every failure: ``{"error": {"status", "code", "message", "where"}}``.

User mistakes (:class:`~nkwatch.errors.UserError`) become 4xx with their one-line message;
anything else is a bug: a 500 with a request id, logged with its traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from nkwatch.boundary import record_internal
from nkwatch.errors import OperationalError, UserError

log = logging.getLogger("nkwatch.service")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    503: "unavailable",
    504: "timeout",
}


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    where: str | None = None


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx answer."""

    error: ErrorDetail


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "unreadable request (e.g. body not UTF-8 JSON)"},
    401: {"model": ErrorBody, "description": "missing, unknown or revoked API key"},
    403: {"model": ErrorBody, "description": "role too low, or missing CSRF token"},
    404: {"model": ErrorBody, "description": "no such record"},
    413: {"model": ErrorBody, "description": "request body over the limit"},
    415: {"model": ErrorBody, "description": "wrong content type"},
    422: {"model": ErrorBody, "description": "invalid input"},
}


class ApiError(Exception):
    """An HTTP failure with a clear message; raised by routers and dependencies."""

    def __init__(self, status: int, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.where = where


class LoginRequired(Exception):
    """A web page was asked for without a session: send the browser to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def error_body(status: int, message: str, where: str | None = None) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "code": _CODES.get(status, "error"),
            "message": message,
            "where": where,
        }
    }


def error_response(status: int, message: str, where: str | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(status, message, where), status_code=status, headers=headers)


def user_error_status(exc: UserError) -> int:
    return exc.http_status


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    errors = exc.errors()
    if not errors:
        return "invalid request", None
    first = errors[0]
    loc = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{first.get('msg', 'invalid value')}{more}", loc or None


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the one error body."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.message, exc.where)

    @app.exception_handler(UserError)
    async def _user(_: Request, exc: UserError) -> Response:
        return error_response(user_error_status(exc), exc.message, exc.where)

    @app.exception_handler(OperationalError)
    async def _unavailable(_: Request, exc: OperationalError) -> Response:
        response = error_response(exc.http_status, exc.message, exc.where)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Response:
        message, where = _validation_message(exc)
        return error_response(422, message, where)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if message == "There was an error parsing the body":
            return error_response(400, "request body could not be read (not UTF-8 JSON?)", "body")
        return error_response(exc.status_code, message)

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={exc.next_path}", status_code=303)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        report = record_internal(exc, context=f"{request.method} {request.url.path}")
        log.error("internal error %s on %s %s", report.ref, request.method, request.url.path)
        return error_response(500, f"internal error (request id {report.ref})")
