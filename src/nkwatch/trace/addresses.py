"""Address syntax checks for seeds and labels, per chain family.

EVM: ``0x`` + 40 hex digits (compared lower-case). Bitcoin-like: Base58Check (P2PKH/P2SH,
checksum verified with double SHA-256) or Bech32/Bech32m (BIP-173/350, checksum verified),
using the sanctions module's codecs so the product has one set of address rules.
"""

from __future__ import annotations

import re

from nkwatch.errors import UserError
from nkwatch.sanctions.addresses import base58, bech32

EVM_CHAINS = frozenset(
    {"ethereum", "bsc", "polygon", "arbitrum", "optimism", "base", "avalanche", "anvil", "fantom"}
)
UTXO_CHAINS = frozenset({"bitcoin", "litecoin", "bitcoin-cash", "dogecoin"})
_EVM = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _base58check_ok(text: str) -> bool:
    """A 25-byte Base58Check string (P2PKH/P2SH shape) whose checksum verifies."""
    try:
        return len(base58.decode_check(text)) == 21
    except ValueError:
        return False


def _bech32_ok(text: str) -> bool:
    """Bech32 or Bech32m text (BIP-173/350) whose checksum verifies, for any HRP."""
    try:
        parts = bech32.split(text)
        if parts is None:
            return False
        bech32.verify(*parts)
    except ValueError:
        return False
    return True


def is_valid_address(chain: str, address: str) -> bool:
    if chain in EVM_CHAINS or address.lower().startswith("0x"):
        return bool(_EVM.match(address))
    if chain in UTXO_CHAINS:
        return _base58check_ok(address) or _bech32_ok(address)
    return bool(address) and not any(c.isspace() for c in address)


def check_address(chain: str, address: str, *, where: str) -> None:
    """Raise a UserError for an invalid seed; Bitcoin-like chains use the sanctions module's
    validators (one set of address rules in the product) when they know the chain."""
    if not is_valid_address(chain, address):
        raise UserError(f"not a valid {chain} address: {address!r}", where=where)
    if chain in ("bitcoin", "litecoin"):
        from nkwatch.sanctions.addresses import parse_address

        try:
            parse_address(address, chain)
        except UserError as exc:
            raise UserError(f"not a valid {chain} address: {exc.message}", where=where) from exc
