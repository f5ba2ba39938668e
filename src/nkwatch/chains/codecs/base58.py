"""Base58 and Base58Check (Bitcoin and Ripple alphabets), written out so nothing is hidden.

Base58Check is ``payload || sha256(sha256(payload))[:4]`` rendered in base 58; every
UTXO-style chain on the sanctions lists (Bitcoin, Litecoin, Dash, Zcash transparent, Tron,
XRP...) uses it with a different version prefix and, for XRP, a different alphabet.
"""

from __future__ import annotations

import functools
import hashlib
import re

BITCOIN_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
RIPPLE_ALPHABET = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"

_MAPS: dict[str, dict[str, int]] = {
    alphabet: {ch: i for i, ch in enumerate(alphabet)}
    for alphabet in (BITCOIN_ALPHABET, RIPPLE_ALPHABET)
}


class Base58Error(ValueError):
    """The text is not base58 (bad character) or its Base58Check checksum does not verify."""


_SHAPES = {alphabet: re.compile(f"[{alphabet}]+") for alphabet in _MAPS}


def is_base58(text: str, alphabet: str = BITCOIN_ALPHABET) -> bool:
    return _SHAPES[alphabet].fullmatch(text) is not None


@functools.lru_cache(maxsize=4096)
def decode(text: str, alphabet: str = BITCOIN_ALPHABET) -> bytes:
    """Decode base58 text; each leading zero digit stands for one leading zero byte.

    Memoised: detection asks several chains about the same text, each decoding it.
    """
    table = _MAPS[alphabet]
    n = 0
    try:
        for ch in text:
            n = n * 58 + table[ch]
    except KeyError as exc:
        raise Base58Error(f"character {exc.args[0]!r} is not in the base58 alphabet") from None
    zeros = len(text) - len(text.lstrip(alphabet[0]))
    return b"\x00" * zeros + n.to_bytes((n.bit_length() + 7) // 8, "big")


def encode(data: bytes, alphabet: str = BITCOIN_ALPHABET) -> str:
    n = int.from_bytes(data, "big")
    digits: list[str] = []
    while n:
        n, rem = divmod(n, 58)
        digits.append(alphabet[rem])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return alphabet[0] * zeros + "".join(reversed(digits))


def checksum(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def decode_check(text: str, alphabet: str = BITCOIN_ALPHABET) -> bytes:
    """Decode Base58Check text and return the payload (version bytes included)."""
    raw = decode(text, alphabet)
    if len(raw) < 5:
        raise Base58Error("too short for Base58Check")
    payload, check = raw[:-4], raw[-4:]
    if checksum(payload) != check:
        raise Base58Error("invalid base58check checksum")
    return payload


def encode_check(payload: bytes, alphabet: str = BITCOIN_ALPHABET) -> str:
    return encode(payload + checksum(payload), alphabet)
