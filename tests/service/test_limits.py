"""The request limits every process applies (owner and workers): time and body size."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from nkwatch.service.limits import LimitsMiddleware, Message


async def _call(app: Any, body_parts: list[bytes]) -> list[Message]:
    sent: list[Message] = []
    parts = list(body_parts)

    async def receive() -> Message:
        chunk = parts.pop(0) if parts else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/x", "headers": [], "query_string": b""}
    await app(scope, receive, send)
    return sent


async def _slow(scope: Any, receive: Any, send: Any) -> None:
    await asyncio.sleep(5)


async def _reader(scope: Any, receive: Any, send: Any) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def test_slow_request_gets_504_in_time() -> None:
    app = LimitsMiddleware(_slow, max_body_bytes=100, timeout_s=0.05)
    loop_time = asyncio.run(_timed(app))
    assert loop_time < 1.0


async def _timed(app: Any) -> float:
    t0 = asyncio.get_running_loop().time()
    sent = await _call(app, [b""])
    assert sent[0]["status"] == 504
    assert json.loads(sent[1]["body"])["error"]["code"] == "timeout"
    return asyncio.get_running_loop().time() - t0


def test_chunked_body_over_the_limit_is_413() -> None:
    app = LimitsMiddleware(_reader, max_body_bytes=10, timeout_s=5)
    sent = asyncio.run(_call(app, [b"12345", b"67890", b"x"]))
    assert sent[0]["status"] == 413
    ok = asyncio.run(_call(app, [b"12345", b"67890"]))
    assert ok[0]["status"] == 200
