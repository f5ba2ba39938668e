"""Fetching ahead changes nothing but speed: the same chain followed with no prefetch and
one-block requests, and with a deep window of small chunks, gives the same alerts, taint
and cursor, in the same order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_watch_anvil import Collector, watch_config  # same folder
from tests.scenarios.player import Scenario

from nkwatch.exposure.watch import Watcher
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.evm.devnode import AnvilNode
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig

pytestmark = pytest.mark.slow


def follow(url: str, db: Path, c: dict[str, str], **shape: int) -> tuple[Any, ...]:
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
        return [a.key for a, _ in collector.got], taint, watcher.cursor()


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
