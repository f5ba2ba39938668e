"""Fixtures shared by the EVM, watch and scenario tests: a real anvil node on loopback and a
flaky loopback proxy in front of it. Imported by the conftest.py files that need them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.scenarios.loopback import Forward, LoopbackServer, Reply
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
        self.fail_every = fail_every
        self.dead = False
        self.requests = 0
        self.failures = 0
        self._lock = threading.Lock()
        self._forward = Forward(upstream)
        self._endpoint = LoopbackServer(self._answer)
        self.url = self._endpoint.url

    def _answer(self, body: bytes) -> Reply | None:
        with self._lock:
            self.requests += 1
            n = self.requests
            fail = self.dead or (self.fail_every and n % self.fail_every in (0, 1))
            if fail:
                self.failures += 1
        if fail and (self.dead or n % self.fail_every == 0):
            return 500, b""
        if fail:
            # hang up mid-request, as a node that dies does: the endpoint ignores the dropped
            # connections this leaves on both sides (they are the point of this proxy), so
            # none of their tracebacks lands in a later test's captured output
            return None
        return self._forward(body)

    def close(self) -> None:
        self._endpoint.close()
        self._forward.close()
