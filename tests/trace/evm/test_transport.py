"""The node transport on a loopback server: keep-alive reuse, a connection the server
dropped while idle replaced without a retry being counted, credentials from the URL."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nkwatch.errors import UserError
from nkwatch.trace.evm.transport import Connections, TransportError


class Server:
    """HTTP/1.1; drops the connection after answering when ``drop_after`` says so."""

    def __init__(self, drop_after: set[int]) -> None:
        self.peers: list[int] = []
        self.auth: list[str | None] = []
        me = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                me.peers.append(self.client_address[1])
                me.auth.append(self.headers.get("Authorization"))
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                # close without saying so: the client finds out on its next request
                self.close_connection = len(me.peers) in drop_after

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.port = self.server.server_address[1]


@pytest.fixture()
def server() -> Iterator[Server]:
    s = Server(drop_after={2})
    yield s
    s.server.shutdown()
    s.server.server_close()


def test_keep_alive_reuse_and_a_dropped_connection_is_replaced(server: Server) -> None:
    conns = Connections(f"http://u%40x:p%3Ass@127.0.0.1:{server.port}/rpc?key=1", 5.0)
    try:
        for i in range(4):
            assert conns.post(b'{"n": %d}' % i) == (200, b'{"n": %d}' % i)
    finally:
        conns.close()
    assert len(server.peers) == 4
    assert server.peers[0] == server.peers[1] != server.peers[2] == server.peers[3]
    assert {base64.b64decode(a.split()[1]) for a in server.auth if a} == {b"u@x:p:ss"}


def test_refused_and_malformed_urls() -> None:
    with pytest.raises(TransportError, match="ConnectionRefused"):
        Connections("http://127.0.0.1:9", 1.0).post(b"{}")
    with pytest.raises(UserError, match="http"):
        Connections("ws://127.0.0.1:1", 1.0)
