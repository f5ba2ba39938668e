"""The registry of chain validators. Built-in chains register here exactly like a plug-in.

A :class:`ChainValidator` is a currency/chain code (as the sanctions lists use it: XBT,
ETH, TRX, USDT...) plus the address formats valid for it, tried in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nkwatch.chains import AddressFormat, find_chain, first_match
from nkwatch.errors import UserError
from nkwatch.sanctions.addresses.model import ParsedAddress


@dataclass(frozen=True, slots=True)
class ChainValidator:
    code: str  # canonical code, upper case, as OFAC spells it where it lists the chain
    name: str
    formats: tuple[AddressFormat, ...]
    aliases: tuple[str, ...] = ()  # other codes users type: BTC for XBT, TRON for TRX
    evm: bool = False  # an EVM chain: addresses are one identity across all of them
    detect: bool = True  # False for tokens and EVM siblings that add nothing to detection

    def parse(self, text: str) -> ParsedAddress | None:
        """The parsed address, None when no format has this shape; raises InvalidAddress."""
        match = first_match(self.formats, text)
        if match is None:
            return None
        return ParsedAddress(
            chain=self.code,
            format=match.format,
            canonical=match.canonical,
            network=match.network,
            aliases=match.aliases,
            evm=match.format == "evm",
        )


class ChainRegistry:
    def __init__(self) -> None:
        self._ordered: list[ChainValidator] = []
        self._by_code: dict[str, ChainValidator] = {}

    def register(self, validator: ChainValidator) -> ChainValidator:
        keys = [validator.code, *validator.aliases]
        for key in keys:
            if key.upper() in self._by_code:
                raise ValueError(f"chain code {key} is already registered")
        for key in keys:
            self._by_code[key.upper()] = validator
        self._ordered.append(validator)
        return validator

    def find(self, code: str) -> ChainValidator | None:
        """The validator of a currency code; a chain's other spellings (``nkwatch.chains``:
        "bitcoin", "1", "binance-smart-chain") find the validator of that chain's code."""
        found = self._by_code.get(code.strip().upper())
        if found is None and (chain := find_chain(code)) is not None:
            for name in (chain.id, *chain.codes):
                if (found := self._by_code.get(name.upper())) is not None:
                    break
        return found

    def get(self, code: str) -> ChainValidator:
        found = self.find(code)
        if found is None:
            raise UserError(f"unknown chain or currency {code!r}; known: {', '.join(self.codes())}")
        return found

    def codes(self) -> list[str]:
        return [v.code for v in self._ordered]

    def detectors(self, text: str = "") -> Iterator[ChainValidator]:
        """Detectable chains, restricted to those whose formats can start like ``text``."""
        lead = text[:1]
        return (
            v
            for v in self._ordered
            if v.detect and (not lead or any(f.leads is None or lead in f.leads for f in v.formats))
        )

    def __iter__(self) -> Iterator[ChainValidator]:
        return iter(self._ordered)
