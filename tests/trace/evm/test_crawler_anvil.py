"""The crawler against a real anvil node that played the laundering scenario."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from tests.scenarios.fixtures import FlakyProxy
from tests.scenarios.player import Scenario

from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.evm.crawler import CrawlConfig, EvmCrawler
from nkwatch.trace.evm.devnode import AnvilNode
from nkwatch.trace.evm.fetch import BlockFetcher
from nkwatch.trace.evm.rpc import NodeUnavailable, RpcClient, RpcConfig
from nkwatch.trace.model import TransferKind
from nkwatch.trace.source import IncomingSource, TransferSource

pytestmark = pytest.mark.slow


def _crawl(
    store, url: str, scenario: Scenario, tracer: str = "parity", mode: str = "blocks", **rpc_kw
):
    """Crawl from the vault; the crawler keeps its RPC client open (closed by ``_done``)."""
    stop = frozenset(scenario.labels)
    rpc = RpcClient(RpcConfig(url, **rpc_kw))
    crawler = EvmCrawler(store, rpc, CrawlConfig(stop_at=stop, mode=mode))
    crawler.fetcher.tracer = tracer
    return crawler, crawler.crawl([scenario.contracts["vault"]], None), rpc.retries


def _done(*crawlers: EvmCrawler) -> None:
    for c in crawlers:
        c.fetcher.rpc.close()


def _reaching(result, scenario: Scenario) -> dict[str, dict[str, int]]:
    """Per deposit address, what arrived from addresses the BFS reached (poison taint)."""
    got: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    deposits = set(scenario.deposits.values())
    for t in result.transfers:
        if t.to_address in deposits and t.from_address != scenario.contracts["vault"]:
            got[t.to_address][t.asset.symbol] += t.amount
    return {a: dict(v) for a, v in got.items()}


@pytest.mark.parametrize(
    ("mode", "tracer"), [("blocks", "parity"), ("blocks", "debug"), ("address", "parity")]
)
def test_crawler_reaches_every_deposit_with_exact_amounts(
    played: tuple[AnvilNode, Scenario], settings: Settings, mode: str, tracer: str
) -> None:
    """Both trace formats (parity ``trace_block``, geth ``callTracer``) and both crawl modes
    (every block, or per-address ``trace_filter`` scans) give the same answer."""
    node, scenario = played
    with open_store(settings) as store:
        crawler, result, _ = _crawl(store, node.url, scenario, tracer, mode)
        assert crawler.fetcher.tracer == tracer and crawler.mode() == mode
        assert isinstance(crawler, TransferSource) and isinstance(crawler, IncomingSource)
        assert _reaching(result, scenario) == scenario.truth.tainted_addresses_deposit()
        # the mixer exit is not reachable by taint, and the clean user's deposit is not counted
        assert scenario.mixer_exit not in result.hops
        # theft found as an internal transfer and a token transfer from the vault
        theft = [t for t in result.transfers if t.from_address == scenario.contracts["vault"]]
        kinds = {(t.kind, t.asset.symbol, t.amount) for t in theft}
        assert (TransferKind.INTERNAL, "ETH", scenario.stolen["ETH"]) in kinds
        assert (TransferKind.TOKEN, "SUSD", scenario.stolen["SUSD"]) in kinds
        # the rejected split share moved nothing; its refund came back to the exploiter
        rejecter = scenario.contracts["rejecter"]
        assert all(t.to_address != rejecter or t.amount == 0 for t in crawler.cache.all_transfers())
        refunds = crawler.incoming("ethereum", scenario.exploiter, None)
        assert any(
            t.from_address == scenario.contracts["splitter"] and t.amount == 100 * 10**18
            for t in refunds
        )
        # the metadata-less token is flagged, the real one has its decimals
        flagged = {m.contract for m in crawler.cache.flagged_tokens()}
        assert flagged == {scenario.contracts["bare"]}
        assert (
            crawler.cache.tokens([scenario.contracts["token"]])[
                scenario.contracts["token"]
            ].decimals
            == 6
        )
        n, distinct = store.query("SELECT count(*), count(DISTINCT number) FROM evm_blocks")[0]
        assert n == distinct  # each block cached once
        if mode == "blocks":  # every block up to the head
            assert n == scenario.last_block + 1
        else:  # only the blocks where reached addresses moved value
            assert 10 < n < scenario.last_block
        # a second run fetches nothing new and gives the same answer
        again, result2, _ = _crawl(store, node.url, scenario, tracer, mode)
        assert again.stats.fetched == 0
        assert _reaching(result2, scenario) == _reaching(result, scenario)
        _done(crawler, again)


def test_flaky_node_is_retried_to_the_same_answer(
    played: tuple[AnvilNode, Scenario], settings: Settings
) -> None:
    node, scenario = played
    proxy = FlakyProxy(node.url, fail_every=6)
    try:
        with open_store(settings) as store:
            crawler, result, retries = _crawl(
                store, proxy.url, scenario, backoff_base_s=0.001, batch_size=20
            )
            _done(crawler)
            assert retries > 0 and proxy.failures > 0
            assert _reaching(result, scenario) == scenario.truth.tainted_addresses_deposit()
    finally:
        proxy.close()


def test_interrupted_crawl_keeps_only_complete_blocks_and_resumes(
    played: tuple[AnvilNode, Scenario], tmp_path: Path
) -> None:
    node, scenario = played
    settings = Settings.from_env({}, db_path=tmp_path / "resume.duckdb")
    proxy = FlakyProxy(node.url)
    try:
        with open_store(settings) as store:
            with RpcClient(RpcConfig(proxy.url, max_retries=1, backoff_base_s=0.001)) as rpc:
                crawler = EvmCrawler(store, rpc, CrawlConfig(chunk_blocks=4))
                real_fetch = crawler.fetcher.fetch

                def dying_fetch(first: int, last: int, *, attempts: int = 3):
                    if first >= 12:  # the node goes away in the middle of the crawl
                        proxy.dead = True
                    return real_fetch(first, last, attempts=attempts)

                crawler.fetcher.fetch = dying_fetch  # type: ignore[method-assign]
                with pytest.raises(NodeUnavailable):
                    crawler.sync(0, scenario.last_block)
            partial = store.query("SELECT number, transfers FROM evm_blocks ORDER BY number")
            assert [r[0] for r in partial] == list(range(12))
            counts = dict(store.query("SELECT number, count(*) FROM evm_transfers GROUP BY number"))
            assert all(counts.get(n, 0) == k for n, k in partial)  # no block half-written
            proxy.dead = False
            with RpcClient(RpcConfig(proxy.url)) as rpc:
                resumed = EvmCrawler(store, rpc, CrawlConfig())
                resumed.sync(0, scenario.last_block)
                assert resumed.stats.fetched == scenario.last_block + 1 - 12
        with open_store(Settings.from_env({}, db_path=tmp_path / "clean.duckdb")) as clean:
            with RpcClient(RpcConfig(node.url)) as rpc:
                EvmCrawler(clean, rpc, CrawlConfig()).sync(0, scenario.last_block)
            want = clean.query("SELECT count(*), sum(CAST(amount AS HUGEINT)) FROM evm_transfers")
        with open_store(settings) as store:
            assert (
                store.query("SELECT count(*), sum(CAST(amount AS HUGEINT)) FROM evm_transfers")
                == want
            )
    finally:
        proxy.close()


def test_parity_and_geth_traces_decode_to_identical_transfers(
    played: tuple[AnvilNode, Scenario],
) -> None:
    node, scenario = played
    decoded = {}
    with RpcClient(RpcConfig(node.url)) as rpc:
        for tracer in ("parity", "debug"):
            fetcher = BlockFetcher(rpc, "ethereum")
            fetcher.tracer = tracer
            blocks = fetcher.fetch(0, scenario.last_block)
            decoded[tracer] = [t for b in blocks for t in b.transfers]
    assert decoded["parity"] == decoded["debug"]
    with RpcClient(RpcConfig(node.url)) as rpc:
        light = BlockFetcher(rpc, "ethereum", fees=False)  # as the watch fetches: no receipts
        rows = [t for b in light.fetch(0, scenario.last_block) for t in b.transfers]
    assert rows == [replace(t, fee=0) for t in decoded["parity"]]
    assert sum(t.kind is TransferKind.INTERNAL for t in decoded["parity"]) >= 8
