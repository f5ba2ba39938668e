"""Offline format checks for attacker addresses named in an import.

A pass means the string is well formed for its chain; it says nothing about attribution.
Every rule comes from ``nkwatch.chains``, the product's one set of address codecs (the same
formats the sanctions currency validators use), so intel and screening agree on what an
address is, EIP-55 included.
"""

from __future__ import annotations

from nkwatch.chains import find_chain, parse_address
from nkwatch.errors import UserError
from nkwatch.intel.model import CHAINS


def check_query(text: str) -> None:
    """Refuse a looked-up EVM address with a broken EIP-55 checksum or a look-alike letter
    (a typo is a UserError, not "not found"); other shapes are looked up as given."""
    candidate = text.strip()
    for position, ch in enumerate(candidate, start=1):
        if not ch.isascii() or not ch.isprintable():
            raise UserError(
                f"address has U+{ord(ch):04X} at character {position}: addresses are plain"
                " ASCII (a look-alike letter?)",
                where="address",
            )
    if candidate.lower().startswith("0x"):
        parse_address("ethereum", candidate, where="address")


def address_problem(chain: str, address: str) -> str | None:
    """Why ``address`` is not a well-formed ``chain`` address, or None if it is."""
    if chain not in CHAINS:
        return f"unknown chain/currency {chain!r} (known: {', '.join(sorted(CHAINS))})"
    text = address.strip()
    if not text or text != address or any(c.isspace() for c in text):
        return f"malformed {chain} address {address!r}: empty or contains whitespace"
    try:
        if (known := find_chain(chain)) is not None:
            parse_address(known, text)
    except UserError as exc:
        return f"malformed {chain} address {address!r}: {exc.message}"
    return None
