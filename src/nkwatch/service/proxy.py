"""Reverse proxy from a worker process to the store-owning process's full app.

Everything a worker does not answer from memory (pages, uploads, intel, traces, admin,
cookie sessions, and every request the fast path is not sure about) goes to the owner over
its private Unix socket, streamed both ways. The client's address and scheme travel in
``X-Forwarded-*`` headers that the worker sets itself (any the client sent are dropped),
and the owner trusts them only on that socket.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import orjson

from nkwatch.service.errors import error_body
from nkwatch.service.limits import Receive, Scope, Send

log = logging.getLogger("nkwatch.service")

_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-authenticate",
    b"proxy-authorization",
    b"te",
    b"trailer",
    b"trailers",
    b"transfer-encoding",
    b"upgrade",
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
    b"forwarded",
}
_DROP_BACK = {*_HOP, b"date", b"server"}  # the worker's own server adds these


class OwnerProxy:
    """Talks to the owner at the transport level: an ``httpx.AsyncClient`` would keep a
    cookie jar shared by every client of this worker (one user's session for all)."""

    def __init__(self, uds: str, *, timeout_s: float) -> None:
        self._transport = httpx.AsyncHTTPTransport(
            uds=uds, limits=httpx.Limits(max_connections=64, max_keepalive_connections=16)
        )
        self._timeout = {
            "connect": 5.0,
            "read": timeout_s * 2,
            "write": timeout_s * 2,
            "pool": 10.0,
        }

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def __call__(
        self, scope: Scope, receive: Receive, send: Send, body: bytes | None = None
    ) -> None:
        # surrounding whitespace is not part of a field value (RFC 9110 5.5), and the
        # owner-side client refuses to send it
        headers = [(k, v.strip(b" \t")) for k, v in scope["headers"] if k.lower() not in _HOP]
        client = scope.get("client")
        if client:
            headers.append((b"x-forwarded-for", str(client[0]).encode()))
        headers.append((b"x-forwarded-proto", str(scope.get("scheme", "http")).encode()))
        path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        url = (
            "http://owner"
            + path.decode("latin-1")
            + ("?" + query.decode("latin-1") if query else "")
        )
        content: bytes | AsyncIterator[bytes] = body if body is not None else _stream(receive)
        request = httpx.Request(scope["method"], url, headers=headers, content=content)
        request.extensions["timeout"] = self._timeout
        started = False
        try:
            response = await self._transport.handle_async_request(request)
            try:
                await send(
                    {
                        "type": "http.response.start",
                        "status": response.status_code,
                        "headers": [
                            (k, v) for k, v in response.headers.raw if k.lower() not in _DROP_BACK
                        ],
                    }
                )
                started = True
                async for chunk in response.stream:  # type: ignore[union-attr]
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                await response.aclose()
        except httpx.LocalProtocolError as exc:  # a header the owner's HTTP/1.1 cannot carry
            if not started:
                await _error(send, 400, f"request cannot be forwarded: {exc}")
        except httpx.TransportError as exc:
            log.error("owner process not answering: %s", exc)
            if not started:
                await _error(send, 503, "the service is restarting; try again")


async def _error(send: Send, status: int, message: str) -> None:
    payload = orjson.dumps(error_body(status, message))
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if status == 503:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _stream(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return
