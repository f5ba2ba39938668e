"""Request size and time limits, content-type checks and pagination.

The size limit is enforced on the raw ASGI stream, so a lying or missing Content-Length
(chunked upload) cannot get a body larger than the limit into memory.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import parse_qsl

from fastapi import Query, Request
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from nkwatch.service.errors import ApiError, error_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

T = TypeVar("T")


class _TooLarge(StarletteHTTPException):
    """Raised from ``receive``; an HTTPException so body parsers re-raise it unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over the {limit} byte limit")


async def _send_error(send: Send, status: int, message: str) -> None:
    body = json.dumps(error_body(status, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _repeated_query_key(raw: bytes) -> str | None:
    """No endpoint takes a repeated parameter; refusing them stops parameter pollution
    (a proxy reading the first value while the app reads the last)."""
    if not raw:
        return None
    seen: set[str] = set()
    for key, _ in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if key in seen:
            return key
        seen.add(key)
    return None


class LimitsMiddleware:
    """Reject bodies over ``max_body_bytes`` (413) and requests slower than ``timeout_s`` (504)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, timeout_s: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        repeated = _repeated_query_key(scope.get("query_string", b""))
        if repeated is not None:
            await _send_error(send, 422, f"query parameter {repeated!r} given more than once")
            return
        limit = self.max_body_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_error(send, 400, "Content-Length is not a number")
                    return
                if declared > limit:
                    await _send_error(send, 413, f"request body over the {limit} byte limit")
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            async with asyncio.timeout(self.timeout_s):  # no extra task per request (wait_for)
                await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_error(send, 413, f"request body over the {limit} byte limit")
        except TimeoutError:
            if not started:
                await _send_error(send, 504, f"request took longer than {self.timeout_s:g} s")


def require_json(request: Request) -> None:
    """Dependency for JSON endpoints: anything but application/json is a 415, not a 422."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise ApiError(415, "send the body as application/json", where="Content-Type")


def require_multipart(request: Request) -> None:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "multipart/form-data":
        raise ApiError(415, "upload the file as multipart/form-data", where="Content-Type")


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit, offset)


class Page(BaseModel, Generic[T]):
    """One page of a list result; ``total`` counts every item, not just this page."""

    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(items: list[T], page: PageParams) -> Page[T]:
    return Page[T](
        items=items[page.offset : page.offset + page.limit],
        total=len(items),
        limit=page.limit,
        offset=page.offset,
    )
