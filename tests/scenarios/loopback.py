"""A scripted JSON-RPC endpoint on loopback: real sockets and HTTP, one function answers.

Shared by the EVM client's tests and the scripted Bitcoin Core node: each POST body is a
JSON-RPC batch, recorded in ``requests`` before ``answer`` turns it into (HTTP status, body)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[list[dict[str, Any]]], tuple[int, bytes]]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the timeout tests) is expected: printing its BrokenPipe
        traceback from this thread would land in whatever a later test captures."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class RpcEndpoint:
    def __init__(self, answer: Answer) -> None:
        self.requests: list[list[dict[str, Any]]] = []
        me = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                me.requests.append(batch)
                status, raw = answer(batch)
                self.send_response(status)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
