"""Validation entry points: a user's address (strict, raises UserError) and a listed one
(lenient: reports what is odd about it, never hides it)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from nkwatch.chains import InvalidAddress
from nkwatch.chains.codecs import evm
from nkwatch.chains.formats import show
from nkwatch.errors import UserError
from nkwatch.sanctions.addresses.model import ParsedAddress
from nkwatch.sanctions.addresses.registry import ChainRegistry

MAX_ADDRESS_CHARS = 128  # the longest real format (Monero integrated) has 106


def parse_address(registry: ChainRegistry, text: str, chain: str | None = None) -> ParsedAddress:
    """Validate ``text`` (for ``chain`` if given, else whichever chain accepts it).

    Raises :class:`UserError` with one line naming the address and the rule it breaks.
    """
    candidate = _clean(text)
    if chain is not None:
        validator = registry.get(chain)
        try:
            parsed = validator.parse(candidate)
        except InvalidAddress as exc:
            raise UserError(str(exc)) from None
        if parsed is None:
            raise UserError(
                f"not a valid {validator.code} ({validator.name}) address: {show(candidate)}"
            )
        return parsed
    if evm.is_evm_shaped(candidate) and (ethereum := registry.find("ETH")) is not None:
        try:  # the commonest query shape: skip asking every UTXO chain first
            parsed = ethereum.parse(candidate)
        except InvalidAddress as exc:
            raise UserError(str(exc)) from None
        if parsed is not None:
            return parsed
    found = detect(registry, candidate, first=True)
    if not found:
        raise UserError(
            f"unrecognised address {show(candidate)}: not valid on any supported chain"
            f" ({', '.join(registry.codes())})"
        )
    return found[0]


def detect(registry: ChainRegistry, text: str, *, first: bool = False) -> list[ParsedAddress]:
    """Every detectable chain that accepts ``text``, in registry order.

    Raises :class:`UserError` with the first specific reason when some chain recognised
    the shape but the address is broken (bad checksum...) and no chain accepted it.
    """
    found: list[ParsedAddress] = []
    error: InvalidAddress | None = None
    for validator in registry.detectors(text):
        try:
            parsed = validator.parse(text)
        except InvalidAddress as exc:
            error = error or exc
            continue
        if parsed is not None:
            found.append(parsed)
            if first:
                break
    if not found and error is not None:
        raise UserError(str(error))
    return found


def _clean(text: str) -> str:
    candidate = text.strip()
    if not candidate:
        raise UserError("empty address")
    if len(candidate) > MAX_ADDRESS_CHARS:
        raise UserError(
            f"address too long ({len(candidate):,} characters; the longest valid format has 106)"
        )
    for position, ch in enumerate(candidate, start=1):
        if not ch.isascii() or not ch.isprintable():
            name = unicodedata.name(ch, "a control character")
            raise UserError(
                f"address {show(candidate)} has U+{ord(ch):04X} ({name}) at character "
                f"{position}: addresses are plain ASCII (a look-alike letter?)"
            )
    return candidate


@dataclass(frozen=True, slots=True)
class ListedCheck:
    """How a published (listed) address fares against its currency's rules."""

    currency: str
    published: str
    parsed: ParsedAddress | None  # None: not a valid address on any chain
    problem: str | None  # None: valid for its currency

    @property
    def valid(self) -> bool:
        return self.problem is None


def check_listed(registry: ChainRegistry, currency: str, published: str) -> ListedCheck:
    """Validate a list's address for its currency; oddities are flagged, not raised."""
    text = published.strip()
    validator = registry.find(currency)
    reason: str | None = None
    if validator is None:
        reason = f"unknown currency code {currency!r}"
    else:
        try:
            parsed = validator.parse(text)
        except InvalidAddress as exc:
            parsed, reason = None, str(exc)
        if parsed is not None:
            return ListedCheck(currency, published, parsed, None)
        reason = reason or f"not a valid {validator.code} address"
    # Not valid for its currency: is it a valid address of another chain?
    try:
        others = detect(registry, text) if text else []
    except UserError:
        others = []
    if others:
        reason = f"{reason}; it is a valid {others[0].chain} address"
        return ListedCheck(currency, published, others[0], reason)
    return ListedCheck(currency, published, None, reason)
