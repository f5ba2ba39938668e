"""EVM account addresses (Ethereum and every chain that reuses its key scheme) and EIP-55.

The identity of an EVM address is its 20 bytes; the canonical text is lower-case hex.
EIP-55 mixed case is an optional checksum: when the input mixes case it must verify.
"""

from __future__ import annotations

import re

from nkwatch.chains.codecs.keccak import keccak256

_SHAPE = re.compile(r"0x[0-9a-fA-F]{40}\Z")


def is_evm_shaped(text: str) -> bool:
    return _SHAPE.match(text) is not None


def to_checksum(lower_hex_address: str) -> str:
    """EIP-55 form of ``0x`` + 40 lower-case hex digits."""
    if not is_evm_shaped(lower_hex_address):
        raise ValueError("not 0x + 40 hex digits")
    body = lower_hex_address[2:].lower()
    digest = keccak256(body.encode("ascii")).hex()
    return "0x" + "".join(
        ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch for i, ch in enumerate(body)
    )


def needs_checksum(text: str) -> bool:
    """True when the address mixes upper and lower case hex letters (EIP-55 applies)."""
    body = text[2:]
    return body != body.lower() and body != body.upper()


def checksum_ok(text: str) -> bool:
    """True for an EVM-shaped address whose case is single or a valid EIP-55 checksum."""
    if not is_evm_shaped(text):
        return False
    return not needs_checksum(text) or to_checksum(text.lower()) == text
