"""List diff: pure behaviour on small documents, and the real 2024 -> 2025 OFAC change."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.sanctions import repository
from nkwatch.sanctions.diff import address_key, diff_documents
from nkwatch.sanctions.model import CryptoAddress, ListDocument, Party, PartyName, Schema
from nkwatch.settings import Settings
from nkwatch.store import open_store

pytestmark = pytest.mark.slow  # parses the full OFAC file(s)

TORNADO_REMOVED = (
    "0x8589427373d6d84e98730d7795d8f6f8731fda16",
    "0x722122df12d4e14e13ac3b6895a86e84145b6967",
    "0xd90e2f925da726b50c4ed8d0fb90ad053324f31b",
)


def _doc(parties: tuple[Party, ...], day: int) -> ListDocument:
    return ListDocument("test", "Test", date(2025, 1, day), f"{day:064d}", "t.xml", parties)


def _party(entity_id: str, *addresses: str, programs: tuple[str, ...] = ("DPRK3",)) -> Party:
    return Party(
        entity_id=entity_id,
        list_id="test",
        schema=Schema.ORGANIZATION,
        names=(PartyName(f"Party {entity_id}"),),
        programs=programs,
        crypto_addresses=tuple(CryptoAddress("ETH", a) for a in addresses),
    )


def test_address_key_lowercases_only_evm_hex() -> None:
    assert address_key("0x098B716B8Aaf21512996dC57EB0615e2383E2f96") == (
        "0x098b716b8aaf21512996dc57eb0615e2383e2f96"
    )
    assert (
        address_key(" 1AXUTu9y3H8w4wYx4BjyFWgRhZKDhmcMrn ") == "1AXUTu9y3H8w4wYx4BjyFWgRhZKDhmcMrn"
    )


def test_case_change_of_an_evm_address_is_not_a_change() -> None:
    mixed = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
    old = _doc((_party("a", mixed),), 1)
    new = _doc((_party("a", mixed.lower()),), 2)
    diff = diff_documents(old, new)
    assert diff.changed == () and diff.addresses_added == () and diff.addresses_removed == ()


def test_added_removed_changed_parties_and_addresses() -> None:
    old = _doc((_party("a", "0x" + "1" * 40), _party("b"), _party("c")), 1)
    new = _doc(
        (
            _party("a", "0x" + "2" * 40),
            _party("c", programs=("DPRK3", "CYBER2")),
            _party("d"),
        ),
        2,
    )
    diff = diff_documents(old, new)
    assert [p.entity_id for p in diff.added] == ["d"]
    assert [p.entity_id for p in diff.removed] == ["b"]
    changes = {c.party.entity_id: c for c in diff.changed}
    assert changes["a"].fields == ("crypto_addresses",)
    assert changes["c"].fields == ("programs",)
    assert changes["c"].changes[0].added == ("CYBER2",) and changes["c"].changes[0].removed == ()
    assert [a.address for a in diff.addresses_added] == ["0x" + "2" * 40]
    assert [a.address for a in diff.addresses_removed] == ["0x" + "1" * 40]
    assert json.loads(json.dumps(diff.to_dict()))["changed"][0]["fields"] == ["crypto_addresses"]


def test_identical_documents_have_an_empty_diff(un_doc: ListDocument) -> None:
    shuffled = dataclasses.replace(un_doc, parties=tuple(reversed(un_doc.parties)))
    diff = diff_documents(un_doc, shuffled)
    assert (diff.added, diff.removed, diff.changed) == ((), (), ())


def test_ofac_2024_to_2025_removes_90_tornado_cash_eth_addresses(
    ofac_2024: ListDocument, ofac_2025: ListDocument
) -> None:
    diff = diff_documents(ofac_2024, ofac_2025)
    tornado = [a for a in diff.addresses_removed if a.caption == "TORNADO CASH"]
    assert len(tornado) == 90
    assert {a.currency for a in tornado} == {"ETH"}
    removed = {address_key(a.address) for a in tornado}
    assert set(TORNADO_REMOVED) <= removed
    assert "TORNADO CASH" in {p.caption for p in diff.removed}
    assert len(diff.added) > 3000 and len(diff.addresses_added) > 100
    lazarus = next(p for p in ofac_2025.parties if p.entity_id == "ofac-27307")
    assert lazarus.entity_id not in {p.entity_id for p in diff.removed}


def test_cli_diff_by_version_prefix_and_by_file(
    tmp_path: Path,
    ofac_2024: ListDocument,
    ofac_2025: ListDocument,
    un_doc: ListDocument,
    un_path: Path,
) -> None:
    db = tmp_path / "d.duckdb"
    with open_store(Settings.from_env({}, db_path=db)) as store:
        for doc in (ofac_2024, ofac_2025, un_doc):
            repository.import_document(store, doc)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["lists", "diff", "--db", str(db), "--json", "us_ofac_sdn@2024", ofac_2025.sha256[:12]]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["old_version"], data["new_version"]) == (
        ofac_2024.version_id,
        ofac_2025.version_id,
    )
    removed = [a for a in data["addresses_removed"] if a["caption"] == "TORNADO CASH"]
    assert len(removed) == 90
    # A file against the stored version of the same bytes: nothing changed.
    same = runner.invoke(cli, ["lists", "diff", "--db", str(db), str(un_path), "un_sc"])
    assert same.exit_code == 0, same.output
    assert "designations: 0 added, 0 removed, 0 changed" in same.output
    bad = runner.invoke(cli, ["lists", "diff", "--db", str(db), "us_ofac_sdn@1999", "un_sc"])
    assert bad.exit_code == 2 and "no list version matches" in bad.stderr
