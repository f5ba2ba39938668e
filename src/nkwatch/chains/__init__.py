"""Chains: the one home of chain names, native assets and address rules.

Public API (everything else in the package is internal)::

    from nkwatch import chains
    chains.get_chain("eth").id                     # "ethereum" (also "ETH", "1", "Ethereum")
    chains.get_chain("XBT").symbol, .decimals      # "BTC", 8
    chains.get_chain("etherium")                   # UserError: unknown chain 'etherium';
                                                   #   known: ...; did you mean 'ethereum'?
    chains.chain_by_evm_id(56).id                  # "bsc"
    chains.parse_address("bitcoin", "bc1q...")     # FormatMatch(format, canonical, network)
    chains.is_valid_address("ethereum", "0x...")   # EIP-55 verified when mixed case
    chains.check_address("tron", text, where="--seed")   # UserError naming where
    chains.canonical_address("ethereum", "0xAB..")  # comparison key (hex lower-cased)
    chains.address_key("BC1Q...")                  # the same key when the chain is unknown
    chains.detect_chains("1BoatSLRHtKNngkdXEeobR76b53LETtpyT")  # [(Chain, FormatMatch)...]

- :class:`Chain`: ``id`` (the store's spelling: ethereum, bitcoin, bsc...), ``name``,
  ``family`` (``evm`` | ``utxo`` | ``account``), native ``symbol`` and ``decimals``,
  ``codes`` (tickers / list codes: ETH; BTC, XBT), ``aliases``, ``evm_chain_id``,
  ``formats`` (address formats tried in order) and ``match(text)``.
- Codecs (``nkwatch.chains.codecs``: ``base58``, ``bech32``, ``monero``, ``evm``) and the
  format factories (``nkwatch.chains.formats``) are public for layers that build their own
  validators on top, as sanctions does for list currency codes (USDT on several chains).
- Plug-ins add chains through the ``nkwatch.chains`` entry-point group (a callable returning
  ``Chain``s); the built-ins load the same way.
"""

from __future__ import annotations

from nkwatch.chains.addresses import (
    address_key,
    canonical_address,
    check_address,
    detect_chains,
    is_valid_address,
    parse_address,
)
from nkwatch.chains.model import (
    AddressFormat,
    Chain,
    Family,
    FormatMatch,
    InvalidAddress,
    first_match,
)
from nkwatch.chains.registry import ENTRY_POINT_GROUP, TABLE, ChainTable


def get_chain(name: str, *, where: str | None = "--chain") -> Chain:
    """The chain any spelling names; unknown: UserError with the known ids and suggestions."""
    return TABLE.get(name, where=where)


def find_chain(name: str) -> Chain | None:
    return TABLE.find(name)


def chain_id(name: str, *, where: str | None = "--chain") -> str:
    """The canonical id (the store's spelling) of any spelling: "eth" -> "ethereum"."""
    return TABLE.get(name, where=where).id


def chain_by_evm_id(evm_chain_id: int) -> Chain | None:
    return TABLE.by_evm_chain_id(evm_chain_id)


def all_chains() -> list[Chain]:
    return list(TABLE)


__all__ = [
    "ENTRY_POINT_GROUP",
    "TABLE",
    "AddressFormat",
    "Chain",
    "ChainTable",
    "Family",
    "FormatMatch",
    "InvalidAddress",
    "address_key",
    "all_chains",
    "canonical_address",
    "chain_by_evm_id",
    "chain_id",
    "check_address",
    "detect_chains",
    "find_chain",
    "first_match",
    "get_chain",
    "is_valid_address",
    "parse_address",
]
