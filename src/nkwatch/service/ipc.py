"""The private channel between the store-owning process and the HTTP worker processes.

DuckDB admits one read-write process, so ``nkwatch serve`` runs one *owner* process (the
store, the full app on a private Unix socket) and N *workers* (the public port). Workers
ask the owner, over an authenticated Unix socket (:mod:`multiprocessing.connection`, HMAC
challenge with a per-run random key), only for what they cannot hold themselves: who an
API key belongs to, blocks of audit-log ids, and the active list versions with their
parties. Control messages are JSON; the lists travel as one pickle, owner -> worker only
(the authenticated owner is the only peer a worker ever unpickles from).
"""

from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any

import orjson

from nkwatch.sanctions import LoadedLists
from nkwatch.service.auth import Principal, Role

log = logging.getLogger("nkwatch.service")

Handler = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class ListsSnapshot:
    """The owner's active list versions (sorted ids) and, when asked for, their content."""

    key: tuple[str, ...]
    lists: LoadedLists | None


class OwnerServer:
    """Owner side: one accept thread, one thread per worker connection, JSON ops."""

    def __init__(
        self,
        path: Path,
        authkey: bytes,
        handlers: dict[str, Handler],
        lists: Callable[[], ListsSnapshot],
    ) -> None:
        self._listener = Listener(str(path), family="AF_UNIX", authkey=authkey)
        self._handlers = handlers
        self._lists = lists
        self._pickled: tuple[tuple[str, ...], bytes] | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="nkwatch-ipc", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn = self._listener.accept()
            except OSError:
                if self._closed:
                    return
                log.warning("owner channel: refused a connection that failed the handshake")
                continue
            except Exception:  # AuthenticationError and friends: keep serving
                log.warning("owner channel: refused a connection that failed the handshake")
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        with conn:
            while True:
                try:
                    message = orjson.loads(conn.recv_bytes())
                except (EOFError, OSError):
                    return
                op = message.get("op")
                if op == "lists":
                    key, payload = self._lists_payload()
                    conn.send_bytes(orjson.dumps({"key": list(key), "size": len(payload)}))
                    conn.send_bytes(payload)
                    continue
                handler = self._handlers.get(str(op))
                try:
                    reply = {"ok": handler(message)} if handler else {"error": f"no op {op!r}"}
                except Exception as exc:  # the worker gets the reason, we log it
                    log.exception("owner channel: op %s failed", op)
                    reply = {"error": f"{type(exc).__name__}: {exc}"}
                conn.send_bytes(orjson.dumps(reply))

    def _lists_payload(self) -> tuple[tuple[str, ...], bytes]:
        snapshot = self._lists()
        with self._lock:
            if self._pickled is None or self._pickled[0] != snapshot.key:
                data = b"" if snapshot.lists is None else pickle.dumps(snapshot.lists, protocol=5)
                self._pickled = (snapshot.key, data)
            return self._pickled


class OwnerError(RuntimeError):
    """The owner answered an op with an error (a bug: logged on both sides)."""


class OwnerClient:
    """Worker side: blocking calls over one connection (serialised by a lock; call it from
    a thread, never from the event loop)."""

    def __init__(self, path: Path, authkey: bytes) -> None:
        self._conn = Client(str(path), family="AF_UNIX", authkey=authkey)
        self._lock = threading.Lock()

    def call(self, op: str, **args: Any) -> Any:
        with self._lock:
            self._conn.send_bytes(orjson.dumps({"op": op, **args}))
            reply = orjson.loads(self._conn.recv_bytes())
        if "error" in reply:
            raise OwnerError(reply["error"])
        return reply["ok"]

    def principal(self, key: str) -> Principal | None:
        found = self.call("key", key=key)
        return None if found is None else Principal(found["name"], Role(found["role"]), "key")

    def reserve_ids(self, n: int) -> list[int]:
        return [int(i) for i in self.call("ids", n=n)]

    def lists_key(self) -> tuple[str, ...]:
        return tuple(self.call("lists_key"))

    def lists(self) -> ListsSnapshot:
        with self._lock:
            self._conn.send_bytes(orjson.dumps({"op": "lists"}))
            head = orjson.loads(self._conn.recv_bytes())
            payload = self._conn.recv_bytes()
        lists: LoadedLists | None = (
            pickle.loads(payload) if payload else None
        )  # from the authenticated owner only
        return ListsSnapshot(tuple(head["key"]), lists)

    def close(self) -> None:
        self._conn.close()
