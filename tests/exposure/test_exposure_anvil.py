"""Exposure of the exchange deposit addresses after the laundering scenario ran on a real anvil node.

The crawler fetches the chain into the store; exposure then works from the store alone, and
must find what the scenario's ground truth says reached each deposit from the theft.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.scenarios.player import Scenario

from nkwatch.exposure.model import Decision, RiskCategory, RiskSource
from nkwatch.exposure.service import ExposureConfig, ExposureService
from nkwatch.settings import Settings
from nkwatch.store import Store, open_store
from nkwatch.trace import repository as trace_repo
from nkwatch.trace.evm.crawler import CrawlConfig, EvmCrawler
from nkwatch.trace.evm.devnode import AnvilNode
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig
from nkwatch.trace.labels import Label

pytestmark = pytest.mark.slow


def _load(store: Store, node: AnvilNode, scenario: Scenario) -> None:
    with RpcClient(RpcConfig(node.url)) as rpc:
        crawler = EvmCrawler(store, rpc, CrawlConfig(stop_at=frozenset(scenario.labels)))
        crawler.crawl([scenario.contracts["vault"]], None)
        trace_repo.add_transfers(store, crawler.cache.all_transfers(), source="anvil")


def _config(scenario: Scenario, policy: str) -> ExposureConfig:
    thief = RiskSource(
        scenario.exploiter, RiskCategory.DPRK_INCIDENT, "Scenario vault theft", True,
        incident_id="scenario-theft", source="scenario ground truth",
    )  # fmt: skip
    labels = tuple(
        Label("ethereum", addr, service, category, 1.0, "scenario")
        for addr, (service, category) in scenario.labels.items()
    )
    return ExposureConfig(policy=policy, max_hops=6, user_sources=(thief,), labels=labels)


def _exposure(result: object, key: str, asset: str) -> Decimal:
    return sum(
        (s.direct + s.indirect for s in result.sources if s.key == key and s.asset == asset),  # type: ignore[attr-defined]
        Decimal(0),
    )


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_deposit_exposure_matches_ground_truth(
    played: tuple[AnvilNode, Scenario], settings: Settings, policy: str
) -> None:
    node, scenario = played
    with open_store(settings) as store:
        _load(store, node, scenario)
        service = ExposureService(store, "ethereum", _config(scenario, policy))
        truth = scenario.truth
        for deposit in scenario.deposits.values():
            result = service.address(deposit)
            for asset, amount in truth.traceable.get(deposit, {}).items():
                decimals = 6 if asset == "SUSD" else 18
                expected = Decimal(amount).scaleb(-decimals)
                got = _exposure(result, "dprk_incident:scenario-theft", asset)
                assert got == expected, (policy, deposit, asset, got, expected)
            assert result.decision is Decision.BLOCK
        # the mixer exit's 19 ETH into forwarder A shows as mixer exposure, not as theft
        fwd_a = service.address(scenario.deposits["forwarder-a"])
        mixer = [s for s in fwd_a.sources if s.category is RiskCategory.MIXER]
        assert mixer and mixer[0].indirect == Decimal(19) and not mixer[0].dprk_linked
        assert fwd_a.received["ETH"] == Decimal(5 + 20 + 19)


def test_direct_token_deposit_is_direct(
    played: tuple[AnvilNode, Scenario], settings: Settings
) -> None:
    node, scenario = played
    with open_store(settings) as store:
        _load(store, node, scenario)
        result = ExposureService(store, "ethereum", _config(scenario, "haircut")).address(
            scenario.deposits["forwarder-b"]
        )
    susd = [s for s in result.sources if s.asset == "SUSD"]
    assert susd[0].direct == Decimal(100_000) and susd[0].min_hops == 1
    assert result.fired[0].rule_id == "direct-dprk"
