"""``--rpc bitcoin=URL``: the trace crosses THORChain into a Bitcoin Core node (scripted on
loopback, real HTTP and JSON-RPC batches) and goes on there to the exchange, exactly; the
node's failures are one line each (unreachable: exit 69; wrong node, bad answers: exit 2)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.scenarios.bitcoind import Bitcoind, Chain, Out, Tx, txid
from tests.trace import crosschain_case as cc

from nkwatch.cli.main import cli
from nkwatch.settings import Settings
from nkwatch.store import open_store

FEE = 10_000
POOL = 5_000_000  # a Whirlpool pool denomination (0.05 BTC)


def bitcoin_chain() -> Chain:
    """The Bitcoin side of ``crosschain_case`` as mined blocks around the departure (Ethereum
    block 30 at T0 + 360): THORChain's outbound naming it, the deposit at the exchange, the
    change into a Whirlpool CoinJoin, an unrelated THORChain outbound and a forged memo."""
    chain = Chain(start=cc.T0 - 6 * 3600)
    chain.pad_to(35)
    vault_in = chain.blocks[5][0].txid
    coins = [chain.blocks[h][0].txid for h in range(10, 14)]
    out_memo = f"OUT:{cc.DEP_BTC[2:].upper()}"
    chain.pad_to(39)
    chain.mine(Tx(cc.b(2), ((vault_in, 0),),
                  (Out(cc.BTC_DEST, 150_000_000), Out(None, 0, out_memo),
                   Out(cc.BTC_VAULT, 625_000_000 - 150_000_000 - FEE))))  # fmt: skip
    chain.mine(Tx(txid(1), ((chain.blocks[6][0].txid, 0),),  # THORChain paying someone else
                  (Out(cc.BTC_OTHER, 1_000_000), Out(None, 0, f"OUT:{'cd' * 32}"))))  # fmt: skip
    chain.mine(Tx(cc.b(3), ((cc.b(2), 0),),
                  (Out(cc.BTC_EXCHANGE, 120_000_000), Out(cc.BTC_OTHER, 29_990_000))))  # fmt: skip
    chain.mine(Tx(cc.b(4), ((cc.b(2), 2),),
                  (Out(cc.BTC_OTHER, 100_000), Out(None, 0, f"OUT:{cc.FORGED_INBOUND[2:]}"))))  # fmt: skip
    chain.mine(Tx(txid(2), ((cc.b(3), 1), *((c, 0) for c in coins)),
                  tuple(Out(a, POOL) for a in (cc.BTC_OTHER, *[cc.BTC_DEST] * 4))))  # fmt: skip
    chain.pad_to(50)
    return chain


@pytest.fixture()
def node() -> Iterator[Bitcoind]:
    server = Bitcoind(bitcoin_chain())
    yield server
    server.close()


def _ethereum_only(folder: Path) -> list[str]:
    case = cc.write_case(folder)
    labels = folder / "labels.csv"
    labels.write_text(cc.LABELS_CSV, encoding="utf-8")
    db = ["--db", str(folder / "c.duckdb")]
    runner = CliRunner()
    for args in (["trace", "import", "ethereum-etl", *map(str, case.eth_files)],
                 ["trace", "labels", "csv", str(labels)]):  # fmt: skip
        result = runner.invoke(cli, [*args, *db], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return db


def _run(db: list[str], out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["trace", "run", *args, "-o", str(out), *db])
    return result.exit_code, result.output


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_ethereum_seed_crosses_into_the_bitcoin_node(
    node: Bitcoind, tmp_path: Path, policy: str
) -> None:
    db = _ethereum_only(tmp_path)
    out = tmp_path / "r.json"
    code, text = _run(db, out, "--seed", cc.THIEF, "--chain", "ethereum", "--policy", policy,
                      "--rpc", f"bitcoin={node.url}", "--scan-blocks", "20")  # fmt: skip
    assert code == 0, text
    report = json.loads(out.read_text())
    btc = {e["address"]: e["amounts"] for e in report["endpoints"] if e["chain"] == "bitcoin"}
    assert btc == {cc.BTC_EXCHANGE: {"BTC": "1.2"}, f"coinjoin:{txid(2)}": {"BTC": "0.2999"}}
    bridge = next(lk for lk in report["links"] if lk["kind"] == "bridge"
                  and lk["target"]["chain"] == "bitcoin")  # fmt: skip
    assert bridge["source"]["tx_hash"] == cc.DEP_BTC and bridge["target"]["tx_hash"] == cc.b(2)
    assert int(bridge["base_units"]["converted"]) == 150_000_000
    assert any(f"OUT:{cc.DEP_BTC[2:].upper()}" in ev for ev in bridge["evidence"])
    btc_bucket = report["buckets"]["BTC"]
    parts = sum(Decimal(btc_bucket[k]) for k in ("at_services", "at_addresses", "fees", "dust"))
    assert parts == Decimal(btc_bucket["seeded"]) == Decimal("1.5")
    # the litecoin departure has no node: still left for its chain, never dropped
    assert any(f["destination_chain"] == "litecoin" for f in report["in_flight"])
    # only what names this case's departures is kept from the node; the password is not
    with open_store(Settings.from_env({"HOME": str(tmp_path)}, db_path=Path(db[1]))) as store:
        kept = store.conn.execute(
            "SELECT tx_hash, source FROM trace_utxo_txs ORDER BY block"
        ).fetchall()
    assert [h for h, _ in kept] == [cc.b(2), cc.b(3), txid(2)]
    assert {s for _, s in kept} == {"rpc:" + node.url.replace("user:secret@", "")}
    assert "getblock" in node.methods() and "getrawtransaction" not in node.methods()


def test_core_22_without_prevouts_looks_parents_up(tmp_path: Path) -> None:
    server = Bitcoind(bitcoin_chain(), old=True)
    try:
        db = _ethereum_only(tmp_path)
        code, text = _run(db, tmp_path / "r.json", "--seed", cc.THIEF, "--chain", "ethereum",
                          "--rpc", f"bitcoin={server.url}", "--scan-blocks", "20")  # fmt: skip
        assert code == 0, text
        report = json.loads((tmp_path / "r.json").read_text())
        assert any(e["address"] == cc.BTC_EXCHANGE and e["amounts"] == {"BTC": "1.2"}
                   for e in report["endpoints"])  # fmt: skip
        assert "getrawtransaction" in server.methods()
    finally:
        server.close()
    server = Bitcoind(bitcoin_chain(), old=True, txindex=False)
    try:
        code, text = _run(db, tmp_path / "r.json", "--seed", cc.THIEF, "--chain", "ethereum",
                          "--rpc", f"bitcoin={server.url}", "--scan-blocks", "20")  # fmt: skip
    finally:
        server.close()
    assert code == 2 and "-txindex" in text and len(text.strip().splitlines()) == 1
    assert "secret" not in text


def test_bitcoin_seed_traced_straight_from_the_node(node: Bitcoind, tmp_path: Path) -> None:
    db = _ethereum_only(tmp_path)
    out = tmp_path / "r.json"
    code, text = _run(db, out, "--seed-tx", f"{cc.b(2)}:0", "--chain", "bitcoin",
                      "--rpc", node.url, "--policy", "haircut")  # fmt: skip
    assert code == 0, text
    report = json.loads(out.read_text())
    assert [(e["address"], e["amounts"]) for e in report["endpoints"]][0] == (
        cc.BTC_EXCHANGE, {"BTC": "1.2"})  # fmt: skip
    code, text = _run(db, out, "--seed", cc.BTC_DEST, "--chain", "bitcoin", "--rpc", node.url)
    assert code == 2 and "--seed-tx" in text


def test_midgard_export_and_a_node_without_logs(node: Bitcoind, tmp_path: Path) -> None:
    """An explorer-style import (no logs): the Midgard export names the inbound, the node
    gives the outbound (found by its OUT: memo) and the spends after it."""
    case = cc.write_case(tmp_path)
    coins = [{"asset": "ETH.ETH", "amount": str(200 * 10**8)}]
    actions = {"actions": [{
        "type": "swap", "status": "success", "date": "0",
        "metadata": {"swap": {"memo": f"=:b:{cc.BTC_DEST}"}},
        "in": [{"txID": cc.DEP_BTC[2:].upper(), "address": cc.THIEF, "coins": coins}],
        "out": [{"txID": cc.b(2).upper(), "address": cc.BTC_DEST,
                 "coins": [{"asset": "BTC.BTC", "amount": "150000000"}]}],
    }]}  # fmt: skip
    midgard = tmp_path / "actions.json"
    midgard.write_text(json.dumps(actions), encoding="utf-8")
    labels = tmp_path / "labels.csv"
    labels.write_text(cc.LABELS_CSV, encoding="utf-8")
    db = ["--db", str(tmp_path / "m.duckdb")]
    no_logs = [str(p) for p in case.eth_files if p.suffix != ".json"]
    runner = CliRunner()
    for args in (
        ["trace", "import", "ethereum-etl", *no_logs],
        ["trace", "labels", "csv", str(labels)],
    ):
        result = runner.invoke(cli, [*args, *db], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    out = tmp_path / "r.json"
    code, text = _run(db, out, "--seed", cc.THIEF, "--chain", "ethereum", "--midgard", str(midgard),
                      "--rpc", f"bitcoin={node.url}", "--scan-blocks", "20")  # fmt: skip
    assert code == 0, text
    report = json.loads(out.read_text())
    bridge = next(lk for lk in report["links"] if lk["kind"] == "bridge")
    assert bridge["target"]["tx_hash"] == cc.b(2) and bridge["converted"] == "1.5"
    assert any("Midgard action" in ev for ev in bridge["evidence"])
    router = next(e for e in report["endpoints"] if e["address"] == cc.ROUTER)
    assert "bridge to bitcoin" in router["bridge_destination"]
    assert any(e["address"] == cc.BTC_EXCHANGE and e["amounts"] == {"BTC": "1.2"}
               for e in report["endpoints"])  # fmt: skip


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_node_is_exit_69_in_one_line(tmp_path: Path) -> None:
    db = _ethereum_only(tmp_path)
    url = f"http://u:pw@127.0.0.1:{_closed_port()}"
    code, text = _run(db, tmp_path / "r.json", "--seed", cc.THIEF, "--chain", "ethereum",
                      "--rpc", f"bitcoin={url}")  # fmt: skip
    assert code == 69, text
    assert len(text.strip().splitlines()) == 1 and text.startswith("nkwatch: unavailable:")
    assert "pw" not in text and "Traceback" not in text


def _against(server: Bitcoind, tmp_path: Path) -> tuple[int, str]:
    """A trace from the thief with ``server`` as the Bitcoin node (closed afterwards)."""
    try:
        db = _ethereum_only(tmp_path)
        return _run(db, tmp_path / "r.json", "--seed", cc.THIEF, "--chain", "ethereum",
                    "--rpc", f"bitcoin={server.url}", "--scan-blocks", "20")  # fmt: skip
    finally:
        server.close()


def test_refused_credentials_are_a_user_error(tmp_path: Path) -> None:
    code, text = _against(Bitcoind(bitcoin_chain(), status=401), tmp_path)
    assert code == 2 and "refused the credentials (HTTP 401)" in text and "secret" not in text


@pytest.mark.parametrize(
    ("garbage", "said"),
    [("getblockchaininfo", "not a Bitcoin Core answer"), ("getblock", "not a Bitcoin Core answer")],
)
def test_bad_answers_are_user_errors(tmp_path: Path, garbage: str, said: str) -> None:
    code, text = _against(Bitcoind(bitcoin_chain(), garbage=garbage), tmp_path)
    assert code == 2 and said in text and len(text.strip().splitlines()) == 1, text


def test_an_evm_node_given_as_bitcoin_and_other_chains_are_refused(tmp_path: Path) -> None:
    server = Bitcoind(bitcoin_chain())
    server.answer = lambda call: {  # type: ignore[method-assign]
        "jsonrpc": "2.0",
        "id": call["id"],
        "error": {"code": -32601, "message": "Method not found"},
    }
    code, text = _against(server, tmp_path)
    assert code == 2 and "not a Bitcoin Core node" in text
    code, text = _run(["--db", str(tmp_path / "c.duckdb")], tmp_path / "r.json", "--seed",
                      cc.THIEF, "--chain", "ethereum", "--rpc", "bsc=http://127.0.0.1:1")  # fmt: skip
    assert code == 2 and "bsc node is not used here" in text
