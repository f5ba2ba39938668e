"""``nkwatch watch`` as a user runs it: config file, real node, JSON lines on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from tests.scenarios.player import Scenario

from nkwatch.cli.main import cli
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.store.audit import entries
from nkwatch.trace.evm.devnode import AnvilNode

pytestmark = pytest.mark.slow


def write_config(path: Path, scenario: Scenario) -> Path:
    c = scenario.contracts
    path.write_text(
        yaml.safe_dump(
            {
                "name": "cli",
                "start_block": 0,
                "incidents": [{"id": "vault-drain", "seeds": [c["vault"]]}],
                "deposits": [{"address": a, "owner": k} for k, a in scenario.deposits.items()],
                "services": [{"address": c["pool"], "name": "mixer", "category": "mixer"}],
                "sinks": {"stdout": True, "audit": True},
            }
        )
    )
    return path


def test_watch_once_prints_json_lines_and_resumes(
    played: tuple[AnvilNode, Scenario], tmp_path: Path
) -> None:
    node, scenario = played
    config = write_config(tmp_path / "watch.yml", scenario)
    db = tmp_path / "w.duckdb"
    args = ["watch", "--db", str(db), "--rpc", node.url, "--config", str(config), "--once"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    alerts = [json.loads(line) for line in first.stdout.splitlines()]
    deposits = [a for a in alerts if a["kind"] == "deposit"]
    assert {a["to_address"] for a in deposits} == set(scenario.deposits.values())
    assert all(a["path"][0] == scenario.contracts["vault"] and a["tx_hash"] for a in deposits)
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and again.stdout == ""  # nothing new, nothing repeated
    with open_store(Settings.from_env({}, db_path=db)) as store:
        assert len(entries(store, limit=1000, action="watch.alert")) == len(alerts)


def test_watch_unreachable_node_is_one_line_exit_69(tmp_path: Path, played) -> None:
    """An unreachable node is an operational failure (exit 69, EX_UNAVAILABLE), not exit 2."""
    _, scenario = played
    config = write_config(tmp_path / "watch.yml", scenario)
    result = CliRunner().invoke(
        cli,
        [
            "watch",
            "--db",
            str(tmp_path / "x.duckdb"),
            "--rpc",
            "http://127.0.0.1:9",
            "--config",
            str(config),
            "--once",
        ],
    )
    assert result.exit_code == 69
    assert "127.0.0.1:9" in result.output and "Traceback" not in result.output
    assert "unavailable" in result.output
