"""Imports from CSV/YAML/JSON: corrections keep who/when/source; bad input changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.intel.importers import read_file
from nkwatch.intel.repository import changes, known_incident_ids, load_dataset, save
from nkwatch.store import Store

HEADER = "incident_id,theft_date,victim,victim_type,amount_usd,amount_native,chains,attribution,attributed_by,attribution_date,confidence,techniques,malware,sources,notes\n"
GOOD = "2026-01-05-example-dex,2026-01-05,Example DEX,defi_protocol,12500000,,ETH;BSC,TraderTraitor,Partner CERT,2026-01-09,attributed_industry,private_key_compromise,,https://example.org/advisory/2,\n"


def _snapshot(store: Store) -> tuple[object, ...]:
    tables = ("intel_incident", "intel_address", "intel_statistic", "intel_change")
    return tuple(store.query(f"SELECT count(*) FROM {t}")[0][0] for t in tables)  # noqa: S608


def _import(store: Store, path: Path) -> None:
    save(store, read_file(path, known_incident_ids(store)), changed_by="analyst")


def test_csv_import_adds_and_corrects_with_provenance(intel_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    dmm = "2024-05-31-dmm-bitcoin,2024-05-31,DMM Bitcoin,centralized_exchange,305000000,4502.9 BTC,BTC,TraderTraitor,Chainalysis,2024-12-24,confirmed_government,,,https://example.org/chainalysis,restated\n"
    path.write_text(HEADER + GOOD + dmm)
    _import(intel_store, path)
    data = load_dataset(intel_store)
    new = data.incident("2026-01-05-example-dex")
    assert new is not None and new.chains == ("ETH", "BSC") and new.primary_actor == "tradertraitor"
    fixed = data.incident("2024-05-31-dmm-bitcoin")
    assert fixed is not None and str(fixed.amount_usd) == "305000000"
    log = changes(intel_store, "2024-05-31-dmm-bitcoin")
    assert log[0]["changed_by"] == "analyst" and log[0]["action"] == "update"
    assert log[0]["source"].startswith("new.csv (sha256 ")
    assert log[-1]["changed_by"] == "nkwatch"


def test_yaml_import_with_addresses(intel_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "feed.yaml"
    path.write_text(
        "incidents:\n"
        "  - {incident_id: 2026-02-01-example-bridge, theft_date: 2026-02-01, victim: Example Bridge,"
        " victim_type: bridge, amount_usd: 3000000, chains: [ETH], attribution: Lazarus Group,"
        " attributed_by: FBI, confidence: confirmed_government, sources: [https://example.org/fbi]}\n"
        "addresses:\n"
        "  - {incident_id: 2026-02-01-example-bridge, chain: ETH, role: exploiter,"
        " address: '0x0629b1048298AE9deff0F4100A31967Fb3f98962', source: FBI release}\n"
    )
    _import(intel_store, path)
    data = load_dataset(intel_store)
    assert any(a.incident_id == "2026-02-01-example-bridge" for a in data.addresses)


BAD_ROWS = {
    "thousands": (
        GOOD.replace(",12500000,", ',"12,500,000",'),
        "thousands separators are not accepted",
    ),
    "currency": (GOOD.replace(",12500000,", ",12500000 EUR,"), "convert other currencies"),
    "symbol": (GOOD.replace(",12500000,", ",€12500000,"), "convert other currencies"),
    "chain": (GOOD.replace("ETH;BSC", "ETH;DOGGO"), "unknown chain/currency 'DOGGO'"),
    "duplicate": (GOOD + GOOD, "duplicate incident id '2026-01-05-example-dex'"),
    "no source": (GOOD.replace("https://example.org/advisory/2", ""), "no sources"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_csv_rows_name_the_record_and_change_nothing(
    case: str, intel_store: Store, tmp_path: Path
) -> None:
    body, message = BAD_ROWS[case]
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD.replace("example-dex", "other-dex") + body)
    before = _snapshot(intel_store)
    with pytest.raises(UserError) as err:
        _import(intel_store, path)
    assert message in err.value.message
    assert "example-dex" in str(err.value) and str(path) in (err.value.where or "")
    assert _snapshot(intel_store) == before


@pytest.mark.parametrize(
    ("address", "chain", "message"),
    [
        ("0x0629b1048298AE9deff0F4100A31967Fb3f9896", "ETH", "malformed ETH address"),
        (
            "0x0629b1048298ae9deff0F4100A31967Fb3f98962",
            "ETH",
            "malformed ETH address",
        ),  # EIP-55 case
        ("1BoatSLRHtKNngkdXEeobR76b53LETtpyX", "BTC", "malformed BTC address"),  # bad checksum
        ("0x0629b1048298AE9deff0F4100A31967Fb3f98962", "ZZZ", "unknown chain/currency 'ZZZ'"),
    ],
)
def test_bad_addresses_are_refused(
    address: str, chain: str, message: str, intel_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "addresses.csv"
    path.write_text(
        "incident_id,chain,address,role,source\n"
        "2025-02-21-bybit,ETH,0x0fa09c3a328792253f8dee7116848723b72a6d2e,laundering_hop,partner\n"
        f"2025-02-21-bybit,{chain},{address},exploiter,partner\n"
    )
    before = _snapshot(intel_store)
    with pytest.raises(UserError) as err:
        _import(intel_store, path)
    assert message in err.value.message and ":3" in (err.value.where or "")
    assert _snapshot(intel_store) == before


def test_cli_import_error_is_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"response": [{"Event": {"uuid": "nope"}}]}))
    db = str(tmp_path / "cli.duckdb")
    result = CliRunner().invoke(cli, ["intel", "import", str(path), "--db", db])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        f"nkwatch: error: {path}: MISP item #0 is not an event (needs Event.info and Event.date)"
    ]


def test_cli_import_of_a_stix_bundle(tmp_path: Path, foreign_bundle: dict[str, object]) -> None:
    path = tmp_path / "partner.json"
    path.write_text(json.dumps(foreign_bundle))
    db = str(tmp_path / "cli.duckdb")
    result = CliRunner().invoke(
        cli, ["intel", "import", str(path), "--db", db, "--by", "partner-desk"]
    )
    assert result.exit_code == 0, result.output
    assert "incident: 1 new" in result.output and "address: 1 new" in result.output
    shown = CliRunner().invoke(
        cli, ["intel", "incident", "2025-02-27-example-exchange", "--db", db]
    )
    assert "partner-desk" in shown.output and "Example Exchange" in shown.output
