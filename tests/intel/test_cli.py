"""The ``nkwatch intel`` commands end to end on a real store file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pymisp import MISPEvent

from nkwatch.cli.main import cli


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.duckdb")


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, ["intel", *args])
    return result


def test_stats_2024_json_reproduces_the_published_checks(db: str) -> None:
    result = run("stats", "--year", "2024", "--by", "actor", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    checks = {c["check"]: c for c in view["checks"]}
    assert checks["growth"]["value"] == "1.0288"
    assert checks["share_of_all_stolen"]["value"] == "0.6091"
    joint = checks["US-JP-ROK joint statement"]
    assert joint["value"] == "659130000" and "2019-11-27-upbit" in joint["incidents"]
    assert "stolen 2019-11-27, attributed 2024-11-21" in joint["explain"]
    assert sum(int(g["usd"]) for g in view["groups"]) == int(view["incident_level"]["usd"])
    assert any("restated" in d or "stolen earlier" in d for d in view["differences"])


def test_stats_attribution_basis_counts_upbit_in_2024(db: str) -> None:
    theft = json.loads(run("stats", "--year", "2019", "--json", "--db", db).output)
    attributed = json.loads(
        run("stats", "--year", "2019", "--basis", "attribution", "--json", "--db", db).output
    )
    assert theft["incident_level"]["incidents"] != attributed["incident_level"]["incidents"]


def test_incident_address_actor(db: str) -> None:
    incident = run("incident", "2024-10-16-radiant-capital", "--db", db)
    assert (
        incident.exit_code == 0 and "0x0629b1048298AE9deff0F4100A31967Fb3f98962" in incident.output
    )
    address = json.loads(
        run("address", "0x0629b1048298AE9deff0F4100A31967Fb3f98962", "--json", "--db", db).output
    )
    assert address["incidents"][0]["id"] == "2024-10-16-radiant-capital"
    assert address["actors"][0]["id"] == "applejeus"
    assert address["sanctions_note"].startswith("no sanctions list imported")
    actor = json.loads(run("actor", "Citrine Sleet", "--json", "--db", db).output)
    assert actor["id"] == "applejeus" and actor["mitre_attack"]["id"] == "G1049"
    assert "2024-10-16-radiant-capital" in {i["id"] for i in actor["incidents"]}


def test_unknown_records_exit_2_with_one_line(db: str) -> None:
    for args in (
        ("incident", "1999-01-01-nothing"),
        ("address", "0xdeadbeef"),
        ("actor", "Nobody"),
    ):
        result = run(*args, "--db", db)
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1 and result.output.startswith(
            "nkwatch: error:"
        )


def test_export_misp_and_chart_commands(db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.json"
    assert run("export", "--format", "misp", "-o", str(out), "--db", db).exit_code == 0
    first = json.loads(out.read_text())["response"][0]
    event = MISPEvent()
    event.load(json.dumps(first))
    assert event.info
    chart = tmp_path / "yearly.svg"
    assert run("chart", "yearly", "-o", str(chart), "--db", db).exit_code == 0
    assert "Chainalysis" in chart.read_text()


def test_load_bundled_confidence_filter_and_history(db: str) -> None:
    assert "loaded" in run("load-bundled", "--db", db).output
    assert "already loaded" in run("load-bundled", "--db", db).output
    gov = json.loads(
        run("stats", "--confidence", "confirmed_government", "--json", "--db", db).output
    )
    every = json.loads(run("stats", "--json", "--db", db).output)
    assert gov["incident_level"]["incidents"] == 29 and every["incident_level"]["incidents"] == 151
    history = run("history", "2024-05-31-dmm-bitcoin", "--db", db)
    assert "nkwatch  insert incident 2024-05-31-dmm-bitcoin" in history.output
