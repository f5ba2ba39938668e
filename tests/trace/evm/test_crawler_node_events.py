"""The crawler when the node changes under it: a reorg replaces cached blocks, and the node
is stopped mid-crawl and restarted from its saved state."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from tests.scenarios.fixtures import anvil_binary
from tests.scenarios.player import ETH, load_artefacts, play

from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.evm.crawler import CrawlConfig, EvmCrawler
from nkwatch.trace.evm.devnode import DevChain, start_anvil
from nkwatch.trace.evm.fetch import TraceUnavailable
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig

pytestmark = pytest.mark.slow


def test_reorg_rolls_back_replaced_blocks(chain: DevChain, settings: Settings) -> None:
    a = chain.accounts()
    for i in range(3):
        chain.send(a[0], a[1 + i], value=ETH)
    snap = chain.snapshot()
    orphan = chain.send(a[0], a[9], value=7 * ETH)["transactionHash"]
    chain.send(a[0], a[9], value=8 * ETH)
    with open_store(settings) as store:
        crawler = EvmCrawler(store, chain.rpc, CrawlConfig())
        crawler.sync(0, chain.block_number())
        assert any(t.tx_hash == orphan for t in crawler.cache.outgoing(a[0], None))
        chain.revert(snap)
        replacement = chain.send(a[0], a[8], value=5 * ETH)["transactionHash"]
        chain.mine(2)
        crawler.sync(0, chain.block_number())
        assert crawler.stats.rolled_back == 2
        out = crawler.cache.outgoing(a[0], None)
        assert orphan not in {t.tx_hash for t in out}
        assert replacement in {t.tx_hash for t in out}
        ours = crawler.cache.hashes(0, chain.block_number())
        theirs = {h.number: h.hash for h in crawler.fetcher.headers(sorted(ours))}
        assert ours == theirs and len(ours) == chain.block_number() + 1


def test_node_stopped_mid_crawl_and_restarted_from_state(
    tmp_path: Path, settings: Settings
) -> None:
    state = tmp_path / "state.json"
    binary = anvil_binary()
    # like an archive node, the restarted anvil must still be able to trace old blocks
    dump = ["--dump-state", str(state), "--preserve-historical-states"]
    node = start_anvil(binary, extra=dump)
    with RpcClient(RpcConfig(node.url)) as rpc:
        scenario = play(DevChain(rpc, load_artefacts()))
    restarted: list[object] = []

    def restart() -> None:
        node.stop()  # anvil writes its state on exit
        time.sleep(0.5)
        restarted.append(start_anvil(binary, port=node.port, extra=["--load-state", str(state)]))

    try:
        with (
            open_store(settings) as store,
            RpcClient(
                RpcConfig(node.url, max_retries=10, backoff_base_s=0.05, backoff_max_s=1.0)
            ) as rpc,
        ):
            stop = frozenset(scenario.labels)  # the mixer ends a path, as in the tracer
            crawler = EvmCrawler(
                store, rpc, CrawlConfig(chunk_blocks=5, stop_at=stop, mode="blocks")
            )
            real_fetch = crawler.fetcher.fetch
            killer: list[threading.Thread] = []

            def fetch_then_kill(first: int, last: int, *, attempts: int = 3):
                if first >= 15 and not killer:
                    killer.append(threading.Thread(target=restart))
                    killer[0].start()
                    time.sleep(0.05)  # the node is going down while we ask it
                return real_fetch(first, last, attempts=attempts)

            crawler.fetcher.fetch = fetch_then_kill  # type: ignore[method-assign]
            result = crawler.crawl([scenario.contracts["vault"]], None)
            killer[0].join()
            assert restarted and rpc.retries > 0
            got: dict[str, dict[str, int]] = {}
            deposits = set(scenario.deposits.values())
            for t in result.transfers:
                if t.to_address in deposits:
                    got.setdefault(t.to_address, {})
                    got[t.to_address][t.asset.symbol] = (
                        got[t.to_address].get(t.asset.symbol, 0) + t.amount
                    )
            assert got == scenario.truth.tainted_addresses_deposit()
            n = store.query("SELECT count(*), count(DISTINCT number) FROM evm_blocks")[0]
            assert n == (scenario.last_block + 1, scenario.last_block + 1)
    finally:
        for extra in restarted:
            extra.stop()  # type: ignore[attr-defined]
        node.stop()


def test_node_that_cannot_trace_old_blocks_is_refused(tmp_path: Path, settings: Settings) -> None:
    """Restarted without its historical states, anvil answers ``debug_traceBlockByNumber``
    with a per-transaction error for old blocks (its stored parity traces still work); that
    must stop the crawl, not be read as a reverted call that moved nothing."""
    state = tmp_path / "state.json"
    node = start_anvil(anvil_binary(), extra=["--dump-state", str(state)])
    with RpcClient(RpcConfig(node.url)) as rpc:
        chain = DevChain(rpc, load_artefacts())
        a = chain.accounts()
        splitter = chain.deploy(a[0], "Splitter")
        chain.transact(
            a[0], splitter, "Splitter", "split(address[],uint256[])", [a[1]], [5], value=5
        )
    node.stop()
    pruned = start_anvil(anvil_binary(), port=node.port, extra=["--load-state", str(state)])
    try:
        with open_store(settings) as store, RpcClient(RpcConfig(pruned.url)) as rpc:
            crawler = EvmCrawler(store, rpc, CrawlConfig())
            crawler.fetcher.tracer = "debug"  # as on geth, which offers no trace_block
            with pytest.raises(TraceUnavailable, match="cannot trace block"):
                crawler.sync(0, 2)
            # blocks before the untraceable one may be cached; it and later ones are not
            assert store.query("SELECT max(number) FROM evm_blocks")[0][0] in (None, 0, 1)
    finally:
        pruned.stop()
