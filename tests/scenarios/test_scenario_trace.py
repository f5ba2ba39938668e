"""End to end on a real node: the live crawler feeds the tracer, which must find every
exchange deposit address of the laundering scenario with the exact laundered amounts, under
each value-conserving policy, and account for every stolen unit."""

from __future__ import annotations

import pytest
from tests.scenarios.player import Scenario

from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.engine import trace
from nkwatch.trace.evm.crawler import CrawlConfig, EvmCrawler
from nkwatch.trace.evm.devnode import AnvilNode
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.params import Seed, TraceParams

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("policy", "mode"), [("poison", "blocks"), ("haircut", "address"), ("fifo", "auto")]
)
def test_tracer_over_live_crawler_finds_every_deposit_exactly(
    played: tuple[AnvilNode, Scenario], settings: Settings, policy: str, mode: str
) -> None:
    node, scenario = played
    labels = LabelBook(
        Label("ethereum", address, service, category, 1.0, "scenario ground truth")
        for address, (service, category) in scenario.labels.items()
    )
    vault, token = scenario.contracts["vault"], scenario.contracts["token"]
    seeds = [
        Seed(address=vault, asset="ethereum:native"),
        Seed(address=vault, asset=f"ethereum:{token}"),
    ]
    with open_store(settings) as store, RpcClient(RpcConfig(node.url)) as rpc:
        crawler = EvmCrawler(store, rpc, CrawlConfig(mode=mode))
        result = trace(crawler, seeds, TraceParams(chain="ethereum", policy=policy), labels=labels)

    graph = result.graph
    found: dict[str, dict[str, int]] = {}
    categories: dict[str, str] = {}
    for run in result.runs:
        symbol = graph.assets[run.asset_id].symbol
        for aid, label in result.endpoint_labels.items():
            amount = graph.base_units(run.asset_id, int(run.taint[aid]))
            if amount:
                found.setdefault(graph.addresses[aid], {})[symbol] = amount
                categories[graph.addresses[aid]] = label.category
    truth = scenario.truth
    expected = {a: dict(v) for a, v in truth.traceable.items()}
    expected.update({a: dict(v) for a, v in truth.at_services.items()})
    assert found == expected
    # deposit addresses were recognised by their sweeps to the labelled hot wallet
    assert {categories[a] for a in scenario.deposits.values()} == {"exchange"}
    assert categories[scenario.contracts["pool"]] == "mixer"
    # every stolen unit is accounted for: services + still at addresses + fees + dust
    for run in result.runs:
        b = result.buckets[run.asset_id]
        symbol = graph.assets[run.asset_id].symbol
        assert b.seeded == scenario.stolen[symbol]
        assert b.at_services + b.at_addresses + b.fees + b.dust == b.seeded
    eth = next(r for r in result.runs if graph.assets[r.asset_id].symbol == "ETH")
    assert result.buckets[eth.asset_id].fees > 0  # launderers paid gas from stolen ETH
