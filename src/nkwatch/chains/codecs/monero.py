"""Monero addresses: block-wise base58 and a Keccak-256 checksum.

Monero splits the bytes into 8-byte blocks, each written as exactly 11 base58 digits
(a shorter final block uses the width in ``_ENCODED_SIZES``), so it is not the Bitcoin
big-number base58. Layout: varint network prefix || public spend key (32) || public view
key (32) [|| payment id (8) for integrated addresses] || keccak256(prefix..)[:4].
"""

from __future__ import annotations

from dataclasses import dataclass

from nkwatch.chains.codecs.base58 import BITCOIN_ALPHABET, Base58Error
from nkwatch.chains.codecs.keccak import keccak256

_MAP = {ch: i for i, ch in enumerate(BITCOIN_ALPHABET)}
_FULL_BLOCK = 8
_FULL_ENCODED = 11
_ENCODED_SIZES = (0, 2, 3, 5, 6, 7, 9, 10, 11)  # bytes in block -> base58 digits

# Network prefixes (varint values that fit in one byte here) -> (network, kind).
PREFIXES: dict[int, tuple[str, str]] = {
    18: ("mainnet", "standard"),
    19: ("mainnet", "integrated"),
    42: ("mainnet", "subaddress"),
    53: ("testnet", "standard"),
    54: ("testnet", "integrated"),
    63: ("testnet", "subaddress"),
    24: ("stagenet", "standard"),
    25: ("stagenet", "integrated"),
    36: ("stagenet", "subaddress"),
}


def decode(text: str) -> bytes:
    out = bytearray()
    for start in range(0, len(text), _FULL_ENCODED):
        block = text[start : start + _FULL_ENCODED]
        try:
            size = _ENCODED_SIZES.index(len(block))
        except ValueError:
            raise Base58Error(f"invalid Monero base58 block length {len(block)}") from None
        n = 0
        for ch in block:
            digit = _MAP.get(ch)
            if digit is None:
                raise Base58Error(f"character {ch!r} is not in the base58 alphabet")
            n = n * 58 + digit
        if n >> (8 * size):
            raise Base58Error("Monero base58 block overflows its size")
        out += n.to_bytes(size, "big")
    return bytes(out)


def encode(data: bytes) -> str:
    parts: list[str] = []
    for start in range(0, len(data), _FULL_BLOCK):
        block = data[start : start + _FULL_BLOCK]
        n = int.from_bytes(block, "big")
        digits: list[str] = []
        for _ in range(_ENCODED_SIZES[len(block)]):
            n, rem = divmod(n, 58)
            digits.append(BITCOIN_ALPHABET[rem])
        parts.append("".join(reversed(digits)))
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class MoneroAddress:
    network: str
    kind: str
    spend_key: bytes
    view_key: bytes
    payment_id: bytes | None


class MoneroError(ValueError):
    def __init__(self, message: str, *, checksum: bool = False) -> None:
        super().__init__(message)
        self.checksum = checksum


def parse(text: str) -> MoneroAddress:
    raw = decode(text)
    if len(raw) not in (69, 77):
        raise MoneroError(f"decodes to {len(raw)} bytes, expected 69 or 77")
    body, check = raw[:-4], raw[-4:]
    if keccak256(body)[:4] != check:
        raise MoneroError("invalid Monero keccak checksum", checksum=True)
    prefix = body[0]
    if prefix not in PREFIXES:
        raise MoneroError(f"unknown Monero network prefix {prefix}")
    network, kind = PREFIXES[prefix]
    expected_len = 77 if kind == "integrated" else 69
    if len(raw) != expected_len:
        raise MoneroError(f"{kind} address must decode to {expected_len} bytes")
    payment_id = body[65:73] if kind == "integrated" else None
    return MoneroAddress(network, kind, body[1:33], body[33:65], payment_id)


def build(prefix: int, spend_key: bytes, view_key: bytes, payment_id: bytes = b"") -> str:
    """Render an address from its parts (used by tests to make fresh, valid addresses)."""
    body = bytes([prefix]) + spend_key + view_key + payment_id
    return encode(body + keccak256(body)[:4])
