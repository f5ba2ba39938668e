"""Exposure screening end to end over a real store: bundled intel + imported transfers + CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.intel import repository as intel_repo
from nkwatch.settings import Settings
from nkwatch.store import audit, open_store
from nkwatch.trace import repository as trace_repo
from nkwatch.trace.model import Asset, Transfer, TransferKind

ETH = Asset("ethereum", "ETH", 18, None)
EXPLOITER = "0x0fa09c3a328792253f8dee7116848723b72a6d2e"  # Bybit exploiter in the bundled intel
HOP = "0x" + "b2" * 20
DEPOSIT = "0x" + "d2" * 20
CLEAN_DEPOSIT = "0x" + "d3" * 20
CLEAN = "0x" + "c2" * 20
T0 = datetime(2025, 2, 21, 15, tzinfo=UTC)


def _t(n: int, frm: str, to: str, eth: int, minutes: int) -> Transfer:
    return Transfer("ethereum", f"0x{n:064x}", 0, TransferKind.NATIVE, frm, to, ETH,
                    eth * 10**18, 21_895_000 + n, T0 + timedelta(minutes=minutes))  # fmt: skip


@pytest.fixture()
def loaded(settings: Settings) -> Settings:
    with open_store(settings) as store:
        intel_repo.ensure_bundled(store)
        trace_repo.add_transfers(
            store,
            [
                _t(1, EXPLOITER, HOP, 10, 1),
                _t(2, CLEAN, HOP, 30, 2),
                _t(3, HOP, DEPOSIT, 20, 3),
                _t(4, CLEAN, CLEAN_DEPOSIT, 5, 4),
            ],
        )
    return settings


def run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", str(settings.db_path)])
    return result.exit_code, result.output


def test_address_exposure_to_bybit_exploiter(loaded: Settings) -> None:
    code, out = run(loaded, "exposure", "address", DEPOSIT, "--json")
    assert code == 3, out
    data = json.loads(out)
    src = data["sources"][0]
    assert src["category"] == "dprk_incident" and src["dprk_linked"] is True
    assert src["key"] == "dprk_incident:2025-02-21-bybit"
    assert src["indirect"] == "5.000000000000000000"  # 20 * 10/40 under haircut
    assert data["decision"] == "block"  # 25% indirect DPRK >= 10%
    assert [s["from"] for s in src["example_path"]] == [EXPLOITER, HOP]
    assert "bybit.md" in src["provenance"][0]
    code, out = run(loaded, "exposure", "address", DEPOSIT, "--policy", "fifo", "--json")
    assert json.loads(out)["sources"][0]["indirect"] == "10.000000000000000000"
    with open_store(loaded) as store:
        entries = audit.entries(store, action="exposure.address")
    assert len(entries) == 2 and entries[0].result["decision"] == "block"


def test_clean_address_and_tx(loaded: Settings) -> None:
    code, out = run(loaded, "exposure", "address", CLEAN_DEPOSIT)
    assert code == 0 and "ALLOW" in out
    code, out = run(loaded, "exposure", "tx", f"0x{3:064x}", "--json")
    assert code == 3 and json.loads(out)["subject_kind"] == "tx"
    code, out = run(loaded, "exposure", "tx", f"0x{4:064x}", "--json")
    assert code == 0 and json.loads(out)["sources"] == []


def test_batch_file_in_order_with_row_errors(loaded: Settings, tmp_path: Path) -> None:
    deposits = tmp_path / "deposits.csv"
    deposits.write_text(
        "chain,address,tx_hash,amount\n"
        f"ethereum,{DEPOSIT},,20\n"
        f"ethereum,{CLEAN_DEPOSIT},,5\n"
        "ethereum,0x1234,,1\n"
        f"ethereum,,0x{9:064x},1\n"
        f"solana,{DEPOSIT},,1\n"
    )
    out = tmp_path / "out.jsonl"
    code, text = run(loaded, "exposure", "file", str(deposits), "-o", str(out))
    assert code == 3, text
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["decision"] for r in rows] == ["block", "allow", "error", "error", "error"]
    assert "not a valid ethereum address" in rows[2]["error"]
    assert "not in the store" in rows[3]["error"]
    assert "unknown chain" in rows[4]["error"]
    # every screened address's decision is in the audit log (batch decisions share a row)
    with open_store(loaded) as store:
        (entry,) = audit.entries(store, action="exposure.batch")
    assert [(d["subject"], d["decision"]) for d in entry.result["decisions"]] == [
        (DEPOSIT, "block"), (CLEAN_DEPOSIT, "allow")
    ]  # fmt: skip
    assert entry.query["subjects"] == 2 and entry.list_versions
    # each batch row equals the single-subject answer
    _, single = run(loaded, "exposure", "address", DEPOSIT, "--json")
    assert rows[0]["result"]["sources"] == json.loads(single)["sources"]


def test_bad_input_is_one_line_exit_2(loaded: Settings, tmp_path: Path) -> None:
    code, out = run(loaded, "exposure", "address", "0xnot-an-address")
    assert code == 2 and out.count("\n") == 1 and "not a valid" in out
    code, out = run(loaded, "exposure", "address", DEPOSIT, "--chain", "dogechain")
    assert code == 2 and "unknown chain" in out
    latin1 = tmp_path / "bad.csv"
    latin1.write_bytes("address\n0xé\n".encode("latin-1"))
    code, out = run(loaded, "exposure", "file", str(latin1), "-o", str(tmp_path / "o.csv"))
    assert code == 2 and "not UTF-8" in out and "bad.csv:2" in out
