"""Spreads accepted connections over the worker processes, round-robin.

Workers sharing one listening socket balance badly: whichever wakes first accepts every
pending connection (measured: 8 keep-alive connections, 8 on one worker and 0 on the
other), and ``SO_REUSEPORT`` hashing splits a few connections unevenly by chance. So the
owner accepts and hands each connection to the next *ready* worker over a Unix socket pair
(``SCM_RIGHTS``). A worker says it is ready (indexes built) with one byte on its channel;
a closed channel means it is gone. Connections that arrive before any worker is ready wait.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
from collections import deque

log = logging.getLogger("nkwatch.service")

READY = b"r"


class ConnectionDispatcher:
    def __init__(self, public: socket.socket) -> None:
        self._public = public
        public.setblocking(False)
        self._sel = selectors.DefaultSelector()
        self._sel.register(public, selectors.EVENT_READ, "accept")
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._new: deque[socket.socket] = deque()
        self._ready: list[socket.socket] = []
        self._waiting: deque[socket.socket] = deque()
        self._next = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="nkwatch-dispatch", daemon=True)
        self._thread.start()

    def attach(self, channel: socket.socket) -> None:
        """A new worker's end of its channel (thread-safe)."""
        channel.setblocking(False)
        self._new.append(channel)
        self._wake_w.send(b"w")

    def close(self) -> None:
        self._closed = True
        self._wake_w.send(b"x")
        self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            while not self._closed:
                for key, _ in self._sel.select():
                    if key.data == "accept":
                        self._accept()
                    elif key.data == "wake":
                        self._wake_r.recv(4096)
                        while self._new:
                            self._sel.register(self._new.popleft(), selectors.EVENT_READ, "ch")
                    else:
                        self._channel(key.fileobj)  # type: ignore[arg-type]
                self._flush()
        finally:
            for conn in self._waiting:
                conn.close()
            self._sel.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._public.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. out of file descriptors: keep serving the others
                log.error("accept failed: %s", exc)
                return
            if conn.family in (socket.AF_INET, socket.AF_INET6):
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._waiting.append(conn)

    def _channel(self, channel: socket.socket) -> None:
        try:
            data = channel.recv(64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the worker is gone
            self._sel.unregister(channel)
            if channel in self._ready:
                self._ready.remove(channel)
            channel.close()
        elif READY in data and channel not in self._ready:
            self._ready.append(channel)

    def _flush(self) -> None:
        while self._waiting and self._ready:
            conn = self._waiting[0]
            channel = self._ready[self._next % len(self._ready)]
            self._next += 1
            try:
                socket.send_fds(channel, [b"c"], [conn.fileno()])
            except OSError:
                self._ready.remove(channel)  # full or gone: try the next worker
                continue
            self._waiting.popleft()
            conn.close()  # the worker holds its own copy now
