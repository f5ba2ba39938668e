"""A validated address as the sanctions layer sees it (by list currency code).

The codec-level values (:class:`AddressFormat`, :class:`FormatMatch`,
:class:`InvalidAddress`) live in ``nkwatch.chains``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """A validated address: the currency code that accepted it and its canonical lookup key."""

    chain: str  # registry code, e.g. "XBT", "ETH", "TRX"
    format: str
    canonical: str
    network: str = "mainnet"
    aliases: tuple[str, ...] = ()
    evm: bool = False  # one identity on every EVM chain (ETH, BSC, ARB, ETC...)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key under which this address may be indexed."""
        return (self.canonical, *self.aliases)
