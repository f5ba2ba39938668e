"""Keccak-256 (the pre-standard SHA-3 that Ethereum and Monero use), via pycryptodome."""

from __future__ import annotations


def keccak256(data: bytes) -> bytes:
    from Crypto.Hash import keccak  # loaded on the first checksum, not at import

    return keccak.new(data=data, digest_bits=256).digest()
