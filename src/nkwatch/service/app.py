"""The FastAPI application factory: ``create_app(settings, config)``, no module globals.

One process owns the DuckDB store (DuckDB admits one read-write process); blocking work
runs on a bounded pool of ``config.workers`` threads, each with its own cursor.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from types import ModuleType
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from nkwatch import __version__, capabilities
from nkwatch.capability import split_target
from nkwatch.service import errors
from nkwatch.service.access import StoreAccess
from nkwatch.service.auditlog import AuditWriter
from nkwatch.service.auth import KeyCache
from nkwatch.service.config import ServiceConfig
from nkwatch.service.deps import Viewer
from nkwatch.service.jobs import JobManager
from nkwatch.service.limits import ASGIApp, LimitsMiddleware, Message, Receive, Scope, Send
from nkwatch.service.state import ServiceState
from nkwatch.service.web import STATIC_DIR
from nkwatch.settings import Settings

if TYPE_CHECKING:
    from nkwatch.service.owner import OwnerHub

log = logging.getLogger("nkwatch.service")

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'"
)
_HEADERS = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Plain ASGI wrapper (cheaper than BaseHTTPMiddleware) adding the same headers everywhere."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name for name, _ in headers}
                for name, value in _HEADERS:
                    if name in names or (static and name == b"cache-control"):
                        continue
                    headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _routers() -> list[tuple[ModuleType, APIRouter]]:
    """Every installed capability's routers (API and pages), with the module each lives in;
    a capability whose pip extra is missing is left out with one log line."""
    found: list[tuple[ModuleType, APIRouter]] = []
    for cap in capabilities.load():
        if not capabilities.installed(cap):
            log.warning("%s: not served, needs pip install 'nkwatch[%s]'", cap.name, cap.requires)
            continue
        for target in cap.routers:
            module_name, attr = split_target(target)
            module = importlib.import_module(module_name)
            found.append((module, getattr(module, attr)))
    return found


def _static_folders() -> list[tuple[str, str]]:
    """Each installed capability's ``static/`` folder (beside its templates), served at
    ``/static/<capability>/``; the host's own files stay at ``/static/``."""
    found: list[tuple[str, str]] = []
    for cap in capabilities.load():
        if cap.templates is None or not capabilities.installed(cap):
            continue
        folder = resources.files(cap.templates) / "static"
        if folder.is_dir():
            found.append((cap.name, str(folder)))
    return found


def create_app(
    settings: Settings, config: ServiceConfig | None = None, hub: OwnerHub | None = None
) -> FastAPI:
    """Build the service for one store; the store is opened when the app starts.

    With a ``hub`` (``nkwatch serve``) this app is the store owner behind worker processes:
    the hub starts them once every router is ready and stops them before the store closes.
    """
    config = config or ServiceConfig()
    routers = _routers()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, config.workers)
        access = StoreAccess(settings)
        keys = KeyCache()
        keys.reload(access.view())
        state = ServiceState(
            settings=settings,
            config=config,
            access=access,
            keys=keys,
            audit=AuditWriter(access),
            jobs=JobManager(workers=max(1, config.workers)),
            cache={},
        )
        app.state.nk = state
        try:
            for module in dict.fromkeys(module for module, _ in routers):
                startup: Callable[[ServiceState], Any] | None = getattr(module, "startup", None)
                if startup is not None:
                    startup(state)
            if hub is not None:
                hub.start(state)
            yield
        finally:
            if hub is not None:
                hub.stop()
            state.close()

    app = FastAPI(
        title="nkwatch",
        version=__version__,
        description="Sanctions screening, DPRK threat intel, fund tracing, exposure and "
        "hiring screening. Every endpoint but /health needs an API key.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(_: Viewer) -> JSONResponse:
        """The OpenAPI 3 document; like everything but /health it needs a key or session."""
        return JSONResponse(app.openapi())

    errors.install(app)
    for _, router in routers:
        app.include_router(router)
    for name, folder in _static_folders():  # before /static, which would match them first
        app.mount(f"/static/{name}", StaticFiles(directory=folder), name=f"static-{name}")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        LimitsMiddleware,
        max_body_bytes=config.max_body_bytes,
        timeout_s=config.request_timeout_s,
    )
    app.add_middleware(SecurityHeaders)
    return app
