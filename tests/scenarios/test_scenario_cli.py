"""``nkwatch trace run --rpc`` on the live scenario node, as a responder runs it: labels
from a CSV, a seed address, a policy; the report and the freeze requests name every exchange
deposit address with the exact laundered amount."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.scenarios.player import ETH, Scenario

from nkwatch.cli.main import cli
from nkwatch.trace.evm.devnode import AnvilNode

pytestmark = pytest.mark.slow


def test_trace_run_rpc_reports_every_deposit_and_writes_freeze_requests(
    played: tuple[AnvilNode, Scenario], tmp_path: Path
) -> None:
    node, scenario = played
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "chain,address,service,category\n"
        + "".join(f"ethereum,{a},{svc},{cat}\n" for a, (svc, cat) in scenario.labels.items())
    )
    db = str(tmp_path / "db.duckdb")
    runner = CliRunner()
    imported = runner.invoke(cli, ["trace", "labels", "csv", str(labels), "--db", db])
    assert imported.exit_code == 0, imported.output
    report_path = tmp_path / "report.json"
    args = ["trace", "run", "--db", db, "--rpc", node.url, "--chain", "ethereum"]
    args += ["--seed", scenario.contracts["vault"], "--policy", "fifo", "-o", str(report_path)]
    ran = runner.invoke(cli, args)
    assert ran.exit_code == 0, ran.output
    report = json.loads(report_path.read_text())
    found = {e["address"]: e["amounts"] for e in report["endpoints"]}
    expected = {a: {"ETH": str(v["ETH"] // ETH)} for a, v in scenario.truth.traceable.items()}
    expected[scenario.contracts["pool"]] = {"ETH": "30"}  # entered the mixer
    assert found == expected
    eth = report["buckets"]["ETH"]
    total = sum(Decimal(eth[k]) for k in ("at_services", "at_addresses", "fees", "dust"))
    assert Decimal(eth["seeded"]) == total == 1200
    out = tmp_path / "freeze"
    frozen = runner.invoke(cli, ["trace", "freeze-requests", str(report_path), "-o", str(out)])
    assert frozen.exit_code == 0, frozen.output
    text = " ".join(p.read_text() for p in out.iterdir())
    assert all(address in text for address in scenario.deposits.values())
