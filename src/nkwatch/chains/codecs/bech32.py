"""Bech32 (BIP-173), Bech32m (BIP-350), SegWit addresses and CashAddr (Bitcoin Cash).

The checksum is a BCH code over GF(32). ``_polymod`` is table-driven (one XOR per input
symbol instead of five conditional ones) because address screening runs it per query.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHARMAP = {ch: i for i, ch in enumerate(CHARSET)}
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _xor_table(generators: Sequence[int]) -> tuple[int, ...]:
    """XOR of the generators selected by each 5-bit value: one lookup per symbol."""
    table = []
    for bits in range(32):
        acc = 0
        for i, gen in enumerate(generators):
            if (bits >> i) & 1:
                acc ^= gen
        table.append(acc)
    return tuple(table)


_TABLE = _xor_table(_GEN)
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3
MAX_LENGTH = 90


class Encoding(Enum):
    BECH32 = "bech32"
    BECH32M = "bech32m"


class Bech32Error(ValueError):
    """Malformed Bech32 text; ``checksum`` is True when only the checksum failed."""

    def __init__(self, message: str, *, checksum: bool = False) -> None:
        super().__init__(message)
        self.checksum = checksum


def _polymod(values: Sequence[int]) -> int:
    chk = 1
    table = _TABLE
    for v in values:
        chk = ((chk & 0x1FFFFFF) << 5) ^ v ^ table[chk >> 25]
    return chk


def hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def split(text: str, max_length: int = MAX_LENGTH) -> tuple[str, list[int]] | None:
    """Split into (hrp, 5-bit data incl. checksum) or None when it is not Bech32-shaped."""
    if len(text) > max_length or not text.isascii() or not text.isprintable() or " " in text:
        return None
    if text.lower() != text and text.upper() != text:
        raise Bech32Error("mixed case in bech32 address")
    lowered = text.lower()
    pos = lowered.rfind("1")
    if pos < 1 or pos + 7 > len(lowered):
        return None
    try:
        data = [_CHARMAP[ch] for ch in lowered[pos + 1 :]]
    except KeyError as exc:
        raise Bech32Error(f"character {exc.args[0]!r} is not in the bech32 alphabet") from None
    return lowered[:pos], data


def verify(hrp: str, data: Sequence[int]) -> Encoding:
    const = _polymod([*hrp_expand(hrp), *data])
    if const == BECH32_CONST:
        return Encoding.BECH32
    if const == BECH32M_CONST:
        return Encoding.BECH32M
    raise Bech32Error("invalid bech32 checksum", checksum=True)


def create_checksum(hrp: str, data: Sequence[int], encoding: Encoding) -> list[int]:
    const = BECH32_CONST if encoding is Encoding.BECH32 else BECH32M_CONST
    mod = _polymod([*hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ const
    return [(mod >> 5 * (5 - i)) & 31 for i in range(6)]


def encode(hrp: str, data: Sequence[int], encoding: Encoding) -> str:
    combined = [*data, *create_checksum(hrp, data, encoding)]
    return hrp + "1" + "".join(CHARSET[d] for d in combined)


def convertbits(data: Sequence[int], frombits: int, tobits: int, *, pad: bool) -> list[int]:
    """Regroup bits; without ``pad`` the leftover must be < ``frombits`` zero bits (BIP-173)."""
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value >> frombits:
            raise Bech32Error("value out of range in bit conversion")
        acc = ((acc << frombits) | value) & 0xFFFFFFFF
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        raise Bech32Error("invalid padding in bech32 data")
    return out


def decode_segwit(hrp: str, text: str) -> tuple[int, bytes] | None:
    """(witness version, program) for a SegWit address with this HRP; None if another HRP.

    Raises :class:`Bech32Error` when the HRP matches but the address breaks BIP-173/350.
    """
    parts = split(text)
    if parts is None or parts[0] != hrp:
        return None
    data = parts[1]
    encoding = verify(hrp, data)
    payload = data[:-6]
    if not payload:
        raise Bech32Error("empty data section")
    version = payload[0]
    if version > 16:
        raise Bech32Error(f"invalid witness version {version}")
    program = bytes(convertbits(payload[1:], 5, 8, pad=False))
    if not 2 <= len(program) <= 40:
        raise Bech32Error(f"invalid witness program length {len(program)}")
    if version == 0 and len(program) not in (20, 32):
        raise Bech32Error(f"invalid v0 witness program length {len(program)}")
    expected = Encoding.BECH32 if version == 0 else Encoding.BECH32M
    if encoding is not expected:
        raise Bech32Error(
            f"witness v{version} needs a {expected.value} checksum, found {encoding.value}",
            checksum=True,
        )
    return version, program


def encode_segwit(hrp: str, version: int, program: bytes) -> str:
    encoding = Encoding.BECH32 if version == 0 else Encoding.BECH32M
    return encode(hrp, [version, *convertbits(program, 8, 5, pad=True)], encoding)


def decode_plain(hrp: str, text: str, max_length: int = MAX_LENGTH) -> bytes | None:
    """Payload bytes of a plain Bech32 string with this HRP (Binance Chain, Zcash Sapling)."""
    parts = split(text, max_length)
    if parts is None or parts[0] != hrp:
        return None
    if verify(hrp, parts[1]) is not Encoding.BECH32:
        raise Bech32Error("invalid bech32 checksum (bech32m used)", checksum=True)
    return bytes(convertbits(parts[1][:-6], 5, 8, pad=False))


# -- CashAddr (Bitcoin Cash) ------------------------------------------------------------
_CASH_GEN = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
_CASH_TABLE = _xor_table(_CASH_GEN)


def _cash_polymod(values: Sequence[int]) -> int:
    c = 1
    table = _CASH_TABLE
    for d in values:
        c = ((c & 0x07FFFFFFFF) << 5) ^ d ^ table[c >> 35]
    return c ^ 1


def _cash_prefix(prefix: str) -> list[int]:
    return [ord(ch) & 31 for ch in prefix] + [0]


def decode_cashaddr(text: str, default_prefix: str = "bitcoincash") -> tuple[str, int, bytes]:
    """(prefix, version byte, hash) of a CashAddr; the prefix is optional in the input."""
    if text.lower() != text and text.upper() != text:
        raise Bech32Error("mixed case in cashaddr")
    lowered = text.lower()
    prefix, _, body = lowered.rpartition(":")
    prefix = prefix or default_prefix
    try:
        data = [_CHARMAP[ch] for ch in body]
    except KeyError as exc:
        raise Bech32Error(f"character {exc.args[0]!r} is not in the cashaddr alphabet") from None
    if len(data) < 9:
        raise Bech32Error("cashaddr too short")
    if _cash_polymod(_cash_prefix(prefix) + data) != 0:
        raise Bech32Error("invalid cashaddr checksum", checksum=True)
    payload = bytes(convertbits(data[:-8], 5, 8, pad=False))
    version = payload[0]
    sizes = {0: 20, 1: 24, 2: 28, 3: 32, 4: 40, 5: 48, 6: 56, 7: 64}
    if version & 0x80 or len(payload) - 1 != sizes[version & 7]:
        raise Bech32Error("invalid cashaddr version byte or hash length")
    return prefix, version, payload[1:]


def encode_cashaddr(prefix: str, version: int, hash_bytes: bytes) -> str:
    data = convertbits(bytes([version]) + hash_bytes, 8, 5, pad=True)
    mod = _cash_polymod(_cash_prefix(prefix) + data + [0] * 8)
    checksum = [(mod >> 5 * (7 - i)) & 31 for i in range(8)]
    return prefix + ":" + "".join(CHARSET[d] for d in data + checksum)
