"""An HTTP worker process of ``nkwatch serve`` (``python -m nkwatch.service.worker``).

Each worker holds, in memory, the address and name indexes built from the owner's active
list versions and answers ``/health`` and API-key screening itself: no store, no other
process on the request path except for the audit segment sync. Everything else, and every
request the fast path is not sure about (a cookie session, an unknown key, a body that does
not validate, an unreadable address), is proxied unchanged to the store-owning process,
so errors and edge cases have exactly one implementation.

The verified key -> principal is cached for ``key_cache_ttl_s`` (a revoked key stops
working within that time); the active list versions are polled every ``list_poll_s`` and
a new screener is built off the event loop, then swapped in.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import os
import signal
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from nkwatch import __version__
from nkwatch.errors import UserError
from nkwatch.sanctions import (
    AddressRequest,
    LoadedLists,
    NameIndex,
    NameRequest,
    Screener,
    ScreeningResult,
    decision_summary,
    name_query,
    open_name_index,
    result_out,
)
from nkwatch.service.app import SecurityHeaders
from nkwatch.service.auth import Principal, Role
from nkwatch.service.config import ServiceConfig
from nkwatch.service.dispatch import READY
from nkwatch.service.ipc import OwnerClient
from nkwatch.service.limits import LimitsMiddleware, Message, Receive, Scope, Send
from nkwatch.service.owner import WorkerSpec, settle_heap
from nkwatch.service.proxy import OwnerProxy
from nkwatch.service.segments import SegmentWriter

log = logging.getLogger("nkwatch.service")

M = TypeVar("M", bound=BaseModel)
_JSON = [(b"content-type", b"application/json")]
_MAX_CACHED_KEYS = 10_000


class KeyTTLCache:
    """sha256(key) -> (expiry, principal or None), filled by asking the owner.

    An entry in the second half of its life is *due*: the worker asks the owner again in the
    background and keeps answering from the entry meanwhile, so no request waits for the
    owner while a key is in steady use (a revoked key still stops within ``ttl_s``)."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[bytes, tuple[float, Principal | None]] = {}

    def get(self, digest: bytes) -> tuple[bool, Principal | None, bool]:
        """(known, principal, due for a refresh)."""
        entry = self._entries.get(digest)
        now = time.monotonic()
        if entry is None or entry[0] < now:
            return False, None, False
        return True, entry[1], entry[0] - now < self.ttl_s / 2

    def put(self, digest: bytes, principal: Principal | None) -> None:
        if len(self._entries) >= _MAX_CACHED_KEYS:
            self._entries.clear()  # bounded: unknown keys cannot grow it without limit
        self._entries[digest] = (time.monotonic() + self.ttl_s, principal)


@dataclass
class _Screening:
    key: tuple[str, ...]
    screener: Screener | None


def build_screener(lists: LoadedLists, store_path: str = "") -> Screener:
    """Both indexes ready now: the fast path never waits for a lazy build. The name index is
    read from the file persisted beside the owner's store (built and written if missing)."""
    names = (
        open_name_index(Path(store_path), lists) if store_path else NameIndex.build(lists.parties)
    )
    return Screener.build(lists, names)


class WorkerApp:
    """The ASGI app of one worker (wrapped in the owner's limits and security headers)."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.config: ServiceConfig = spec.service_config()
        self.keys = KeyTTLCache(self.config.key_cache_ttl_s)
        self.proxy = OwnerProxy(spec.http_path, timeout_s=self.config.request_timeout_s)
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="nkwatch-worker")
        # Name matches (milliseconds of CPU each) run here, one at a time, not on the event
        # loop: there every address request that arrived behind one waited for all of it.
        # In a thread the match yields the interpreter lock every switch interval (1 ms in
        # a worker), so the loop keeps answering addresses in between.
        self._names = ThreadPoolExecutor(1, thread_name_prefix="nkwatch-names")
        self._owner: OwnerClient | None = None
        self._audit: SegmentWriter | None = None
        self._screening = _Screening((), None)
        self._health = b""
        self._poller: asyncio.Task[None] | None = None
        self._asking: dict[bytes, asyncio.Future[Principal | None]] = {}

    # -- lifespan --------------------------------------------------------------------
    async def startup(self) -> None:
        loop = asyncio.get_running_loop()
        owner = OwnerClient(Path(self.spec.ipc_path), bytes.fromhex(self.spec.authkey_hex))
        self._owner = owner
        hello = await loop.run_in_executor(self._pool, owner.call, "hello")
        self._health = orjson.dumps(
            {"status": "ok", "version": __version__, "schema_version": hello["schema_version"]}
        )
        snapshot = await loop.run_in_executor(self._pool, owner.lists)
        if snapshot.lists is not None:
            screener = await loop.run_in_executor(
                self._pool, build_screener, snapshot.lists, self.spec.store_path
            )
            self._screening = _Screening(snapshot.key, screener)
        settle_heap()

        async def reserve(n: int) -> list[int]:
            return await loop.run_in_executor(self._pool, owner.reserve_ids, n)

        self._audit = SegmentWriter(
            Path(self.spec.segments), reserve, sync_before_answer=self.config.audit_sync == "sync"
        )
        await self._audit.prime()
        self._poller = asyncio.create_task(self._poll_lists())
        print(  # the start-up line bench and operators wait for
            f"nkwatch: worker {self.spec.index + 1}/{self.spec.count} ready (pid {os.getpid()})",
            file=sys.stderr,
            flush=True,
        )

    async def shutdown(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
        if self._audit is not None:
            await self._audit.close()
        await self.proxy.aclose()
        if self._owner is not None:
            self._owner.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._names.shutdown(wait=False, cancel_futures=True)
        gc.unfreeze()  # let interpreter exit reclaim everything as usual

    async def _poll_lists(self) -> None:
        """A new active list version on the owner: build its screener here, then swap."""
        loop = asyncio.get_running_loop()
        owner = self._owner
        assert owner is not None
        while True:
            await asyncio.sleep(self.config.list_poll_s)
            try:
                key = await loop.run_in_executor(self._pool, owner.lists_key)
                if key == self._screening.key:
                    continue
                snapshot = await loop.run_in_executor(self._pool, owner.lists)
                screener = None
                if snapshot.lists is not None:
                    screener = await loop.run_in_executor(
                        self._pool, build_screener, snapshot.lists, self.spec.store_path
                    )
                self._screening = _Screening(snapshot.key, screener)
                settle_heap()
                log.warning("worker %d: now screening against %s", self.spec.index, snapshot.key)
            except (EOFError, OSError):
                log.error("worker %d: the owner process is gone; stopping", self.spec.index)
                os.kill(os.getpid(), signal.SIGTERM)
                return

    # -- requests --------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if method == "POST" and path == "/api/v1/screen/address":
            await self._screen(scope, receive, send, AddressRequest, self._address)
        elif method == "POST" and path == "/api/v1/screen/name":
            await self._screen(scope, receive, send, NameRequest, self._name)
        elif method == "GET" and path == "/health" and self._health:
            await _answer(send, 200, self._health)
        else:
            await self.proxy(scope, receive, send)

    async def _address(self, screener: Screener, body: AddressRequest) -> ScreeningResult:
        return screener.screen_address(body.address, body.chain)  # microseconds: on the loop

    async def _name(self, screener: Screener, body: NameRequest) -> ScreeningResult:
        loop = asyncio.get_running_loop()  # milliseconds: on the names thread (see __init__)
        return await loop.run_in_executor(
            self._names, lambda: screener.screen_name(name_query(body), threshold=body.threshold)
        )

    async def _screen(
        self, scope: Scope, receive: Receive, send: Send, model: type[M], run: Any
    ) -> None:
        key, json_body = _key_and_type(scope["headers"])
        if key is None or not json_body:
            await self.proxy(scope, receive, send)  # sessions, CSRF and 415s: the owner's
            return
        body = await _read_body(receive)
        screener = self._screening.screener
        principal = await self._principal(key)
        if screener is None or principal is None or not principal.role.allows(Role.analyst):
            await self.proxy(scope, receive, send, body)
            return
        try:
            request = model.model_validate_json(body)
            result: ScreeningResult = await run(screener, request)
        except (ValidationError, UserError):
            await self.proxy(scope, receive, send, body)  # the owner words the 4xx
            return
        assert self._audit is not None
        audit_id = await self._audit.record(
            actor=principal.name,
            action="screen.address" if model is AddressRequest else "screen.name",
            query=result.query,
            result=decision_summary(result),
            list_versions=result.list_versions,
        )
        await _answer(send, 200, result_out(result, audit_id).model_dump_json().encode())

    async def _principal(self, key: str) -> Principal | None:
        digest = hashlib.sha256(key.encode()).digest()
        known, principal, due = self.keys.get(digest)
        if known:
            if due:  # asked again in the background; the cached answer stands until it expires
                self._ask(digest, key)
            return principal
        return await asyncio.shield(self._ask(digest, key))

    def _ask(self, digest: bytes, key: str) -> asyncio.Future[Principal | None]:
        """One question to the owner per key however many requests need it; the answer is
        cached when it arrives, also if the request that asked has gone."""
        asking = self._asking.get(digest)
        if asking is None:
            asking = asyncio.ensure_future(self._ask_owner(digest, key))
            self._asking[digest] = asking
            asking.add_done_callback(lambda done: self._asked(digest, done))
        return asking

    async def _ask_owner(self, digest: bytes, key: str) -> Principal | None:
        assert self._owner is not None
        loop = asyncio.get_running_loop()
        principal = await loop.run_in_executor(self._pool, self._owner.principal, key)
        self.keys.put(digest, principal)
        return principal

    def _asked(self, digest: bytes, done: asyncio.Future[Principal | None]) -> None:
        del self._asking[digest]
        if not done.cancelled() and done.exception() is not None:
            log.warning("worker %d: key check failed: %r", self.spec.index, done.exception())

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:  # reported to the server, which exits
                    log.exception("worker start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _key_and_type(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, bool]:
    """The API key (bearer first, as the owner reads it) and whether the body is JSON."""
    bearer = header = None
    json_body = False
    for name, value in headers:
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credentials:
                bearer = credentials
        elif name == b"x-api-key":
            header = value.decode("latin-1")
        elif name == b"content-type":
            json_body = value.split(b";")[0].strip().lower() == b"application/json"
    return (bearer if bearer is not None else header), json_body


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _answer(send: Send, status: int, payload: bytes) -> None:
    headers = [*_JSON, (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _adopt_connections(server: Any, channel: socket.socket) -> None:
    """Serve each connection the owner passes over ``channel`` (see dispatch.py) with
    uvicorn's own HTTP protocol, exactly as if this process had accepted it."""
    loop = asyncio.get_running_loop()
    config = server.config

    def protocol() -> asyncio.Protocol:
        made: asyncio.Protocol = config.http_protocol_class(
            config=config, server_state=server.server_state, app_state=server.lifespan.state
        )
        return made

    def adopted(task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.warning("could not adopt a connection: %s", task.exception())

    def ready() -> None:
        while True:
            try:
                _, fds, _, _ = socket.recv_fds(channel, 1, 8)
            except BlockingIOError:
                return
            except OSError:
                fds, gone = [], True
            else:
                gone = not fds
            if gone:
                loop.remove_reader(channel.fileno())
                server.should_exit = True  # the owner is gone: finish and stop
                return
            for fd in fds:
                conn = socket.socket(fileno=fd)
                task = loop.create_task(loop.connect_accepted_socket(protocol, conn))
                task.add_done_callback(adopted)

    channel.setblocking(False)
    loop.add_reader(channel.fileno(), ready)
    channel.send(READY)


async def _serve(server: Any, channel: socket.socket) -> None:
    running = asyncio.create_task(server.serve(sockets=[]))  # no listener of its own
    while not server.started:
        if running.done():
            break  # start-up failed; uvicorn reports it
        await asyncio.sleep(0.02)
    else:
        _adopt_connections(server, channel)
    await running


def main() -> None:
    """Entry point: the spec arrives as JSON on stdin, the connection channel as an fd."""
    import uvicorn
    import uvloop

    spec = WorkerSpec(**orjson.loads(sys.stdin.buffer.read()))
    config = spec.service_config()
    # Name matching holds the GIL for milliseconds on the event loop's thread; the audit
    # sync thread must not wait the default 5 ms for it to start or finish a sync.
    sys.setswitchinterval(0.001)
    app = WorkerApp(spec)
    wrapped = SecurityHeaders(
        LimitsMiddleware(
            app, max_body_bytes=config.max_body_bytes, timeout_s=config.request_timeout_s
        )
    )
    server = uvicorn.Server(
        uvicorn.Config(
            wrapped,
            loop="uvloop",
            http="httptools",
            lifespan="on",
            log_level="warning",
            access_log=config.access_log,
            # X-Forwarded-Proto/-For only from the configured reverse proxies: a client on
            # loopback must not make its cookie "Secure" context or its address up
            proxy_headers=bool(config.trusted_proxies),
            forwarded_allow_ips=config.trusted_proxies or "",
            timeout_graceful_shutdown=5,
        )
    )
    uvloop.run(_serve(server, socket.socket(fileno=spec.fd)))


if __name__ == "__main__":
    main()
