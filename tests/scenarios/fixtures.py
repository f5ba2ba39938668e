"""Fixtures shared by the EVM, watch and scenario tests: a real anvil node on loopback and a
flaky loopback proxy in front of it. Imported by the conftest.py files that need them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from tests.scenarios.player import REPO, Scenario, load_artefacts, play

from nkwatch.trace.evm.devnode import AnvilNode, DevChain, find_anvil, start_anvil
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig


def anvil_binary() -> Path:
    return find_anvil(REPO)


@pytest.fixture()
def anvil(tmp_path: Path) -> Iterator[AnvilNode]:
    node = start_anvil(anvil_binary(), log=tmp_path / "anvil.log")
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture()
def chain(anvil: AnvilNode) -> Iterator[DevChain]:
    with RpcClient(RpcConfig(anvil.url)) as rpc:
        yield DevChain(rpc, load_artefacts())


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AnvilNode, Scenario]]:
    """One anvil per test module with the laundering scenario already mined."""
    log = tmp_path_factory.mktemp("anvil") / "anvil.log"
    node = start_anvil(anvil_binary(), log=log)
    try:
        with RpcClient(RpcConfig(node.url)) as rpc:
            scenario = play(DevChain(rpc, load_artefacts()))
        yield node, scenario
    finally:
        node.stop()


class FlakyProxy:
    """Forwards JSON-RPC POSTs to ``upstream``; ``fail_every`` n-th request answers 500 and
    the next one is cut off without an answer; ``dead`` makes every request fail."""

    def __init__(self, upstream: str, fail_every: int = 0) -> None:
        self.upstream = upstream
        self.fail_every = fail_every
        self.dead = False
        self.requests = 0
        self.failures = 0
        self._lock = threading.Lock()
        proxy = self

        upstream_http = httpx.Client(timeout=30)
        self._upstream_http = upstream_http

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls per request

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with proxy._lock:
                    proxy.requests += 1
                    n = proxy.requests
                    fail = proxy.dead or (proxy.fail_every and n % proxy.fail_every in (0, 1))
                    if fail:
                        proxy.failures += 1
                if fail and (proxy.dead or n % proxy.fail_every == 0):
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if fail:  # drop the connection mid-request
                    self.connection.close()
                    return
                with proxy._lock:  # httpx.Client is not thread-safe
                    answer = upstream_http.post(
                        proxy.upstream, content=body, headers={"Content-Type": "application/json"}
                    ).content
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda request, address: None  # type: ignore[method-assign]  # dropped connections are the point
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._upstream_http.close()
