"""Token metadata (symbol, name, decimals) read from the token contract with ``eth_call``.

A token that does not answer ``decimals()`` is *flagged*, never given a guessed 18: its
amounts cannot be turned into whole units, and a report must say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nkwatch.trace.evm.rpc import RpcClient, RpcError
from nkwatch.trace.model import Asset

SELECTOR_NAME = "0x06fdde03"
SELECTOR_SYMBOL = "0x95d89b41"
SELECTOR_DECIMALS = "0x313ce567"


@dataclass(frozen=True, slots=True)
class TokenMeta:
    contract: str
    symbol: str | None
    name: str | None
    decimals: int | None

    @property
    def flagged(self) -> bool:
        """True when amounts of this token cannot be scaled (no usable ``decimals()``)."""
        return self.decimals is None

    def asset(self, chain: str) -> Asset:
        symbol = self.symbol or f"UNKNOWN-{self.contract[2:10]}"
        return Asset(
            chain=chain, symbol=symbol, decimals=self.decimals or 0, contract=self.contract
        )


def decode_string(data: str | None) -> str | None:
    """An ABI ``string`` return value, or the legacy ``bytes32`` form (MKR, SAI)."""
    if not data or data == "0x":
        return None
    raw = bytes.fromhex(data[2:] if data.startswith("0x") else data)
    try:
        if len(raw) == 32:
            text = raw.rstrip(b"\0").decode("utf-8")
        else:
            offset = int.from_bytes(raw[0:32], "big")
            length = int.from_bytes(raw[offset : offset + 32], "big")
            if offset + 32 + length > len(raw):
                return None
            text = raw[offset + 32 : offset + 32 + length].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text or None


def decode_uint8(data: str | None) -> int | None:
    if not data or data == "0x" or len(data) != 66:
        return None
    value = int(data, 16)
    return value if value <= 255 else None


def fetch_token_meta(
    rpc: RpcClient, contracts: Iterable[str], block: str = "latest"
) -> list[TokenMeta]:
    """Metadata of each contract in one batch; calls that revert give ``None`` fields."""
    wanted = sorted(set(contracts))
    calls = [
        ("eth_call", [{"to": c, "data": sel}, block])
        for c in wanted
        for sel in (SELECTOR_SYMBOL, SELECTOR_NAME, SELECTOR_DECIMALS)
    ]
    answers = rpc.batch_lenient(calls)
    out: list[TokenMeta] = []
    for i, contract in enumerate(wanted):
        symbol, name, decimals = (
            None if isinstance(a, RpcError) else a for a in answers[3 * i : 3 * i + 3]
        )
        out.append(
            TokenMeta(
                contract=contract,
                symbol=decode_string(symbol),
                name=decode_string(name),
                decimals=decode_uint8(decimals),
            )
        )
    return out
