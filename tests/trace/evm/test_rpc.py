"""The JSON-RPC client against a scripted loopback HTTP server (real sockets, no mocks)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.scenarios.loopback import RpcEndpoint

from nkwatch.errors import UserError
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.evm import wire
from nkwatch.trace.evm.crawler import rpc_source
from nkwatch.trace.evm.rpc import (
    NodeUnavailable,
    RpcClient,
    RpcConfig,
    RpcError,
    backoff_delay,
)

Reply = Callable[[int, list[dict[str, Any]]], tuple[int, Any]]


class Scripted(RpcEndpoint):
    """Answers request n with ``reply(n, batch)`` -> (HTTP status, JSON body or None)."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        super().__init__(self._answer)

    def _answer(self, batch: list[dict[str, Any]]) -> tuple[int, bytes]:
        status, body = self.reply(len(self.requests), batch)
        return status, b"" if body is None else json.dumps(body).encode()


@pytest.fixture()
def serve() -> Iterator[Callable[[Reply], Scripted]]:
    servers: list[Scripted] = []

    def start(reply: Reply) -> Scripted:
        servers.append(Scripted(reply))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def ok(
    batch: list[dict[str, Any]], result: Callable[[dict[str, Any]], Any]
) -> list[dict[str, Any]]:
    return [{"jsonrpc": "2.0", "id": c["id"], "result": result(c)} for c in batch]


def client(url: str, **kw: Any) -> RpcClient:
    sleeps: list[float] = []
    rpc = RpcClient(RpcConfig(url, backoff_base_s=0.01, **kw), sleep=sleeps.append)
    rpc.sleeps = sleeps  # type: ignore[attr-defined]
    return rpc


def test_batch_answers_matched_by_id_even_out_of_order(serve) -> None:
    server = serve(lambda n, b: (200, list(reversed(ok(b, lambda c: c["params"][0])))))
    with client(server.url, batch_size=3) as rpc:
        got = rpc.batch([("echo", [i]) for i in range(7)])
    assert got == list(range(7))
    assert [len(r) for r in server.requests] == [3, 3, 1]


def test_server_errors_and_garbage_are_retried_with_backoff(serve) -> None:
    def reply(n: int, b: list[dict[str, Any]]) -> tuple[int, Any]:
        if n == 1:
            return 502, None
        if n == 2:
            return 429, None
        if n == 3:
            return 200, {"not": "a batch"}
        if n == 4:
            return 200, [
                {
                    "jsonrpc": "2.0",
                    "id": b[0]["id"],
                    "error": {"code": -32005, "message": "rate limited"},
                }
            ]
        return 200, ok(b, lambda c: "0x10")

    server = serve(reply)
    with client(server.url) as rpc:
        assert rpc.call("eth_blockNumber") == "0x10"
        assert rpc.retries == 4 and len(rpc.sleeps) == 4  # type: ignore[attr-defined]
    assert len(server.requests) == 5


def test_method_errors_are_not_retried_and_lenient_batch_keeps_them(serve) -> None:
    def reply(n: int, b: list[dict[str, Any]]) -> tuple[int, Any]:
        out = []
        for c in b:
            if c["method"] == "trace_filter":
                out.append(
                    {
                        "jsonrpc": "2.0",
                        "id": c["id"],
                        "error": {"code": -32601, "message": "Method not found"},
                    }
                )
            else:
                out.append({"jsonrpc": "2.0", "id": c["id"], "result": "0x1"})
        return 200, out

    server = serve(reply)
    with client(server.url) as rpc:
        with pytest.raises(RpcError) as info:
            rpc.call("trace_filter", [{}])
        assert info.value.unsupported and rpc.retries == 0
        mixed = rpc.batch_lenient([("eth_call", []), ("trace_filter", []), ("eth_call", [])])
        assert mixed[0] == "0x1" and isinstance(mixed[1], RpcError) and mixed[2] == "0x1"
    assert len(server.requests) == 2


def test_exhausted_retries_name_the_node_and_timeouts_count(serve) -> None:
    def slow(n: int, b: list[dict[str, Any]]) -> tuple[int, Any]:
        time.sleep(0.3)
        return 200, ok(b, lambda c: 1)

    server = serve(slow)
    with (
        client(server.url, timeout_s=0.05, max_retries=2) as rpc,
        pytest.raises(NodeUnavailable) as info,
    ):
        rpc.call("eth_blockNumber")
    assert info.value.where == server.url and "3 attempts" in info.value.message
    with client("http://127.0.0.1:9", max_retries=1) as rpc, pytest.raises(NodeUnavailable):
        rpc.call("eth_blockNumber")  # nothing listens on the discard port


def test_full_jitter_backoff_is_bounded_and_grows() -> None:
    config = RpcConfig("http://x", backoff_base_s=0.1, backoff_max_s=2.0)
    assert backoff_delay(0, config, lambda: 1.0) == pytest.approx(0.1)
    assert backoff_delay(3, config, lambda: 1.0) == pytest.approx(0.8)
    assert backoff_delay(10, config, lambda: 1.0) == pytest.approx(2.0)
    assert backoff_delay(10, config, lambda: 0.0) == 0.0


def test_rpc_source_checks_url_and_chain(serve, settings: Settings) -> None:
    mainnet = serve(lambda n, b: (200, ok(b, lambda c: "0x1")))
    with open_store(settings) as store:
        with pytest.raises(UserError, match="http"):
            rpc_source(store, "ws://127.0.0.1:1", "ethereum")
        with pytest.raises(UserError, match="serves ethereum .*not bsc"):
            rpc_source(store, mainnet.url, "bsc")
        crawler = rpc_source(store, mainnet.url, "ethereum")
        assert crawler.config.chain == "ethereum"
        crawler.fetcher.rpc.close()


def test_typed_answers_skip_unknown_fields_and_reject_other_shapes(serve) -> None:
    def reply(n: int, b: list[dict[str, Any]]) -> tuple[int, Any]:
        head = {"number": "0x5", "hash": "0xAB", "parentHash": "0xcd", "timestamp": "0x10",
                "transactions": ["0x1"], "extraData": "0x" + "00" * 500}  # fmt: skip
        return 200, ok(b, lambda c: head if c["params"][0] == "0x5" else {"number": 5})

    server = serve(reply)
    with client(server.url) as rpc:
        (head,) = rpc.batch_as([("eth_getBlockByNumber", ["0x5", False])], wire.HEAD)
        assert head is not None and head.header().hash == "0xab" and head.transactions == ("0x1",)
        with pytest.raises(NodeUnavailable, match="eth_getBlockByNumber: unexpected answer"):
            rpc.batch_as([("eth_getBlockByNumber", ["0x6", False])], wire.HEAD)
        assert rpc.retries == 0  # the node's answer, not a transport failure: the caller decides


def test_an_unreachable_node_is_an_operational_failure_exit_69(tmp_path: Path) -> None:
    """Not the user's mistake (exit 2) but something we depend on (exit 69, EX_UNAVAILABLE)."""
    from click.testing import CliRunner

    from nkwatch.cli.main import cli
    from nkwatch.errors import OperationalError

    assert issubclass(NodeUnavailable, OperationalError) and NodeUnavailable.http_status == 503
    args = ["trace", "run", "--seed", "0x" + "11" * 20, "--chain", "eth", "--rpc",
            "http://127.0.0.1:9", "-o", str(tmp_path / "r.json"), "--db", str(tmp_path / "c.duckdb")]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 69, result.output
    assert "unavailable" in result.output and "127.0.0.1:9" in result.output
    assert "Traceback" not in result.output
