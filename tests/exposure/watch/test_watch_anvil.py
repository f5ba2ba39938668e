"""The watch against a real anvil node while the scenario mines laundering transactions:
alert latency, exact deposit amounts, restart without duplicates, reorgs, a node that goes
away, and a webhook that fails before it works."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from tests.scenarios.fixtures import FlakyProxy
from tests.scenarios.player import ETH, deploy, play

from nkwatch.exposure.alerts import Alert, AuditSink, WebhookSink
from nkwatch.exposure.watch import Watcher
from nkwatch.exposure.watch_config import WatchConfig, parse_config
from nkwatch.store import Store
from nkwatch.store.audit import entries
from nkwatch.trace.evm.devnode import DevChain
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig

pytestmark = pytest.mark.slow


class Collector:
    name = "collector"

    def __init__(self) -> None:
        self.got: list[tuple[Alert, float]] = []
        self.lock = threading.Lock()

    def emit(self, alert: Alert) -> None:
        with self.lock:
            self.got.append((alert, time.time()))

    def deposits(self) -> list[Alert]:
        return [a for a, _ in self.got if a.kind == "deposit"]


class Receiver:
    """A loopback webhook receiver that answers 500 to its first ``fail_first`` POSTs."""

    def __init__(self, fail_first: int) -> None:
        self.keys: list[str] = []
        self.fail_first = fail_first
        self.posts = 0
        me = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                me.posts += 1
                ok = me.posts > me.fail_first
                if ok:
                    assert body["key"] == self.headers["Idempotency-Key"]
                    me.keys.append(body["key"])
                self.send_response(200 if ok else 500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def watch_config(c: dict[str, Any]) -> WatchConfig:
    return parse_config(
        {
            "name": "scenario",
            "start_block": 0,
            "poll_interval_s": 0.1,
            "incidents": [{"id": "vault-drain", "seeds": [c["vault"]]}],
            "deposits": [
                {"address": c["fwd_a"], "owner": "user A"},
                {"address": c["fwd_b"], "owner": "user B"},
                {"address": c["eoa_deposit"], "owner": "user C"},
            ],
            "services": [
                {"address": c["pool"], "name": "Scenario Mixer", "category": "mixer"},
                {"address": c["swap"], "name": "Scenario Swap", "category": "dex"},
                {
                    "address": c["hot"],
                    "name": "Scenario Exchange hot wallet",
                    "category": "exchange",
                },
            ],
        },
        "test",
    )


class Running:
    """A watcher on its own thread (as ``nkwatch watch`` runs it)."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=watcher.run, args=(self.stop,), kwargs={"max_backoff_s": 0.5}
        )
        self.thread.start()

    def wait_for(self, block: int, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pos = self.watcher.position
            if pos is not None and pos >= block:
                return
            time.sleep(0.05)
        raise AssertionError(f"watch did not reach block {block}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=2)
    yield r
    r.close()


def amounts(alerts: list[Alert]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for a in alerts:
        out[a.to_address][a.asset] += int(a.amount)
    return {k: dict(v) for k, v in out.items()}


def test_watch_alerts_in_time_with_exact_amounts_and_survives_restart_reorg_and_outage(
    chain: DevChain, store: Store, anvil, receiver: Receiver
) -> None:
    c = deploy(chain)
    config = watch_config(c)
    proxy = FlakyProxy(anvil.url)
    rpc = RpcClient(RpcConfig(proxy.url, max_retries=2, backoff_base_s=0.01))
    collector = Collector()
    webhook = WebhookSink(receiver.url, retries=4, sleep=lambda s: None)
    sinks = [collector, webhook, AuditSink(store)]
    running = Running(Watcher(store, rpc, config, sinks))
    try:
        scenario = play(chain, c)  # mined while the watch follows the chain
        running.wait_for(scenario.last_block)
    finally:
        running.close()

    # exact laundered amounts at every deposit address, nothing from the clean or mixed paths
    deposits = collector.deposits()
    assert amounts(deposits) == scenario.truth.tainted_addresses_deposit()
    # each alert arrived within 5 s of its block's timestamp (which is floored to the second)
    for alert, arrived in collector.got:
        block_ts = datetime.fromisoformat(alert.block_time).timestamp()
        assert arrived - block_ts <= 5.0, (alert.kind, arrived - block_ts)
    keys = [a.key for a, _ in collector.got]
    assert len(keys) == len(set(keys))
    kinds = Counter(a.kind for a, _ in collector.got)
    assert kinds["service"] >= 4  # mixer deposits and the token sale to the swap
    assert scenario.mixer_exit not in {a.to_address for a, _ in collector.got}
    # the webhook failed twice, was retried, and got every alert exactly once
    assert receiver.posts == len(keys) + 2 and sorted(receiver.keys) == sorted(keys)
    assert len(entries(store, limit=1000, action="watch.alert")) == len(keys)

    # restart: resumes from the cursor, nothing re-sent; a new deposit alerts exactly once
    collector2 = Collector()
    again = Watcher(store, RpcClient(RpcConfig(anvil.url)), config, [collector2])
    assert again.step() == 0 and again.processed == 0 and collector2.got == []
    p2 = scenario.launderers[4]  # P2, the end of the peel chain: ~420 ETH of proceeds
    chain.send(p2, c["fwd_a"], value=1 * ETH)
    while again.step():
        pass
    assert [(a.kind, a.to_address, int(a.amount)) for a, _ in collector2.got] == [
        ("deposit", c["fwd_a"], 1 * ETH)
    ]

    # reorg: a block with a deposit is replaced by one with a different deposit
    snap = chain.snapshot()
    chain.send(p2, c["fwd_b"], value=2 * ETH)
    while again.step():
        pass
    replaced = collector2.got[-1][0]
    assert int(replaced.amount) == 2 * ETH
    chain.revert(snap)
    chain.send(p2, c["eoa_deposit"], value=3 * ETH)
    chain.mine(2)
    while again.step():
        pass
    assert again.rolled_back >= 1
    last = collector2.got[-1][0]
    assert (last.to_address, int(last.amount)) == (c["eoa_deposit"], 3 * ETH)
    orphaned = store.query("SELECT orphaned FROM watch_alerts WHERE key = ?", [replaced.key])
    assert orphaned == [(True,)]
    assert again.cursor() is not None and again.cursor()[0] == chain.block_number()

    # the node goes away and comes back: the watch keeps running and misses nothing
    collector3 = Collector()
    outage = Running(
        Watcher(
            store,
            RpcClient(RpcConfig(proxy.url, max_retries=1, backoff_base_s=0.01)),
            config,
            [collector3],
        )
    )
    try:
        proxy.dead = True
        chain.send(p2, c["fwd_b"], value=4 * ETH)
        time.sleep(1.0)
        assert collector3.got == []
        proxy.dead = False
        outage.wait_for(chain.block_number())
    finally:
        outage.close()
        proxy.close()
    assert [(a.to_address, int(a.amount)) for a, _ in collector3.got] == [(c["fwd_b"], 4 * ETH)]
