"""Address formats: small parsers built from the codecs, combined per chain in ``nkwatch.chains.table``.

Each factory returns an :class:`AddressFormat` whose parser answers "not mine" (None),
"mine, here is the canonical form" (:class:`FormatMatch`) or "mine but broken"
(:class:`InvalidAddress`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from nkwatch.chains.codecs import base58, bech32, evm, monero
from nkwatch.chains.model import AddressFormat, FormatMatch, InvalidAddress

# version prefix -> (format name, network)
VersionMap = Mapping[bytes, tuple[str, str]]
AliasFn = Callable[[bytes, bytes], tuple[str, ...]]


def _no_alias(version: bytes, body: bytes) -> tuple[str, ...]:
    return ()


def base58check(
    versions: VersionMap,
    *,
    payload_len: int = 21,
    alphabet: str = base58.BITCOIN_ALPHABET,
    alias: AliasFn = _no_alias,
    label: str = "base58check",
) -> AddressFormat:
    """Base58Check with a fixed payload length and a set of accepted version prefixes."""
    vlen = len(next(iter(versions)))
    # base58 length of payload_len + 4 bytes, allowing for leading-zero digits
    max_chars = (payload_len + 4) * 138 // 100 + 2

    def parse(text: str) -> FormatMatch | None:
        if not 25 <= len(text) <= max_chars or not base58.is_base58(text, alphabet):
            return None
        raw = base58.decode(text, alphabet)
        if len(raw) != payload_len + 4 or raw[:vlen] not in versions:
            return None
        try:
            payload = base58.decode_check(text, alphabet)
        except base58.Base58Error as exc:
            raise InvalidAddress(f"{exc} in {show(text)}") from None
        version, body = payload[:vlen], payload[vlen:]
        name, network = versions[version]
        return FormatMatch(name, text, network, alias(version, body))

    return AddressFormat(label, parse, _base58_leads(versions, payload_len, alphabet))


def segwit(hrp: str, network: str = "mainnet") -> AddressFormat:
    """BIP-173/350 SegWit addresses with one human-readable part (bc, tb, ltc, btg)."""

    def parse(text: str) -> FormatMatch | None:
        if text[: len(hrp) + 1].lower() != hrp + "1":
            return None
        try:
            decoded = bech32.decode_segwit(hrp, text)
        except bech32.Bech32Error as exc:
            raise InvalidAddress(f"{exc} in {show(text)}") from None
        if decoded is None:
            return None
        version, program = decoded
        return FormatMatch(_segwit_kind(version, len(program)), text.lower(), network)

    return AddressFormat(f"segwit-{hrp}", parse, _case_leads(hrp[0]))


def _segwit_kind(version: int, length: int) -> str:
    if version == 0:
        return "p2wpkh" if length == 20 else "p2wsh"
    if version == 1 and length == 32:
        return "p2tr"
    return f"segwit-v{version}"


def bech32_plain(hrp: str, payload_len: int, name: str, max_length: int = 90) -> AddressFormat:
    """Plain Bech32 account addresses (Binance Chain ``bnb1``, Zcash Sapling ``zs1``)."""

    def parse(text: str) -> FormatMatch | None:
        if text[: len(hrp) + 1].lower() != hrp + "1":
            return None
        try:
            payload = bech32.decode_plain(hrp, text, max_length)
        except bech32.Bech32Error as exc:
            raise InvalidAddress(f"{exc} in {show(text)}") from None
        if payload is None:
            return None
        if len(payload) != payload_len:
            raise InvalidAddress(
                f"{name} payload is {len(payload)} bytes, expected {payload_len}: {show(text)}"
            )
        return FormatMatch(name, text.lower())

    return AddressFormat(name, parse, _case_leads(hrp[0]))


def evm_account() -> AddressFormat:
    def parse(text: str) -> FormatMatch | None:
        if not evm.is_evm_shaped(text):
            return None
        if not evm.checksum_ok(text):
            raise InvalidAddress(
                f"invalid EIP-55 checksum in {text}: its mixed case does not match the"
                " checksum (a typo?); check the address or give it in lower case"
            )
        return FormatMatch("evm", text.lower())

    return AddressFormat("evm", parse, frozenset("0"))


CASHADDR_PREFIX = "bitcoincash"
_CASH_TYPES = {0: ("cashaddr-p2pkh", b"\x00"), 1: ("cashaddr-p2sh", b"\x05")}


def cashaddr() -> AddressFormat:
    """Bitcoin Cash CashAddr, ``bitcoincash:`` prefix optional; alias = legacy base58."""

    def parse(text: str) -> FormatMatch | None:
        lowered = text.lower()
        prefixed = lowered.startswith(CASHADDR_PREFIX + ":")
        body = lowered[len(CASHADDR_PREFIX) + 1 :] if prefixed else lowered
        if not prefixed and (len(body) != 42 or body[0] not in "qp"):
            return None
        if not prefixed and any(ch not in bech32.CHARSET for ch in body):
            return None
        try:
            _, version, digest = bech32.decode_cashaddr(text)
        except bech32.Bech32Error as exc:
            raise InvalidAddress(f"{exc} in {show(text)}") from None
        kind = _CASH_TYPES.get(version >> 3)
        if kind is None:
            raise InvalidAddress(f"unknown cashaddr type {version >> 3} in {show(text)}")
        legacy = base58.encode_check(kind[1] + digest) if len(digest) == 20 else None
        canonical = f"{CASHADDR_PREFIX}:{body}"
        return FormatMatch(kind[0], canonical, aliases=(legacy,) if legacy else ())

    return AddressFormat("cashaddr", parse, _case_leads("bqp"))


def legacy_to_cashaddr(version: bytes, body: bytes) -> tuple[str, ...]:
    """Alias of a legacy BCH address: its CashAddr form (same hash, same owner)."""
    type_bits = {b"\x00": 0, b"\x05": 1}[version]
    return (bech32.encode_cashaddr(CASHADDR_PREFIX, type_bits << 3, body),)


def solana() -> AddressFormat:
    """Solana accounts: base58 of a 32-byte ed25519 public key, no checksum."""

    def parse(text: str) -> FormatMatch | None:
        if not 32 <= len(text) <= 44 or not base58.is_base58(text):
            return None
        raw = base58.decode(text)
        if len(raw) != 32 or base58.encode(raw) != text:
            return None
        return FormatMatch("ed25519", text)

    return AddressFormat("solana", parse)


def monero_address() -> AddressFormat:
    def parse(text: str) -> FormatMatch | None:
        if len(text) not in (95, 106) or not base58.is_base58(text):
            return None
        try:
            parsed = monero.parse(text)
        except (monero.MoneroError, base58.Base58Error) as exc:
            raise InvalidAddress(f"{exc} in {show(text)}") from None
        return FormatMatch(f"monero-{parsed.kind}", text, parsed.network)

    return AddressFormat("monero", parse)


def pattern(name: str, regex: str) -> AddressFormat:
    """A shape check only (no checksum we verify): chains whose codecs nkwatch does not carry
    (Cardano, Polkadot, Stellar, TON...). The text is its own canonical form."""
    compiled = re.compile(regex)

    def parse(text: str) -> FormatMatch | None:
        return FormatMatch(name, text) if compiled.fullmatch(text) else None

    return AddressFormat(name, parse)


def _case_leads(chars: str) -> frozenset[str]:
    return frozenset(chars.lower() + chars.upper())


def _base58_leads(versions: VersionMap, payload_len: int, alphabet: str) -> frozenset[str] | None:
    """First characters of every possible encoding, from the smallest and largest payloads.

    With a fixed length, base58 text grows monotonically with the number it encodes, so the
    first character lies between those of the extremes (when both have the same length).
    """
    leads: set[str] = set()
    for version in versions:
        if version[0] == 0:  # a leading zero byte is always written as the zero digit
            leads.add(alphabet[0])
            continue
        fill = payload_len + 4 - len(version)
        low = base58.encode(version + b"\x00" * fill, alphabet)
        high = base58.encode(version + b"\xff" * fill, alphabet)
        if len(low) != len(high):
            return None
        leads.update(alphabet[alphabet.index(low[0]) : alphabet.index(high[0]) + 1])
    return frozenset(leads)


def show(text: str, limit: int = 110) -> str:
    """The address as it may appear in a one-line message: printable and bounded."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
    return clean if len(text) <= limit else f"{clean}… ({len(text)} characters)"
