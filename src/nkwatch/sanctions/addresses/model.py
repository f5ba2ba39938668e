"""Values shared by the address codecs, the chain registry and the address index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class InvalidAddress(ValueError):
    """The text has a chain's shape but breaks its rules (checksum, length, version).

    Distinct from "not this chain's shape" (a format returns ``None``), so that detection
    can report the one specific reason, e.g. a bad EIP-55 checksum, instead of "unknown".
    """


@dataclass(frozen=True, slots=True)
class FormatMatch:
    """What one address format recognised in a text."""

    format: str  # "p2pkh", "p2wpkh", "p2tr", "evm", "cashaddr-p2pkh", "monero-standard"...
    canonical: str  # the lookup key: equal keys are the same address
    network: str = "mainnet"
    aliases: tuple[str, ...] = ()  # other renderings of the same address (BCH legacy/cashaddr)


# A format parser: FormatMatch when the text is this format, None when it is not its shape,
# InvalidAddress when it has the shape but is broken.
FormatParser = Callable[[str], FormatMatch | None]


@dataclass(frozen=True, slots=True)
class AddressFormat:
    name: str
    parse: FormatParser
    # Characters a text of this format can start with (None: any). Lets detection skip
    # chains that cannot match before running their parsers; never changes an answer.
    leads: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """A validated address: the chain that accepted it and its canonical lookup key."""

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
