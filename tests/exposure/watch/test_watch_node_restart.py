"""The watch keeps running while its node is stopped and restarted from saved state."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_watch_anvil import Collector, Running, watch_config  # same folder
from tests.scenarios.fixtures import anvil_binary
from tests.scenarios.player import ETH, deploy, load_artefacts, play

from nkwatch.exposure.watch import Watcher
from nkwatch.store import Store
from nkwatch.trace.evm.devnode import DevChain, start_anvil
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig

pytestmark = pytest.mark.slow


def test_watch_survives_node_restart(tmp_path: Path, store: Store) -> None:
    state = tmp_path / "state.json"
    keep = ["--dump-state", str(state), "--preserve-historical-states"]
    node = start_anvil(anvil_binary(), extra=keep)
    second = None
    rpc = RpcClient(RpcConfig(node.url, max_retries=1, backoff_base_s=0.01))
    collector = Collector()
    try:
        with RpcClient(RpcConfig(node.url)) as sender:
            chain = DevChain(sender, load_artefacts())
            c = deploy(chain)
            scenario = play(chain, c)
        running = Running(Watcher(store, rpc, watch_config(c), [collector]))
        try:
            running.wait_for(scenario.last_block)
            before = len(collector.got)
            node.stop()  # the node goes down (and writes its state)
            time.sleep(1.0)  # the watch keeps polling a dead port, backing off
            second = start_anvil(
                anvil_binary(), port=node.port, extra=["--load-state", str(state), *keep]
            )
            with RpcClient(RpcConfig(second.url)) as sender:
                chain = DevChain(sender, load_artefacts())
                chain.send(scenario.launderers[4], c["fwd_a"], value=2 * ETH)
                head = chain.block_number()
            running.wait_for(head)
        finally:
            running.close()
    finally:
        rpc.close()
        node.stop()
        if second is not None:
            second.stop()
    new = [a for a, _ in collector.got[before:]]
    assert [(a.kind, a.to_address, int(a.amount)) for a in new] == [
        ("deposit", c["fwd_a"], 2 * ETH)
    ]
    keys = [a.key for a, _ in collector.got]
    assert len(keys) == len(set(keys))
