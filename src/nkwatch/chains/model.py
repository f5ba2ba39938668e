"""Values shared by the address codecs, the address formats and the chain table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Family = Literal["evm", "utxo", "account"]


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
class Chain:
    """One chain: its canonical id (the store's spelling), how people name it, its native
    asset and its address formats (tried in order)."""

    id: str  # canonical, lower case: "ethereum", "bitcoin", "bsc" (what the store holds)
    name: str  # "Ethereum", "BNB Smart Chain"
    family: Family  # evm: one 20-byte account space; utxo: outputs; account: other ledgers
    symbol: str  # native asset ticker: ETH, BTC, BNB
    decimals: int  # of the native asset
    codes: tuple[str, ...] = ()  # ticker / list codes naming the chain: ETH; BTC, XBT
    aliases: tuple[str, ...] = ()  # other spellings users type: eth, btc, binance-smart-chain
    evm_chain_id: int | None = None  # EIP-155 chain id
    formats: tuple[AddressFormat, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every lower-case text that names this chain (id, codes, aliases, EVM chain id)."""
        names = [self.id, *self.codes, *self.aliases]
        if self.evm_chain_id is not None:
            names.append(str(self.evm_chain_id))
        return tuple(dict.fromkeys(n.lower() for n in names))

    def match(self, text: str) -> FormatMatch | None:
        """The first format that recognises ``text``; None when none has its shape.

        Raises :class:`InvalidAddress` when a format has the shape but the address is broken
        and no other format accepts it.
        """
        return first_match(self.formats, text)


def first_match(formats: tuple[AddressFormat, ...], text: str) -> FormatMatch | None:
    """The first of ``formats`` that recognises ``text`` (None: none has its shape); raises
    the first :class:`InvalidAddress` when some had the shape but none accepted it."""
    error: InvalidAddress | None = None
    lead = text[:1]
    for fmt in formats:
        if fmt.leads is not None and lead not in fmt.leads:
            continue
        try:
            found = fmt.parse(text)
        except InvalidAddress as exc:
            error = error or exc
            continue
        if found is not None:
            return found
    if error is not None:
        raise error
    return None
