"""How the watch reads the node changes nothing but speed: the same chain followed with no
prefetch and one-block requests, with a deep window of small chunks, and through a node
without ``trace_block`` (geth's call tracer instead) gives the same alerts, taint and cursor,
in the same order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_watch_anvil import Collector, watch_config  # same folder
from tests.scenarios.loopback import Forward, Reply, RpcEndpoint
from tests.scenarios.player import Scenario

from nkwatch.exposure.watch import Watcher
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.evm.devnode import AnvilNode
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig

pytestmark = pytest.mark.slow


def follow(url: str, db: Path, c: dict[str, str], **shape: Any) -> tuple[Any, ...]:
    config = watch_config(c).model_copy(update={"max_blocks_per_step": 7, **shape})
    collector = Collector()
    with open_store(Settings.from_env({}, db_path=db)) as store, RpcClient(RpcConfig(url)) as rpc:
        watcher = Watcher(store, rpc, config, [collector], log=lambda m: None)
        try:
            while watcher.step():
                pass
        finally:
            watcher.close()
        taint = store.query(
            "SELECT incident, address, hops, first_block, first_tx FROM watch_taint ORDER BY ALL"
        )
        return [(a.key, a.transfer_kind) for a, _ in collector.got], taint, watcher.cursor()


def test_prefetch_window_gives_the_same_alerts_taint_and_cursor(
    played: tuple[AnvilNode, Scenario], tmp_path: Path
) -> None:
    node, scenario = played
    c = scenario.contracts
    plain = follow(node.url, tmp_path / "a.duckdb", c, prefetch=0, fetch_chunk=1)
    ahead = follow(node.url, tmp_path / "b.duckdb", c, prefetch=4, fetch_chunk=3)
    assert plain == ahead
    keys, taint, cursor = ahead
    assert len(keys) >= 10 and len(taint) >= 3
    assert cursor is not None and cursor[0] == scenario.last_block


class GethLike:
    """Forwards to anvil but answers ``trace_block`` as geth does: method not found."""

    def __init__(self, upstream: str) -> None:
        self.refused = 0
        self._forward = Forward(upstream)
        self._endpoint = RpcEndpoint(self._answer)
        self.url = self._endpoint.url

    def _answer(self, calls: list[dict[str, Any]]) -> Reply:
        keep = [c for c in calls if c["method"] != "trace_block"]
        answers = [
            {"jsonrpc": "2.0", "id": c["id"],
             "error": {"code": -32601, "message": "the method trace_block does not exist"}}
            for c in calls
            if c["method"] == "trace_block"
        ]  # fmt: skip
        self.refused += len(answers)
        if keep:
            answers += self._forward.batch(keep)
        return 200, json.dumps(answers).encode()

    def close(self) -> None:
        self._endpoint.close()
        self._forward.close()


def test_without_trace_block_the_watch_reads_geth_traces_with_the_same_alerts(
    played: tuple[AnvilNode, Scenario], tmp_path: Path
) -> None:
    node, scenario = played
    geth = GethLike(node.url)
    try:
        direct = follow(node.url, tmp_path / "a.duckdb", scenario.contracts)
        fallback = follow(geth.url, tmp_path / "b.duckdb", scenario.contracts)
    finally:
        geth.close()
    assert geth.refused >= 1  # trace_block was tried, then debug_traceBlockByNumber used
    assert fallback == direct


def test_without_internal_transfers_root_traces_and_receipts_agree(
    played: tuple[AnvilNode, Scenario], tmp_path: Path
) -> None:
    """``internal_transfers: false`` reads statuses from parity root traces where the node
    has them, else from receipts (not geth's call tracer): same alerts either way, and a
    subset of the full watch's (what only internal transfers led to is missing)."""
    node, scenario = played
    c = scenario.contracts
    roots = follow(node.url, tmp_path / "a.duckdb", c, internal_transfers=False)
    geth = GethLike(node.url)
    try:
        receipts = follow(geth.url, tmp_path / "b.duckdb", c, internal_transfers=False)
    finally:
        geth.close()
    assert roots == receipts
    full = follow(node.url, tmp_path / "c.duckdb", c)
    assert all(kind != "internal" for _, kind in roots[0])
    assert set(roots[0]) < set(full[0])  # the vault drain itself is an internal transfer
    assert len(roots[0]) >= 5
