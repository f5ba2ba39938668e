"""``nkwatch serve``: one store-owning process plus ``--workers`` HTTP worker processes.

The owner binds the public socket (so a busy port fails at once, with a clear message),
then serves the full app on a private Unix socket in a fresh 0700 runtime directory; its
app lifespan starts the workers (:mod:`nkwatch.service.owner`) and hands them the public
connections round-robin (:mod:`nkwatch.service.dispatch`). Ctrl-C or SIGTERM stops the workers first, then drains their audit segments into
the store, then closes it.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import tempfile
from pathlib import Path

from nkwatch.errors import UserError
from nkwatch.service.app import create_app
from nkwatch.service.config import ServiceConfig
from nkwatch.service.owner import HubPaths, OwnerHub
from nkwatch.service.segments import segment_dir
from nkwatch.settings import Settings


def bind_public(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}", where="--port") from None
    sock.listen(2048)
    return sock


def run(settings: Settings, config: ServiceConfig) -> None:
    """Serve until interrupted (blocking)."""
    import uvicorn

    public = bind_public(config.host, config.port)
    runtime = Path(tempfile.mkdtemp(prefix="nkw-"))  # 0700, short enough for socket paths
    try:
        paths = HubPaths(
            runtime / "owner.ipc",
            runtime / "owner.http",
            segment_dir(settings.db_path),
            settings.db_path,
        )
        hub = OwnerHub(paths, secrets.token_bytes(32), public, config.workers, config)
        app = create_app(settings, config, hub)
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                uds=str(paths.http),
                loop="uvloop",
                http="httptools",
                log_level="warning",
                access_log=config.access_log,
                proxy_headers=True,
                forwarded_allow_ips="*",  # only workers can reach this socket
                timeout_graceful_shutdown=5,
            )
        )
        server.run()
    finally:
        public.close()
        shutil.rmtree(runtime, ignore_errors=True)
