"""On a real node: contracts compiled by solc (THORChain-style router, Uniswap-V2-style pair)
and a laundering script played as real transactions; the transfers and logs are read back
from the node, the Bitcoin side from bitcoin-etl files, and the trace from the theft alone
must reach the Bitcoin exchange with the exact BTC amount and the evidence of every link."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.scenarios.bitcoind import Bitcoind
from tests.scenarios.crosschain_player import (
    BTC_DEST,
    BTC_EXCHANGE,
    DEPOSITED_SATS,
    OUT_SATS,
    CrossScenario,
    bitcoin_node_chain,
    play_crosschain,
    write_bitcoin_side,
)  # fmt: skip
from tests.scenarios.fixtures import anvil_binary
from tests.scenarios.player import load_artefacts

from nkwatch.cli.main import cli
from nkwatch.trace.across import ChainData, trace_across
from nkwatch.trace.across.run import finish
from nkwatch.trace.evm.devnode import DevChain, start_anvil
from nkwatch.trace.evm.fetch import BlockFetcher
from nkwatch.trace.evm.logs import fetch_logs
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig
from nkwatch.trace.graph import TransferGraph, graph_from_transfers
from nkwatch.trace.importers import ImportOptions, get_importer
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.logstore import WANTED_TOPICS
from nkwatch.trace.model import UtxoTx
from nkwatch.trace.params import Seed, TraceParams

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def node_data(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[CrossScenario, TransferGraph, list, list[UtxoTx]]]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("cross")
    node = start_anvil(anvil_binary(), log=folder / "anvil.log")
    try:
        with RpcClient(RpcConfig(node.url)) as rpc:
            scenario = play_crosschain(DevChain(rpc, load_artefacts()))
            blocks = BlockFetcher(rpc, "ethereum").fetch(1, scenario.last_block)
            logs = fetch_logs(rpc, "ethereum", 1, scenario.last_block, WANTED_TOPICS)
        graph = graph_from_transfers("ethereum", [t for b in blocks for t in b.transfers])
        path = write_bitcoin_side(folder / "btc.jsonl", scenario)
        utxo = [
            t
            for t in get_importer("bitcoin-etl").read([path], ImportOptions())
            if isinstance(t, UtxoTx)
        ]
        yield scenario, graph, [r.parse() for r in logs], utxo, node.url, path
    finally:
        node.stop()


LABELS = LabelBook(
    [Label("bitcoin", BTC_EXCHANGE, "Example Exchange", "exchange", 0.95, "test labels")]
)


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_theft_to_bitcoin_exchange_through_swap_and_thorchain(node_data, policy: str) -> None:  # type: ignore[no-untyped-def]
    scenario, graph, logs, utxo, _, _ = node_data
    seeds = [Seed(tx_hash=scenario.theft_txs[0], asset=f"ethereum:{scenario.token}"),
             Seed(tx_hash=scenario.theft_txs[1], asset="ethereum:native")]  # fmt: skip
    params = TraceParams("ethereum", policy)
    chains = {"bitcoin": ChainData("bitcoin", utxo)}
    result = trace_across(
        graph, seeds, params, labels=LABELS, logs=logs, chains=list(chains.values())
    )
    report = finish(result, chains, params, LABELS).to_data()
    by_kind = {lk["kind"]: lk for lk in report["links"]}
    assert set(by_kind) == {"swap", "bridge", "refund"}
    swap = by_kind["swap"]
    assert swap["source"]["tx_hash"] == scenario.swap_tx == swap["target"]["tx_hash"]
    # wholly stolen tokens: all the ETH received, to the unit the graph holds ETH in
    unit = 10 ** graph.unit_exp[graph.asset_id("ethereum:native")]
    assert int(swap["base_units"]["converted"]) == scenario.swapped_eth // unit * unit
    assert any(ev.startswith("uniswap-v2 Swap") for ev in swap["evidence"])
    bridge = by_kind["bridge"]
    assert bridge["source"]["tx_hash"] == scenario.deposit_tx
    assert int(bridge["base_units"]["tainted_in"]) == scenario.bridged_eth
    assert (
        int(bridge["base_units"]["converted"]) == OUT_SATS
        and bridge["target"]["address"] == BTC_DEST
    )
    assert any("OUT:" + scenario.deposit_tx[2:].upper() in ev for ev in bridge["evidence"])
    assert int(by_kind["refund"]["base_units"]["converted"]) == scenario.refunded_eth
    btc = [e for e in report["endpoints"] if e["chain"] == "bitcoin"]
    assert [(e["address"], e["amounts"]) for e in btc] == [
        (BTC_EXCHANGE, {"BTC": str(DEPOSITED_SATS / 10**8)})
    ]
    assert [a["kind"] for a in report["noise"]["crosschain"]] == ["forged-out"]
    for sym, b in report["buckets"].items():  # every unit accounted for, per asset, exactly
        parts = sum(Decimal(b[k]) for k in ("at_services", "at_addresses", "fees", "dust"))
        assert parts == Decimal(b["seeded"]), sym


def test_cli_run_with_rpc_fetches_logs_and_reaches_bitcoin(node_data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scenario, _, _, _, url, btc_path = node_data
    labels = tmp_path / "labels.csv"
    labels.write_text("chain,address,service,category,confidence,source,date\n"
                      f"bitcoin,{BTC_EXCHANGE},Example Exchange,exchange,0.95,test labels,2026-01-01\n")  # fmt: skip
    runner = CliRunner()
    db = ["--db", str(tmp_path / "c.duckdb")]
    out = tmp_path / "r.json"
    for args in (["trace", "import", "bitcoin-etl", str(btc_path)], ["trace", "labels", "csv", str(labels)],
                 ["trace", "run", "--seed", scenario.thief, "--chain", "ethereum", "--rpc", f"ethereum={url}",
                  "-o", str(out)]):  # fmt: skip
        result = runner.invoke(cli, [*args, *db], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    bridge = next(lk for lk in report["links"] if lk["kind"] == "bridge")
    assert bridge["source"]["tx_hash"] == scenario.deposit_tx
    assert int(bridge["base_units"]["converted"]) == OUT_SATS
    btc = [(e["address"], e["amounts"]) for e in report["endpoints"] if e["chain"] == "bitcoin"]
    assert btc == [(BTC_EXCHANGE, {"BTC": "1.2"})]
    refused = runner.invoke(cli, ["trace", "run", "--seed", scenario.thief, "--chain", "ethereum",
                                  "--rpc", f"bitcoin={url}", "-o", str(out), *db])  # fmt: skip
    assert refused.exit_code == 2 and "not a Bitcoin Core node" in refused.output


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_two_nodes_ethereum_seed_to_bitcoin_exchange(
    node_data, tmp_path: Path, policy: str
) -> None:  # type: ignore[no-untyped-def]
    """Nothing imported: anvil is crawled from the thief, the THORChain deposit's outbound is
    found on the (scripted) Bitcoin Core node by its OUT: memo, and the trace goes on there."""
    scenario, _, _, _, url, _ = node_data
    with RpcClient(RpcConfig(url)) as rpc:
        receipt = rpc.call("eth_getTransactionReceipt", [scenario.deposit_tx])
        block = rpc.call("eth_getBlockByNumber", [receipt["blockNumber"], False])
    btc = Bitcoind(bitcoin_node_chain(scenario, int(block["timestamp"], 16)))
    labels = tmp_path / "labels.csv"
    labels.write_text("chain,address,service,category,confidence,source,date\n"
                      f"bitcoin,{BTC_EXCHANGE},Example Exchange,exchange,0.95,test labels,2026-01-01\n")  # fmt: skip
    db = ["--db", str(tmp_path / "two.duckdb")]
    out = tmp_path / "r.json"
    runner = CliRunner()
    try:
        for args in (["trace", "labels", "csv", str(labels)],
                     ["trace", "run", "--seed", scenario.thief, "--chain", "ethereum", "--policy", policy,
                      "--rpc", f"ethereum={url}", "--rpc", f"bitcoin={btc.url}", "-o", str(out)]):  # fmt: skip
            result = runner.invoke(cli, [*args, *db], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    finally:
        btc.close()
    report = json.loads(out.read_text())
    bridge = next(lk for lk in report["links"] if lk["kind"] == "bridge")
    assert bridge["source"]["tx_hash"] == scenario.deposit_tx
    assert (
        bridge["target"]["chain"] == "bitcoin"
        and int(bridge["base_units"]["converted"]) == OUT_SATS
    )
    assert any("OUT:" + scenario.deposit_tx[2:].upper() in ev for ev in bridge["evidence"])
    btc_hits = [
        (e["address"], e["amounts"]) for e in report["endpoints"] if e["chain"] == "bitcoin"
    ]
    assert btc_hits == [(BTC_EXCHANGE, {"BTC": "1.2"})]
    for sym, b in report["buckets"].items():
        parts = sum(Decimal(b[k]) for k in ("at_services", "at_addresses", "fees", "dust"))
        assert parts == Decimal(b["seeded"]), sym
