"""EVM event logs as values, and the few ABI decoding rules the bridge and swap decoders need.

A :class:`EvmLog` is one row of the ethereum-etl ``logs`` table (or one ``eth_getLogs``
answer): the emitting contract, its topics (topic 0 is the keccak-256 of the event
signature) and the ABI-encoded non-indexed data. The decoders below read 32-byte words,
addresses in topics, signed integers and dynamic ``bytes``/``string`` by their offsets, and
raise :class:`AbiError` for anything that does not fit, so a malformed log becomes a noise
entry, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

WORD = 32


class AbiError(ValueError):
    """A log's topics or data do not fit the event it claims to be."""


@dataclass(frozen=True, slots=True)
class EvmLog:
    chain: str
    tx_hash: str  # lower-case 0x
    log_index: int
    block: int
    address: str  # emitting contract, lower-case 0x
    topics: tuple[str, ...]  # lower-case 0x, 32 bytes each
    data: bytes
    tx_index: int = 0
    block_hash: str = ""

    @property
    def topic0(self) -> str:
        return self.topics[0] if self.topics else ""


def hex_bytes(text: str) -> bytes:
    """``0x``-prefixed (or bare) hex -> bytes; AbiError when it is not hex."""
    raw = text.strip()
    raw = raw[2:] if raw[:2].lower() == "0x" else raw
    try:
        return bytes.fromhex(raw)
    except ValueError:
        raise AbiError(f"not hex: {text[:80]!r}") from None


def topic_word(text: str) -> str:
    """A topic as canonical lower-case 0x + 64 hex digits."""
    raw = hex_bytes(text)
    if len(raw) != WORD:
        raise AbiError(f"a topic is 32 bytes, got {len(raw)}")
    return "0x" + raw.hex()


def word(data: bytes, n: int) -> int:
    """The ``n``-th 32-byte word as an unsigned integer."""
    start = n * WORD
    if start + WORD > len(data):
        raise AbiError(f"data too short for word {n} ({len(data)} bytes)")
    return int.from_bytes(data[start : start + WORD], "big")


def signed(value: int, bits: int = 256) -> int:
    """Two's complement of an unsigned ``bits``-bit word."""
    return value - (1 << bits) if value >> (bits - 1) else value


def address_of(value: int | str) -> str:
    """An address from a topic or a word (its right-most 20 bytes); the upper 12 must be 0."""
    number = int(value, 16) if isinstance(value, str) else value
    if number >> 160:
        raise AbiError("an address word has non-zero upper bytes")
    return "0x" + f"{number:040x}"


def dynamic_bytes(data: bytes, n: int) -> bytes:
    """The ``bytes``/``string`` whose offset is the ``n``-th head word."""
    offset = word(data, n)
    if offset % WORD or offset + WORD > len(data):
        raise AbiError(f"bad offset {offset} for a dynamic value")
    length = int.from_bytes(data[offset : offset + WORD], "big")
    start = offset + WORD
    if start + length > len(data):
        raise AbiError(f"dynamic value of {length} bytes overruns the data")
    return data[start : start + length]


def dynamic_text(data: bytes, n: int) -> str:
    raw = dynamic_bytes(data, n)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AbiError("string is not UTF-8") from None


def encode_words(*values: int) -> bytes:
    """Head words (for tests and the synthetic generator)."""
    return b"".join((v % (1 << 256)).to_bytes(WORD, "big") for v in values)


def encode_dynamic(heads: list[int | bytes]) -> bytes:
    """ABI-encode static words and trailing dynamic ``bytes`` values in head order."""
    head = b""
    tail = b""
    base = WORD * len(heads)
    for item in heads:
        if isinstance(item, bytes):
            head += encode_words(base + len(tail))
            padded = item + b"\0" * (-len(item) % WORD)
            tail += encode_words(len(item)) + padded
        else:
            head += encode_words(item)
    return head + tail


@dataclass(frozen=True, slots=True)
class RawLog:
    """A log as a file or node gave it (hex text), kept so a malformed one can be reported."""

    chain: str
    tx_hash: str
    log_index: int
    block: int
    address: str
    topics: tuple[str, ...]
    data: str
    tx_index: int = 0
    block_hash: str = ""

    def parse(self) -> EvmLog:
        """The decoded log; AbiError when a topic or the data is not hex of the right size."""
        return EvmLog(self.chain, self.tx_hash.lower(), self.log_index, self.block,
                      self.address.lower(), tuple(topic_word(t) for t in self.topics),
                      hex_bytes(self.data or "0x"), self.tx_index, self.block_hash.lower())  # fmt: skip


def split_topics(value: object) -> tuple[str, ...]:
    """ethereum-etl writes topics as a JSON list, a comma-joined string or a Parquet list."""
    if isinstance(value, list | tuple):
        return tuple(str(t).strip() for t in value if str(t).strip())
    text = str(value or "").strip().strip("[]")
    return tuple(t.strip().strip("'\"") for t in text.split(",") if t.strip().strip("'\""))
