"""The store-owning process's side of ``nkwatch serve``: the private channel, the audit
ingester and the HTTP worker processes it starts, watches and stops.

Started from the app's lifespan (after every router's start-up, so the screener exists)
and stopped before the store closes: workers first, then a final drain of their audit
segments, so every answered decision is in ``audit_log`` when the process exits.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from nkwatch.sanctions import Screener
from nkwatch.service.config import ServiceConfig
from nkwatch.service.dispatch import ConnectionDispatcher
from nkwatch.service.idreserve import IdReserve
from nkwatch.service.ipc import ListsSnapshot, OwnerServer
from nkwatch.service.priority import lower_this_thread
from nkwatch.service.segments import SegmentIngester
from nkwatch.service.state import ServiceState

log = logging.getLogger("nkwatch.service")

MAX_ID_BLOCK = 4096


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs, sent as JSON on its stdin (never on the command line)."""

    index: int
    count: int
    fd: int  # the worker's end of its connection channel (see dispatch.py), inherited
    ipc_path: str
    http_path: str  # the owner's full app, for everything a worker does not answer itself
    authkey_hex: str
    segments: str
    config: dict[str, Any]
    store_path: str = ""  # the owner's store: workers read its persisted name index

    def service_config(self) -> ServiceConfig:
        return ServiceConfig(**self.config)


@dataclass(frozen=True)
class HubPaths:
    """``ipc`` and ``http`` live in one private runtime directory, removed on stop."""

    ipc: Path
    http: Path
    segments: Path
    store: Path | None = None


class OwnerHub:
    """Owns the workers for the life of the app; ``start``/``stop`` from the lifespan."""

    def __init__(
        self,
        paths: HubPaths,
        authkey: bytes,
        public: socket.socket,
        workers: int,
        config: ServiceConfig,
    ) -> None:
        self.paths = paths
        self._authkey = authkey
        self._public = public
        self._dispatcher: ConnectionDispatcher | None = None
        self._count = workers
        self._config = config
        self._procs: list[subprocess.Popen[bytes] | None] = [None] * workers
        self._stopping = threading.Event()
        self._server: OwnerServer | None = None
        self._ingester: SegmentIngester | None = None
        self._ids: IdReserve | None = None
        self._watch: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self, state: ServiceState) -> None:
        if self._config.store_threads:
            # DuckDB runs a checkpoint on all cores by default (up to ~250 ms each as the
            # audit log grows): behind workers that stalls every request for its duration
            state.access.view().conn.execute(f"SET threads = {int(self._config.store_threads)}")
        self._ingester = SegmentIngester(state.access, self.paths.segments)
        self._ingester.start()
        state.ingester = self._ingester
        self._ids = IdReserve(lambda n: _draw_ids(state, n))
        self._ids.start()
        self._server = OwnerServer(
            self.paths.ipc, self._authkey, _handlers(state, self._ids), lambda: _snapshot(state)
        )
        self._dispatcher = ConnectionDispatcher(self._public)
        for i in range(self._count):
            self._procs[i] = self._spawn(i)
        self._watch = threading.Thread(target=self._supervise, name="nkwatch-workers", daemon=True)
        self._watch.start()
        settle_heap()
        # Last, on the event-loop thread: every thread started from now on (request
        # handlers, upload jobs) inherits the lower priority; the ids, key and dispatch
        # threads above, which a worker's request may wait on, keep the workers' priority.
        lower_this_thread(self._config.owner_nice)

    def stop(self) -> None:
        self._stopping.set()
        if self._dispatcher is not None:
            self._dispatcher.close()  # no new connections; workers finish the open ones
        live = [p for p in self._procs if p is not None and p.poll() is None]
        for proc in live:
            proc.send_signal(signal.SIGTERM)
        for proc in live:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._server is not None:
            self._server.close()
        if self._ids is not None:
            self._ids.stop()
        if self._ingester is not None:
            self._ingester.stop()  # the final drain: every answered entry is in the store
        gc.unfreeze()
        # the private runtime directory (uvicorn re-raises the stop signal once the app has
        # shut down, so the supervisor's own clean-up would not run)
        shutil.rmtree(self.paths.ipc.parent, ignore_errors=True)

    # -- worker processes ------------------------------------------------------------
    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        assert self._dispatcher is not None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        spec = WorkerSpec(
            index=index,
            count=self._count,
            fd=theirs.fileno(),
            ipc_path=str(self.paths.ipc),
            http_path=str(self.paths.http),
            authkey_hex=self._authkey.hex(),
            segments=str(self.paths.segments),
            config=dataclasses.asdict(self._config),
            store_path=str(self.paths.store or ""),
        )
        proc = subprocess.Popen(  # our own interpreter and module
            [sys.executable, "-m", "nkwatch.service.worker"],
            stdin=subprocess.PIPE,
            pass_fds=[theirs.fileno()],
        )
        theirs.close()
        self._dispatcher.attach(ours)
        assert proc.stdin is not None
        proc.stdin.write(orjson.dumps(dataclasses.asdict(spec)))
        proc.stdin.close()
        return proc

    def _supervise(self) -> None:
        """Restart a worker that died (its unanswered requests are lost, never its log)."""
        while not self._stopping.wait(1.0):
            for i, proc in enumerate(self._procs):
                if proc is not None and proc.poll() is not None and not self._stopping.is_set():
                    log.error(
                        "worker %d (pid %d) exited with %s; restarting",
                        i,
                        proc.pid,
                        proc.returncode,
                    )
                    self._procs[i] = self._spawn(i)

    def pids(self) -> list[int]:
        return [p.pid for p in self._procs if p is not None]


def settle_heap() -> None:
    """Take what start-up built (lists, indexes, caches: about a million objects) out of
    the cyclic collector's reach, so a full collection never walks them (they are still
    freed by reference counting when replaced). In a worker that pause would hold a
    request; in the owner, whose audit ingester allocates thousands of objects per batch
    (so full collections come every few seconds under load), one held the GIL for 1.4 s
    and with it the channel that hands workers their audit ids."""
    gc.collect()
    gc.freeze()


# -- what workers may ask ------------------------------------------------------------
def _screener(state: ServiceState) -> Screener | None:
    found: Screener | None = state.cache.get("screener")
    return found


def _snapshot(state: ServiceState) -> ListsSnapshot:
    screener = _screener(state)
    if screener is None:
        return ListsSnapshot((), None)
    return ListsSnapshot(tuple(sorted(screener.list_versions)), screener.lists)


def _draw_ids(state: ServiceState, n: int) -> list[int]:
    rows = state.access.view().query("SELECT nextval('audit_log_id') FROM range(?)", [n])
    return sorted(int(r[0]) for r in rows)


def _handlers(state: ServiceState, reserve: IdReserve) -> dict[str, Any]:
    def hello(_: dict[str, Any]) -> dict[str, Any]:
        return {"schema_version": state.cache["schema_version"], "owner_pid": os.getpid()}

    def key(message: dict[str, Any]) -> dict[str, str] | None:
        principal = state.keys.check(str(message["key"]))
        return None if principal is None else {"name": principal.name, "role": principal.role}

    def ids(message: dict[str, Any]) -> list[int]:
        return reserve.take(max(1, min(int(message["n"]), MAX_ID_BLOCK)))

    def lists_key(_: dict[str, Any]) -> list[str]:
        return list(_snapshot(state).key)

    return {"hello": hello, "key": key, "ids": ids, "lists_key": lists_key}
