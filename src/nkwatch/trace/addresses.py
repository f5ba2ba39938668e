"""Address syntax checks for seeds and labels, per chain family.

EVM: ``0x`` + 40 hex digits (compared lower-case). Bitcoin-like: Base58Check (P2PKH/P2SH,
checksum verified with double SHA-256) or Bech32/Bech32m (BIP-173/350, checksum verified).
"""

from __future__ import annotations

import hashlib
import re

from nkwatch.errors import UserError

EVM_CHAINS = frozenset(
    {"ethereum", "bsc", "polygon", "arbitrum", "optimism", "base", "avalanche", "anvil", "fantom"}
)
UTXO_CHAINS = frozenset({"bitcoin", "litecoin", "bitcoin-cash", "dogecoin"})
_EVM = re.compile(r"^0x[0-9a-fA-F]{40}$")
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _base58check_ok(text: str) -> bool:
    num = 0
    for ch in text:
        pos = _B58.find(ch)
        if pos < 0:
            return False
        num = num * 58 + pos
    raw = num.to_bytes((num.bit_length() + 7) // 8, "big")
    raw = b"\x00" * (len(text) - len(text.lstrip("1"))) + raw
    if len(raw) != 25:
        return False
    check = hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4]
    return check == raw[-4:]


def _bech32_ok(text: str) -> bool:
    lower = text.lower()
    if text != lower and text != text.upper():
        return False
    hrp, sep, data = lower.rpartition("1")
    if not sep or not hrp or len(data) < 6 or any(c not in _BECH32 for c in data):
        return False
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    values += [_BECH32.index(c) for c in data]
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk in (1, 0x2BC830A3)


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
