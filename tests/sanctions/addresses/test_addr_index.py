"""The sanctioned-address index over hand-made parties (real addresses from the OFAC list)."""

from __future__ import annotations

import pytest

from nkwatch.errors import UserError
from nkwatch.sanctions.addresses import build_index
from nkwatch.sanctions.model import CryptoAddress, Party, PartyName, Schema

LAZARUS_ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"  # mixed case, EIP-55


def _party(entity_id: str, *addresses: tuple[str, str]) -> Party:
    return Party(
        entity_id=entity_id,
        list_id="us_ofac_sdn",
        schema=Schema.ORGANIZATION,
        names=(PartyName(entity_id.upper()),),
        crypto_addresses=tuple(CryptoAddress(c, a) for c, a in addresses),
    )


@pytest.fixture()
def index():  # type: ignore[no-untyped-def]
    return build_index(
        [
            _party(
                "ofac-lazarus",
                ("ETH", LAZARUS_ETH),
                ("XBT", "bc1q05aktddf9ce4p7hh3stgsf253m4vweu7nkhtmw"),
            ),
            _party("ofac-bch", ("BCH", "18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB")),
            _party(
                "ofac-multi",
                ("ARB", "0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c"),
                ("BSC", "0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c"),
            ),
            _party(
                "ofac-xmr",
                ("XMR", "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320"),
            ),
        ]
    )


def test_evm_found_in_any_case_and_on_any_evm_chain(index) -> None:  # type: ignore[no-untyped-def]
    for query in (
        LAZARUS_ETH,
        LAZARUS_ETH.lower(),
        "0x" + LAZARUS_ETH[2:].upper(),
        f"  {LAZARUS_ETH}\n",
    ):
        found = index.lookup(query)
        assert [x.entity_id for x in found.listings] == ["ofac-lazarus"]
        assert found.listings[0].canonical == LAZARUS_ETH.lower()
    assert index.lookup(LAZARUS_ETH.lower(), "BSC").hit
    assert index.lookup(LAZARUS_ETH, "ARB").hit


def test_one_evm_identity_listed_on_two_currencies(index) -> None:  # type: ignore[no-untyped-def]
    found = index.lookup("0x4F47BC496083C727C5FBE3CE9CDF2B0F6496270C", "ETH")
    assert sorted(x.currency for x in found.listings) == ["ARB", "BSC"]


def test_bech32_case_insensitive(index) -> None:  # type: ignore[no-untyped-def]
    assert index.lookup("BC1Q05AKTDDF9CE4P7HH3STGSF253M4VWEU7NKHTMW").hit


def test_bch_legacy_listing_found_by_cashaddr(index) -> None:  # type: ignore[no-untyped-def]
    legacy = "18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB"
    from nkwatch.sanctions.addresses import parse_address

    cash = parse_address(legacy, "BCH").aliases[0]
    assert cash.startswith("bitcoincash:q")
    assert [x.entity_id for x in index.lookup(cash).listings] == ["ofac-bch"]
    assert [x.entity_id for x in index.lookup(cash.split(":")[1]).listings] == ["ofac-bch"]
    assert index.lookup(legacy).hit


def test_odd_listing_is_flagged_and_still_found(index) -> None:  # type: ignore[no-untyped-def]
    odd = "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320"
    assert [x.published for x in index.anomalies] == [odd]
    found = index.lookup(odd)
    assert found.hit and found.listings[0].problem
    assert len(index) == 6


def test_miss_bad_checksum_and_wrong_chain(index) -> None:  # type: ignore[no-untyped-def]
    assert not index.lookup("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").hit
    broken = LAZARUS_ETH[:5] + LAZARUS_ETH[5].swapcase() + LAZARUS_ETH[6:]  # B -> b
    with pytest.raises(UserError, match="invalid EIP-55 checksum"):
        index.lookup(broken)
    with pytest.raises(UserError, match="not a valid TRX"):
        index.lookup(LAZARUS_ETH, "TRX")
