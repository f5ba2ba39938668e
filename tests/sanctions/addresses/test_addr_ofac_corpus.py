"""Every digital-currency address on the real OFAC list (2025-11-19 issue, 758 entries)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkwatch.sanctions.addresses import check_listed, parse_address

# The two published entries that are not valid for their currency code. Flagged, not hidden:
# a Tron address filed under XBT, and a 64-hex string (a transaction hash or key, not an
# address) filed under XMR.
KNOWN_ODD = {
    ("XBT", "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq"): "TRX",
    ("XMR", "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320"): None,
}


def _listed(shared_data: Path) -> list[tuple[str, str]]:
    folder = shared_data / "sanctions" / "ofac_crypto_addresses_2025-12-04"
    rows = []
    for path in sorted(folder.glob("sanctioned_addresses_*.txt")):
        currency = path.stem.rsplit("_", 1)[1]
        rows += [(currency, line) for line in path.read_text("ascii").splitlines() if line]
    return rows


def test_all_758_listed_addresses_validate_or_are_flagged(shared_data: Path) -> None:
    rows = _listed(shared_data)
    assert len(rows) == 758
    odd = {}
    for currency, address in rows:
        check = check_listed(currency, address)
        if not check.valid:
            odd[(currency, address)] = check.parsed.chain if check.parsed else None
            assert check.problem
    assert odd == KNOWN_ODD


def test_listed_addresses_canonicalise_stably(shared_data: Path) -> None:
    for currency, address in _listed(shared_data):
        if (currency, address) in KNOWN_ODD:
            continue
        parsed = parse_address(address, currency)
        # canonicalising the canonical form is the identity
        assert parse_address(parsed.canonical, currency).canonical == parsed.canonical
        if parsed.evm:
            assert parsed.canonical == address.lower()
            assert parse_address(address.lower(), currency).canonical == parsed.canonical
        elif parsed.format in {"p2wpkh", "p2wsh", "p2tr"}:
            assert parse_address(address.upper(), currency).canonical == address.lower()


@pytest.mark.parametrize(
    ("currency", "expected_formats"),
    [
        ("XMR", {"monero-standard", "monero-subaddress"}),
        ("BCH", {"cashaddr-p2pkh", "p2pkh"}),
        ("LTC", {"p2pkh", "p2sh"}),
        ("USDT", {"evm", "tron", "p2pkh", "p2sh"}),
        ("ZEC", {"t-p2pkh"}),
    ],
)
def test_formats_seen_per_currency(
    shared_data: Path, currency: str, expected_formats: set[str]
) -> None:
    formats = {
        parse_address(address, currency).format
        for cur, address in _listed(shared_data)
        if cur == currency and (cur, address) not in KNOWN_ODD
    }
    assert formats == expected_formats
