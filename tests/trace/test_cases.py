"""End-to-end cases on real data: the Bybit hop files and the 2009 Bitcoin sample."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.store import Store
from nkwatch.trace.cluster import coinjoin_kind, multi_input_clusters
from nkwatch.trace.example import ensure_example_case
from nkwatch.trace.freeze import freeze_requests
from nkwatch.trace.importers import import_files
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.model import TxInput, TxOutput, UtxoTx
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.render import render
from nkwatch.trace.report import build_report
from nkwatch.trace.utxo import load_utxo_txs, trace_utxo

THOR = {"0x54acab846901bdbdc553a675d97240511e4bfba2", "0x8b62111bd342c352daf453ccd0676833c0a31ca1"}


def test_bybit_example_reaches_thorchain_and_flags_noise(store: Store) -> None:
    model = ensure_example_case(store)
    report = model.to_data()
    reached = {e["address"]: e for e in report["endpoints"]}
    assert set(reached) >= THOR
    for address in THOR:
        hit = reached[address]
        assert hit["category"] == "bridge" and hit["service"] == "THORChain"
        assert Decimal(hit["amounts"]["ETH"]) > 100 and hit["txs"][0]["tx_hash"].startswith("0x")
    # buckets conserve what was seeded (anchor 400,001 + hop 2's 98,048.79 ETH of swap proceeds)
    eth = {k: Decimal(v) for k, v in report["buckets"]["ETH"].items()}
    assert eth["seeded"] == eth["at_services"] + eth["at_addresses"] + eth["fees"] + eth["dust"]
    hop2 = (resources.files("nkwatch.data") / "chain/bybit_2025/hop2.csv").read_text("utf-8")
    hop2_out = sum(
        Decimal(r["amount"]) for r in csv.DictReader(hop2.splitlines()) if r["kind"] == "native"
    )
    # the anchor's 1 ETH to hop 2 is not counted twice: hop 2 is itself a seed
    assert eth["seeded"] == Decimal("400000") + hop2_out
    fakes = {t["contract"]: t for t in report["noise"]["fake_tokens"]}
    assert len(fakes) >= 17  # 17 impersonating groups at hop 1 alone (case study), plus later ones
    assert all(t["verdict"] in ("fake", "unverified") for t in fakes.values())
    assert any(not t["symbol"].isascii() for t in fakes.values())
    looks = {x["address"]: x["imitates"] for x in report["noise"]["lookalike_addresses"]}
    assert (
        looks["0xa4b24033f4c6d70133e4557c2c32a3fb693e449e"]
        == "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e"
    )
    # the intel capability's incident addresses (FBI PSA list) are shown along the path
    flagged = {f["address"]: f for f in report["flagged_addresses"]}
    assert flagged["0x47666fab8bd0ac7003bce3f5c3585383f09486e2"]["category"] == "incident"
    assert any(f["hops"] >= 1 and "I-022625-PSA" in f["source"] for f in flagged.values())
    # fake tokens are never traced: only genuine assets have buckets
    assert set(report["buckets"]) == {"ETH", "stETH", "mETH", "cmETH"}
    # a second call returns the stored case without re-importing
    assert ensure_example_case(store).generated_at == report["generated_at"]
    requests = freeze_requests(model)
    assert set(requests) == {"THORChain"}
    assert {a["address"] for a in requests["THORChain"]["addresses"]} == THOR
    md = render(model, "md")
    assert "THORChain" in md and "look-alike" in md
    svg = render(model, "svg")
    assert svg.startswith("<svg") and "THORChain (bridge)" in svg


def test_btc_2009_fifo_from_block_9_coinbase_reaches_hal_finney(
    store: Store, shared_data: Path
) -> None:
    import_files(store, "btc-2009", [shared_data / "chain/btc_2009"])
    txs = load_utxo_txs(store, "bitcoin")
    seed = Seed(tx_hash="0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9:0")
    for policy in ("poison", "haircut", "fifo"):
        report = build_report(
            trace_utxo(txs, [seed], TraceParams("bitcoin", policy=policy, max_hops=3), LabelBook())
        ).to_data()
        held = {a["address"]: a["amount"] for a in report["addresses"]}
        assert held["1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3"] == "10", policy  # Hal Finney, block 170
        b = {k: Decimal(v) for k, v in report["buckets"]["BTC"].items()}
        assert (
            b["seeded"] == 50
            and b["seeded"] == b["at_services"] + b["at_addresses"] + b["fees"] + b["dust"]
        )


def _tx(h: str, ins: list[tuple[str, int]], outs: list[tuple[str, int]]) -> UtxoTx:
    return UtxoTx("bitcoin", h, 1, datetime(2020, 1, 1, tzinfo=UTC),
                  tuple(TxInput("p" + h + str(i), 0, a, v) for i, (a, v) in enumerate(ins)),
                  tuple(TxOutput(i, a, v) for i, (a, v) in enumerate(outs)))  # fmt: skip


def test_coinjoin_shapes_and_multi_input_clusters() -> None:
    whirl = _tx(
        "w", [(f"w{i}", 1_100_000) for i in range(5)], [(f"o{i}", 1_000_000) for i in range(5)]
    )
    assert coinjoin_kind(whirl) == "whirlpool"
    jm = _tx(
        "j",
        [(f"j{i}", 5_000_000) for i in range(4)],
        [(f"q{i}", 3_000_000) for i in range(4)] + [("c", 1)],
    )
    assert coinjoin_kind(jm) == "joinmarket"
    wasabi = _tx(
        "s",
        [(f"s{i}", 20_000_000) for i in range(12)],
        [(f"z{i}", 10_000_000) for i in range(11)] + [("c2", 7)],
    )
    assert coinjoin_kind(wasabi) == "wasabi"
    plain = _tx("p", [("a", 5), ("b", 6)], [("c", 8), ("d", 2)])
    assert coinjoin_kind(plain) is None
    clusters, joins = multi_input_clusters(
        [plain, whirl, _tx("q", [("b", 1), ("e", 1)], [("f", 1)])]
    )
    assert clusters["a"] == clusters["b"] == clusters["e"] == "a"
    assert clusters["w0"] != clusters["w1"]  # CoinJoin inputs are not merged
    assert joins == [("w", "whirlpool")]


def test_cli_import_run_report_freeze(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "c.duckdb")]
    hop4 = shared_data / "chain/bybit_2025/hop4.csv"
    r = runner.invoke(cli, ["trace", "import", "etherscan-csv", str(hop4), "--from-address",
                            "0xf302572594a68aa8f951fae64ed3ae7da41c72be", "--assume-decimals", "18", *db])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["added"] == 147
    out = tmp_path / "r.json"
    r = runner.invoke(cli, ["trace", "run", "--seed", "0xf302572594a68aa8f951fae64ed3ae7da41c72be",
                            "--chain", "ethereum", "--policy", "fifo", "--max-hops", "2", "-o", str(out), *db])  # fmt: skip
    assert r.exit_code == 0, r.output
    report = json.loads(out.read_text())
    assert {e["address"] for e in report["endpoints"]} >= THOR
    assert report["parameters"]["policy"] == "fifo" and report["parameters"]["max_hops"] == 2
    for fmt in ("md", "html", "csv", "svg"):
        r = runner.invoke(cli, ["trace", "report", str(out), "--format", fmt])
        assert r.exit_code == 0 and "0x54acab846901bdbdc553a675d97240511e4bfba2" in r.output
    r = runner.invoke(
        cli,
        ["trace", "run", "--seed-tx", "0x" + "ab" * 32, "--chain", "ethereum", "-o", str(out), *db],
    )
    assert r.exit_code == 2 and "seed transaction not in the data" in r.output
    r = runner.invoke(cli, ["trace", "freeze-requests", str(out), "-o", str(tmp_path / "fr")])
    assert r.exit_code == 0 and (tmp_path / "fr" / "freeze-thorchain.md").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "--seed", "0x123", "--chain", "ethereum", "-o", "x.json"],
            "not a valid ethereum address",
        ),
        (["run", "--chain", "ethereum", "-o", "x.json"], "no seed given"),
        (
            [
                "run",
                "--seed",
                "1BoatSLRHtKNngkdXEeobR76b53LETtpyX",
                "--chain",
                "bitcoin",
                "-o",
                "x.json",
            ],
            "not a valid bitcoin",
        ),
        (
            ["run", "--seed-tx", "0x" + "ab" * 32, "--chain", "ethereum", "-o", "x.json"],
            "no ethereum transfers in the store",
        ),
        (["import", "parquet-of-doom", "x"], "unknown import format"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "x").write_text("")
    r = CliRunner().invoke(
        cli, ["trace", *args, "--db", str(tmp_path / "c.duckdb")], catch_exceptions=False
    )
    assert r.exit_code == 2
    assert message in r.output and "Traceback" not in r.output
