"""From an Ethereum seed alone, through a swap and THORChain to a Bitcoin exchange deposit,
with exact amounts and the evidence of every link; refunds, an absent chain, a forged OUT:
memo and malformed logs reported, never linked."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.trace import crosschain_case as cc

from nkwatch.cli.main import cli
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.across.run import trace_store_across
from nkwatch.trace.label_sources import load_label_book
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.repository import load_graph


def _store_case(settings: Settings, folder: Path, gas: bool) -> None:
    cc.import_case(settings, cc.write_case(folder, gas=gas))


def _run(settings: Settings, policy: str, seed: Seed | None = None) -> dict:
    with open_store(settings) as store:
        graph = load_graph(store, "ethereum")
        seeds = [seed or Seed(address=cc.THIEF)]
        return trace_store_across(store, graph, seeds, TraceParams("ethereum", policy),
                                  load_label_book(store)).to_data()  # fmt: skip


def _base(text: str, decimals: int) -> int:
    return int(Decimal(text).scaleb(decimals))


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_ethereum_seed_reaches_bitcoin_exchange_exactly(
    settings: Settings, tmp_path: Path, policy: str
) -> None:
    _store_case(settings, tmp_path, gas=False)
    report = _run(settings, policy)
    btc = [e for e in report["endpoints"] if e["chain"] == "bitcoin"]
    assert [(e["address"], e["service"], e["amounts"]) for e in btc] == [
        (cc.BTC_EXCHANGE, "Example Exchange", {"BTC": "1.2"})
    ]
    kinds = sorted(
        (lk["kind"], lk["source"]["symbol"], lk["target"]["symbol"]) for lk in report["links"]
    )
    assert kinds == [("bridge", "ETH", "BTC"), ("refund", "ETH", "ETH"), ("swap", "USDT", "ETH")]
    swap = next(lk for lk in report["links"] if lk["kind"] == "swap")
    assert (swap["tainted_in"], swap["converted"]) == ("600000", "300")
    assert any("uniswap-v2 Swap" in ev for ev in swap["evidence"])
    bridge = next(lk for lk in report["links"] if lk["kind"] == "bridge")
    assert bridge["source"]["tx_hash"] == cc.DEP_BTC and bridge["target"]["tx_hash"] == cc.b(2)
    assert bridge["converted"] == "1.5" and bridge["target"]["address"] == cc.BTC_DEST
    assert any("OUT:" + cc.DEP_BTC[2:].upper() in ev for ev in bridge["evidence"])
    refund = next(lk for lk in report["links"] if lk["kind"] == "refund")
    assert refund["converted"] == "49.9" and refund["target"]["address"] == cc.THIEF
    (flight,) = report["in_flight"]
    assert flight["destination_chain"] == "litecoin" and flight["tainted_in"] == "30"
    assert flight["summary"].startswith(f"left for chain litecoin at address {cc.LTC_DEST}")
    noise = {(a["kind"], a["tx_hash"]) for a in report["noise"]["crosschain"]}
    assert ("forged-out", cc.b(4)) in noise
    assert any(k == "malformed-log" for k, _ in noise)
    # the router endpoint says where the value went
    router = next(e for e in report["endpoints"] if e["address"] == cc.ROUTER)
    assert "bridge to bitcoin" in router["bridge_destination"]
    # buckets: Bitcoin side seeded exactly what the bridge link converted
    assert report["buckets"]["BTC"]["seeded"] == "1.5"
    b = report["buckets"]["BTC"]
    assert sum(_base(b[k], 8) for k in ("at_services", "at_addresses", "fees", "dust")) == _base(
        b["seeded"], 8
    )


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(policy=st.sampled_from(["poison", "haircut", "fifo"]))
def test_conservation_across_every_link_with_clean_gas(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory, policy: str
) -> None:
    folder = tmp_path_factory.mktemp("case")
    settings = Settings.from_env({"HOME": str(folder)}, db_path=folder / "nk.duckdb")
    _store_case(settings, folder, gas=True)
    # the theft transaction as seed: the thief's ETH is 300 converted + 1 clean, so the
    # policies disagree on every amount past the swap
    report = _run(settings, policy, Seed(tx_hash=cc.THEFT))
    for lk in report["links"]:
        base = lk["base_units"]
        tainted, total, received, converted = (
            int(base[k]) for k in ("tainted_in", "total_in", "received", "converted")
        )
        assert converted * total + int(base["remainder_over_total_in"]) == received * tainted
        assert 0 < tainted <= total and converted <= received
    for sym, b in report["buckets"].items():
        dec = 6 if sym == "USDT" else (8 if sym == "BTC" else 18)
        parts = sum(_base(b[k], dec) for k in ("at_services", "at_addresses", "fees", "dust"))
        assert parts == _base(b["seeded"], dec), sym
    eth = report["buckets"]["ETH"]
    swap = next(lk for lk in report["links"] if lk["kind"] == "swap")
    refund = next(lk for lk in report["links"] if lk["kind"] == "refund")
    # ETH seeded = what the swap converted + what the refund carried back (the thief's only
    # other ETH is the clean gas)
    assert _base(eth["seeded"], 18) == int(swap["base_units"]["carried"]) + int(
        refund["base_units"]["carried"]
    )
    # the graph holds ETH to 10^3 wei here: what is carried is the converted amount floored to it
    for lk in (swap, refund):
        assert 0 <= int(lk["base_units"]["converted"]) - int(lk["base_units"]["carried"]) < 1000
    # in (ETH that entered THORChain) = out (bridged) + refunds + in flight
    into = sum(
        int(lk["base_units"]["tainted_in"])
        for lk in report["links"]
        if lk["source"]["symbol"] == "ETH" and lk["kind"] == "bridge"
    )
    into += sum(_base(f["tainted_in"], 18) for f in report["in_flight"])
    into += int(refund["base_units"]["tainted_in"])
    assert into == _base(eth["converted_or_bridged"], 18) + _base(eth["in_flight"], 18)
    btc = report["buckets"]["BTC"]
    bridge = next(lk for lk in report["links"] if lk["kind"] == "bridge")
    assert (
        _base(btc["seeded"], 8)
        == int(bridge["base_units"]["converted"])
        == int(bridge["base_units"]["carried"])
    )


def test_cli_run_and_markdown_show_the_links(tmp_path: Path) -> None:
    case = cc.write_case(tmp_path)
    labels = tmp_path / "labels.csv"
    labels.write_text(cc.LABELS_CSV, encoding="utf-8")
    runner = CliRunner()
    db = ["--db", str(tmp_path / "c.duckdb")]
    for args in (["trace", "import", "ethereum-etl", *map(str, case.eth_files)],
                 ["trace", "import", "bitcoin-etl", *map(str, case.btc_files)],
                 ["trace", "labels", "csv", str(labels)],
                 ["trace", "run", "--seed", cc.THIEF, "--chain", "ethereum", "-o", str(tmp_path / "r.json")]):  # fmt: skip
        result = runner.invoke(cli, [*args, *db], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert any(
        e["chain"] == "bitcoin" and e["amounts"] == {"BTC": "1.2"} for e in report["endpoints"]
    )
    md = runner.invoke(cli, ["trace", "report", str(tmp_path / "r.json"), "--format", "md"])
    assert "## Across swaps and chains" in md.output
    assert "left for chain litecoin" in md.output and "forged-out" in md.output
    from nkwatch.trace.pages import flow_graph
    from nkwatch.trace.report_model import TraceReport

    elements = flow_graph(TraceReport.from_data(report))["elements"]
    labels = [e["data"]["label"] for e in elements]
    assert any(lb.startswith("bridge → bitcoin: 1.5 BTC") for lb in labels)
    assert any(lb.endswith("[bitcoin]") for lb in labels) and any(
        lb.endswith("[ethereum]") for lb in labels
    )
    svg = runner.invoke(cli, ["trace", "report", str(tmp_path / "r.json"), "--format", "svg"])
    assert "bridge → bitcoin" in svg.output and "chains: bitcoin, ethereum" in svg.output
    freeze = runner.invoke(
        cli, ["trace", "freeze-requests", str(tmp_path / "r.json"), "-o", str(tmp_path / "fr")]
    )
    assert freeze.exit_code == 0, freeze.output
    letter = next((tmp_path / "fr").glob("freeze-example-exchange*.json"))
    doc = json.loads(letter.read_text())
    assert doc["chain"] == "bitcoin" and doc["addresses"][0]["amounts"] == {"BTC": "1.2"}


def test_midgard_actions_link_without_logs(tmp_path: Path) -> None:
    """An explorer-style import without logs: the Midgard export's records link the
    inbounds to their outbounds (and the refund), exactly; the pending one is in flight."""
    case = cc.write_case(tmp_path)
    labels = tmp_path / "labels.csv"
    labels.write_text(cc.LABELS_CSV, encoding="utf-8")

    def tx(h: str, address: str, asset: str, amount: int) -> dict[str, object]:
        return {"txID": h[2:].upper() if h.startswith("0x") else h.upper(), "address": address,
                "coins": [{"asset": asset, "amount": str(amount)}]}  # fmt: skip

    actions = {"actions": [
        {"type": "swap", "status": "success", "date": "0", "metadata": {"swap": {"memo": f"=:b:{cc.BTC_DEST}"}},
         "in": [tx(cc.DEP_BTC, cc.THIEF, "ETH.ETH", 200 * 10**8)], "out": [tx(cc.b(2), cc.BTC_DEST, "BTC.BTC", 150_000_000)]},
        {"type": "refund", "status": "success", "date": "0",
         "in": [tx(cc.DEP_REFUND, cc.THIEF, "ETH.ETH", 50 * 10**8)], "out": [tx(cc.REFUND, cc.THIEF, "ETH.ETH", 4_990_000_000)]},
        {"type": "swap", "status": "pending", "date": "0", "metadata": {"swap": {"memo": f"=:l:{cc.LTC_DEST}"}},
         "in": [tx(cc.DEP_LTC, cc.THIEF, "ETH.ETH", 30 * 10**8)], "out": [{"txID": "", "address": cc.LTC_DEST, "coins": [{"asset": "LTC.LTC", "amount": "1"}]}]},
    ]}  # fmt: skip
    midgard = tmp_path / "actions.json"
    midgard.write_text(json.dumps(actions), encoding="utf-8")
    runner = CliRunner()
    db = ["--db", str(tmp_path / "c.duckdb")]
    no_logs = [str(p) for p in case.eth_files if p.suffix != ".json"]
    for args in (["trace", "import", "ethereum-etl", *no_logs],
                 ["trace", "import", "bitcoin-etl", *map(str, case.btc_files)],
                 ["trace", "labels", "csv", str(labels)],
                 ["trace", "run", "--seed", cc.THIEF, "--chain", "ethereum", "--midgard", str(midgard),
                  "-o", str(tmp_path / "r.json")]):  # fmt: skip
        result = runner.invoke(cli, [*args, *db], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    links = {lk["kind"]: lk for lk in report["links"]}
    assert (
        links["bridge"]["converted"] == "1.5" and "Midgard action" in links["bridge"]["evidence"][0]
    )
    assert links["refund"]["converted"] == "49.9"
    assert [f["destination_chain"] for f in report["in_flight"]] == ["litecoin"]
    assert [
        (e["address"], e["amounts"]) for e in report["endpoints"] if e["chain"] == "bitcoin"
    ] == [(cc.BTC_EXCHANGE, {"BTC": "1.2"})]
    assert [a["kind"] for a in report["noise"]["crosschain"]] == ["forged-out"]


def test_wormhole_departure_is_left_for_its_destination() -> None:
    """A lock-and-mint bridge whose event names the destination: the tainted USDT locked in
    the Wormhole token bridge is "left for chain avalanche at address …", not dropped."""
    from datetime import UTC, datetime

    from nkwatch.trace.across import trace_across
    from nkwatch.trace.bridges import wormhole
    from nkwatch.trace.bridges.abi import EvmLog, encode_dynamic
    from nkwatch.trace.graph import graph_from_transfers
    from nkwatch.trace.model import Asset, Transfer, TransferKind

    usdt = Asset("ethereum", "USDT", 6, cc.USDT)
    bridge, core = (
        "0x3ee18b2214aff97000d974cf647e7c347e8fa585",
        "0x98f3c9e6e3face36baad05fe09d375ef1464288b",
    )
    when = datetime(2025, 2, 21, tzinfo=UTC)
    tx = "0x" + "42" * 32
    graph = graph_from_transfers("ethereum", [
        Transfer("ethereum", "0x" + "41" * 32, 0, TransferKind.TOKEN, cc.VICTIM, cc.THIEF, usdt, 5_000_000, 1, when),
        Transfer("ethereum", tx, 1, TransferKind.TOKEN, cc.THIEF, bridge, usdt, 5_000_000, 2, when),
    ])  # fmt: skip
    payload = wormhole.encode_transfer(
        500, bytes.fromhex(cc.USDT[2:]), 2, bytes.fromhex("ab" * 20), 6
    )
    log = EvmLog("ethereum", tx, 2, 2, core, (wormhole.MESSAGE_TOPIC, "0x" + "0" * 24 + bridge[2:]),
                 encode_dynamic([7, 0, payload, 1]))  # fmt: skip
    result = trace_across(graph, [Seed(tx_hash="0x" + "41" * 32, asset=f"ethereum:{cc.USDT}")],
                          TraceParams("ethereum", "haircut"), logs=[log])  # fmt: skip
    (flight,) = result.in_flight
    assert (flight.bridge, flight.dest_chain, flight.dest_address) == (
        "Wormhole",
        "avalanche",
        "0x" + "ab" * 20,
    )
    assert flight.tainted_in == 5_000_000 and flight.reason == "no avalanche data"
    assert result.evm.endpoint_labels[graph.address_id(bridge)].service == "Wormhole"


def test_swap_into_an_unverified_token_is_not_followed() -> None:
    """Value sent out while a look-alike token comes back in the same transaction (a scam
    contract's shape) is not converted into that token: an anomaly, and no link."""
    from datetime import UTC, datetime

    from nkwatch.trace.across import trace_across
    from nkwatch.trace.graph import graph_from_transfers
    from nkwatch.trace.model import Asset, Transfer, TransferKind

    eth = Asset("ethereum", "ETH", 18)
    fake = Asset("ethereum", "USDT", 6, "0x" + "fa" * 20)
    when = datetime(2025, 2, 21, tzinfo=UTC)
    scam, tx = "0x" + "5c" * 20, "0x" + "51" * 32
    graph = graph_from_transfers("ethereum", [
        Transfer("ethereum", "0x" + "50" * 32, 0, TransferKind.NATIVE, cc.VICTIM, cc.THIEF, eth, 10**18, 1, when),
        Transfer("ethereum", tx, 0, TransferKind.NATIVE, cc.THIEF, scam, eth, 10**18, 2, when),
        Transfer("ethereum", tx, 1, TransferKind.TOKEN, scam, cc.THIEF, fake, 10**9, 2, when),
    ])  # fmt: skip
    result = trace_across(
        graph, [Seed(tx_hash="0x" + "50" * 32)], TraceParams("ethereum", "haircut")
    )
    assert result.links == []
    assert [a.kind for a in result.anomalies] == ["unverified-swap"]


def test_transaction_legs_found_whatever_the_order_inside_a_block() -> None:
    """A source may keep a block's token transfers first (the lake does): the swap's legs
    are found among the rows of the same block time, not only among neighbours."""
    from datetime import UTC, datetime

    from nkwatch.trace.graph import graph_from_transfers
    from nkwatch.trace.model import Asset, Transfer, TransferKind
    from nkwatch.trace.txgroups import tx_groups

    eth, usdt = Asset("ethereum", "ETH", 18), Asset("ethereum", "USDT", 6, cc.USDT)
    when = datetime(2025, 2, 21, tzinfo=UTC)
    rows = [Transfer("ethereum", f"0x{i:064x}", 0, TransferKind.TOKEN, cc.VICTIM, f"0x{i:040x}", usdt, 1, 5, when)
            for i in range(1, 80)]  # other transactions' token transfers of the block  # fmt: skip
    swap = "0x" + "ff" * 32
    rows += [Transfer("ethereum", swap, 0, TransferKind.TOKEN, cc.THIEF, cc.POOL, usdt, 10, 5, when),
             Transfer("ethereum", "0x" + "00" * 31 + "01", 1, TransferKind.NATIVE, cc.GAS, cc.VICTIM, eth, 1, 5, when),
             Transfer("ethereum", "0x" + "00" * 32, 1, TransferKind.INTERNAL, cc.POOL, cc.THIEF, eth, 7, 5, when)]  # fmt: skip
    graph = graph_from_transfers("ethereum", rows)
    # make the swap's second leg a different, far-away hash in graph order, then restore it
    # through resolve: the legs of `swap` sit 80 rows apart in one block
    infos = graph.resolve(graph.ref.tolist())
    order = {int(r): info.tx_hash for r, info in infos.items()}
    far = next(i for i in range(graph.n_edges) if order[int(graph.ref[i])] == "0x" + "00" * 32)
    renamed = {int(graph.ref[far]): swap}
    base = graph.resolve
    graph.resolve = lambda refs: {
        r: (base([r])[r] if r not in renamed else type(base([r])[r])(renamed[r], 5)) for r in refs
    }  # type: ignore[method-assign]
    first = next(i for i in range(graph.n_edges) if order[int(graph.ref[i])] == swap)
    h, members = tx_groups(graph, [first])[first]
    assert h == swap and sorted(members) == sorted([first, far]) and abs(first - far) > 32
