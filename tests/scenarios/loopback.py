"""Scripted JSON-RPC endpoints on loopback: real sockets and HTTP, one function answers.

``LoopbackServer`` is the one server, handler and thread; its answer gets each raw POST
body. ``RpcEndpoint`` (the EVM client's tests, the scripted Bitcoin Core node, the geth-like
proxy) parses each body as a JSON-RPC batch and records it in ``requests`` before ``answer``
turns it into (HTTP status, body). ``Forward`` is the answer of a proxy in front of a real
node (the flaky proxy, the geth-like one)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

Reply = tuple[int, bytes]
Answer = Callable[[list[dict[str, Any]]], Reply]
BodyAnswer = Callable[[bytes], Reply | None]
"""The raw POST body -> (HTTP status, body), or None: hang up without answering."""


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the timeout tests, the flaky proxy's clients) is expected:
        printing its BrokenPipe traceback from this thread would land in whatever a later
        test captures."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    def __init__(self, answer: BodyAnswer) -> None:
        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls per request

            def do_POST(self) -> None:
                reply = answer(self.rfile.read(int(self.headers["Content-Length"])))
                if reply is None:  # the connection ends with no status line at all
                    self.close_connection = True
                    return
                status, raw = reply
                self.send_response(status)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class RpcEndpoint(LoopbackServer):
    def __init__(self, answer: Answer) -> None:
        self.requests: list[list[dict[str, Any]]] = []

        def parsed(body: bytes) -> Reply:
            batch = json.loads(body)
            self.requests.append(batch)
            return answer(batch)

        super().__init__(parsed)


class Forward:
    """Passes bodies on to the node at ``upstream`` and its answers back, one at a time
    (``httpx.Client`` is not thread-safe)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self._http = httpx.Client(timeout=30)
        self._lock = threading.Lock()

    def __call__(self, body: bytes) -> Reply:
        with self._lock:
            answer = self._http.post(
                self.upstream, content=body, headers={"Content-Type": "application/json"}
            )
        return 200, answer.content

    def batch(self, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The node's answers to ``calls``, always a list (a lone error object included)."""
        _, raw = self(json.dumps(calls).encode())
        reply = json.loads(raw)
        return reply if isinstance(reply, list) else [reply]

    def close(self) -> None:
        self._http.close()
