"""The watch's pure core: forward poison taint over one block, hand-checked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.exposure.watch import process_block, seed_taint
from nkwatch.exposure.watch_config import load_config, parse_config
from nkwatch.trace.evm.decode import BlockHeader, native_asset
from nkwatch.trace.evm.fetch import FetchedBlock
from nkwatch.trace.model import Asset, Transfer, TransferKind

T0 = datetime(2026, 11, 21, tzinfo=UTC)
SEED, A, B, DEP, MIX, X = ("0x" + c * 40 for c in "5abdef")
TOKEN = "0x" + "7" * 40


def tr(
    frm: str, to: str, amount: int, n: int, *, failed: bool = False, token: bool = False
) -> Transfer:
    asset = Asset("ethereum", "SUSD", 6, TOKEN) if token else native_asset("ethereum")
    return Transfer(
        chain="ethereum",
        tx_hash=f"0x{n:064x}",
        index=n if token else 0,
        kind=TransferKind.TOKEN if token else TransferKind.NATIVE,
        from_address=frm,
        to_address=to,
        asset=asset,
        amount=amount,
        block=10,
        timestamp=T0,
        failed=failed,
    )


def block(*rows: Transfer) -> FetchedBlock:
    return FetchedBlock(BlockHeader(10, "0xh10", "0xh9", T0), rows)


CONFIG = parse_config(
    {
        "name": "t",
        "min_amount": {"native": 1000},
        "incidents": [{"id": "heist", "seeds": [SEED]}],
        "deposits": [{"address": DEP, "owner": "Exchange user 7"}],
        "services": [{"address": MIX, "name": "Mixer", "category": "mixer"}],
    },
    "test",
)


def test_taint_follows_in_block_order_and_stops_at_deposits_and_services() -> None:
    taint = seed_taint(CONFIG)
    rows = block(
        tr(B, X, 5000, 1),  # B is not tainted yet: no alert, even though it will be
        tr(SEED, A, 10**18, 2),  # movement: A tainted
        tr(A, B, 10**17, 3),  # movement: B tainted (2 hops)
        tr(B, DEP, 4 * 10**16, 4),  # deposit alert, DEP not tainted
        tr(A, MIX, 10**17, 5),  # service alert, MIX not tainted
        tr(A, X, 999, 6),  # dust: ignored
        tr(A, X, 10**16, 7, failed=True),  # reverted: moves nothing
        tr(DEP, X, 4 * 10**16, 8),  # the sweep: DEP is not a taint source
        tr(A, X, 25 * 10**6, 9, token=True),  # tokens move too (no token dust floor set)
    )
    alerts, added = process_block(CONFIG, taint, rows, 0.0)
    got = [(a.kind, a.from_address, a.to_address, a.amount, a.hops) for a in alerts]
    assert got == [
        ("movement", SEED, A, str(10**18), 1),
        ("movement", A, B, str(10**17), 2),
        ("deposit", B, DEP, str(4 * 10**16), 3),
        ("service", A, MIX, str(10**17), 2),
        ("movement", A, X, str(25 * 10**6), 2),
    ]
    deposit = alerts[2]
    assert deposit.path == (SEED, A, B, DEP) and deposit.target == "Exchange user 7"
    assert deposit.amount_units == "0.04" and deposit.asset == "ETH"
    assert deposit.seed_source == "watch config"
    assert alerts[4].asset == "SUSD" and alerts[4].amount_units == "25"
    assert {t.address for t in added} == {A, B, X}
    assert DEP not in taint and MIX not in taint
    # keys are unique per event and stable when the same block is processed again
    again, _ = process_block(CONFIG, seed_taint(CONFIG), rows, 99.0)
    assert [a.key for a in again] == [a.key for a in alerts]
    assert len({a.key for a in alerts}) == len(alerts)


def test_config_errors_name_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "w.yml"
    bad.write_text("incidents:\n  - id: x\n    seeds: [0x1234]\n")
    with pytest.raises(UserError, match=r"incidents\.0\.seeds.*not an EVM address"):
        load_config(bad)
    bad.write_text("incidents: [\n")
    with pytest.raises(UserError, match="not valid YAML at line"):
        load_config(bad)
    bad.write_text("name: x\n")
    with pytest.raises(UserError, match="nothing to watch"):
        load_config(bad)
    bad.write_text(f"deposits: [{{address: '{DEP}'}}]\nsinks: {{webhook: {{url: 'ftp://x'}}}}\n")
    with pytest.raises(UserError, match=r"sinks\.webhook\.url"):
        load_config(bad)


def test_cli_reports_bad_config_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "w.yml"
    bad.write_text("incidents: [{id: x, seeds: ['nope']}]\n")
    result = CliRunner().invoke(
        cli,
        [
            "watch",
            "--db",
            str(tmp_path / "db.duckdb"),
            "--rpc",
            "http://127.0.0.1:1",
            "--config",
            str(bad),
        ],
    )
    assert result.exit_code == 2
    assert "not an EVM address" in result.output and "Traceback" not in result.output


def test_incident_seeds_come_from_intel_with_their_sources() -> None:
    from nkwatch.exposure.watch_config import SEED_ROLES, resolve_seeds
    from nkwatch.intel.dataset import load_bundled

    dataset = load_bundled()
    config = parse_config(
        {"incidents": [{"id": "2025-02-21-bybit"}, {"id": "mine", "seeds": [SEED]}]}, "w.yml"
    )
    resolved = resolve_seeds(config, dataset, "w.yml")
    bybit, mine = resolved.incidents
    expected = {
        a.address.lower()
        for a in dataset.addresses
        if a.incident_id == "2025-02-21-bybit" and a.chain == "ETH" and a.role.value in SEED_ROLES
    }
    assert set(bybit.seeds) == expected and len(expected) > 5
    assert len(bybit.seed_sources) == len(bybit.seeds) and all(bybit.seed_sources)
    assert "Bybit" in bybit.name
    assert mine.seeds == (SEED,) and mine.seed_sources == ("watch config",)
    unknown = parse_config({"incidents": [{"id": "no-such-heist"}]}, "w.yml")
    with pytest.raises(UserError, match="no-such-heist: no seeds given"):
        resolve_seeds(unknown, dataset, "w.yml")
