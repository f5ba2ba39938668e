"""Keccak-256 (the pre-standard SHA-3 that Ethereum and Monero use), via pycryptodome."""

from __future__ import annotations

from Crypto.Hash import keccak


def keccak256(data: bytes) -> bytes:
    return keccak.new(data=data, digest_bits=256).digest()
