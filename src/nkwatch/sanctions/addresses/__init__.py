"""Crypto-address validation, canonical forms and the sanctioned-address index.

Pure code, no network. Each chain's rules are a :class:`ChainValidator` in
:data:`REGISTRY`; the built-ins register themselves the same way a plug-in would::

    from nkwatch.sanctions.addresses import parse_address
    parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").canonical  # lower-case hex
"""

from __future__ import annotations

from collections.abc import Iterable

from nkwatch.chains import AddressFormat, FormatMatch, InvalidAddress
from nkwatch.sanctions.addresses import validate as _validate
from nkwatch.sanctions.addresses.chains import register_builtin_chains
from nkwatch.sanctions.addresses.index import AddressIndex, AddressListing, AddressLookup
from nkwatch.sanctions.addresses.model import ParsedAddress
from nkwatch.sanctions.addresses.registry import ChainRegistry, ChainValidator
from nkwatch.sanctions.addresses.validate import ListedCheck
from nkwatch.sanctions.model import Party

REGISTRY: ChainRegistry = register_builtin_chains(ChainRegistry())


def parse_address(text: str, chain: str | None = None) -> ParsedAddress:
    """Validate and canonicalise a user's address; :class:`UserError` when it is invalid."""
    return _validate.parse_address(REGISTRY, text, chain)


def detect_chains(text: str) -> list[ParsedAddress]:
    """All chains whose rules ``text`` satisfies (e.g. a ``1...`` address: XBT, BCH, BSV)."""
    return _validate.detect(REGISTRY, text.strip())


def check_listed(currency: str, published: str) -> ListedCheck:
    """Validate an address as a list publishes it, flagging (not raising) oddities."""
    return _validate.check_listed(REGISTRY, currency, published)


def canonical_key(text: str, chain: str | None = None) -> str:
    """The lookup key: equal for every spelling of one address (EVM case, bech32 case...)."""
    return parse_address(text, chain).canonical


def build_index(parties: Iterable[Party]) -> AddressIndex:
    """The address index over these parties, validated with the built-in registry."""
    return AddressIndex.build(parties, REGISTRY)


__all__ = [
    "REGISTRY",
    "AddressFormat",
    "AddressIndex",
    "AddressListing",
    "AddressLookup",
    "ChainRegistry",
    "ChainValidator",
    "FormatMatch",
    "InvalidAddress",
    "ListedCheck",
    "ParsedAddress",
    "build_index",
    "canonical_key",
    "check_listed",
    "detect_chains",
    "parse_address",
]
