"""Addresses per chain, through the one set of codecs: validate, canonicalise, detect."""

from __future__ import annotations

from nkwatch.chains.formats import show
from nkwatch.chains.model import Chain, FormatMatch, InvalidAddress
from nkwatch.chains.registry import TABLE
from nkwatch.errors import UserError


def _chain(chain: str | Chain) -> Chain:
    return chain if isinstance(chain, Chain) else TABLE.get(chain)


def parse_address(chain: str | Chain, text: str, *, where: str | None = None) -> FormatMatch:
    """``text`` validated for ``chain``: its format and canonical form.

    Raises :class:`UserError` naming the chain and the broken rule (bad checksum, wrong
    version...) or saying the text has no shape of that chain.
    """
    c = _chain(chain)
    candidate = text.strip()
    try:
        found = c.match(candidate) if c.formats else _free_form(candidate)
    except InvalidAddress as exc:
        raise UserError(f"not a valid {c.id} address: {exc}", where=where) from None
    if found is None:
        raise UserError(f"not a valid {c.id} address: {show(text)!r}", where=where)
    return found


def _free_form(text: str) -> FormatMatch | None:
    """A chain without registered formats: any non-empty text without spaces."""
    if not text or any(ch.isspace() for ch in text):
        return None
    return FormatMatch("text", text)


def is_valid_address(chain: str | Chain, text: str) -> bool:
    """True when ``text`` is a well-formed ``chain`` address (checksums verified)."""
    c = _chain(chain)
    try:
        found = c.match(text) if c.formats else _free_form(text)
    except InvalidAddress:
        return False
    return found is not None


def check_address(chain: str | Chain, text: str, *, where: str) -> None:
    """Raise a :class:`UserError` (naming ``where``) unless ``text`` is valid on ``chain``."""
    parse_address(chain, text, where=where)


# human-readable parts of the Bech32 addresses of the table's chains (Bech32 is one-case)
BECH32_PREFIXES = ("bc1", "tb1", "ltc1", "btg1", "bnb1", "zs1", "cosmos1", "mona1", "addr1")


def address_key(text: str) -> str:
    """The comparison key of an address on any chain, without re-running checksums: hex
    (EVM) and Bech32 text compare lower-case, every other text as written (base58 is
    case-sensitive)."""
    stripped = text.strip()
    lower = stripped.lower()
    if lower.startswith(("0x", *BECH32_PREFIXES)):
        return lower
    return stripped


def canonical_address(chain: str | Chain, text: str) -> str:
    """The comparison key of an already-validated ``chain`` address (see :func:`address_key`)."""
    return address_key(text)


def detect_chains(text: str) -> list[tuple[Chain, FormatMatch]]:
    """Every chain whose formats accept ``text`` (a ``1...`` address: bitcoin, bitcoin-sv...)."""
    found: list[tuple[Chain, FormatMatch]] = []
    candidate = text.strip()
    for chain in TABLE:
        try:
            match = chain.match(candidate)
        except InvalidAddress:
            continue
        if match is not None:
            found.append((chain, match))
    return found
