"""Value transfers in both ledger models, as plain immutable values.

Account chains (EVM, Tron) move value in :class:`Transfer` rows: native value, internal
transfers found in call traces, and token transfers (ERC-20/TRC-20 ``Transfer`` logs).
UTXO chains (Bitcoin and its forks) move value in :class:`UtxoTx` rows whose ordered inputs
spend earlier outputs. Amounts are exact integers in base units with their decimals; time
is the block timestamp (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class TransferKind(StrEnum):
    NATIVE = "native"  # top-level value of an account-model transaction
    INTERNAL = "internal"  # value moved by a contract call inside a transaction (trace)
    TOKEN = "token"  # ERC-20 / TRC-20 Transfer event


@dataclass(frozen=True, slots=True)
class Asset:
    """What moves: the chain's native coin (``contract`` None) or a token contract."""

    chain: str  # "ethereum", "bsc", "tron", "bitcoin", ...
    symbol: str  # as published by the contract; may be a homoglyph imitation
    decimals: int
    contract: str | None = None  # canonical (lower-case) token contract address

    @property
    def key(self) -> str:
        return f"{self.chain}:{self.contract or 'native'}"


@dataclass(frozen=True, slots=True)
class Transfer:
    """One account-model movement of value from one address to another."""

    chain: str
    tx_hash: str  # lower-case 0x-prefixed for EVM
    index: int  # position inside the transaction (log index, trace index); 0 for native
    kind: TransferKind
    from_address: str  # canonical (lower-case for EVM)
    to_address: str
    asset: Asset
    amount: int  # base units, >= 0
    block: int
    timestamp: datetime  # UTC
    fee: int = 0  # native base units paid by the sender for the transaction (native rows only)
    failed: bool = False  # reverted transactions move no value but still pay fees

    def whole_units(self) -> Decimal:
        return Decimal(self.amount).scaleb(-self.asset.decimals)


@dataclass(frozen=True, slots=True)
class TxOutput:
    index: int
    address: str | None  # None for non-standard / OP_RETURN outputs
    value: int  # satoshi
    memo: str | None = None  # the text an OP_RETURN output carries (THORChain: OUT:<hash>)


@dataclass(frozen=True, slots=True)
class TxInput:
    prev_tx: str
    prev_index: int
    address: str | None = None  # resolved from the spent output when known
    value: int | None = None  # resolved from the spent output when known


@dataclass(frozen=True, slots=True)
class UtxoTx:
    """One UTXO-model transaction: ordered inputs spend earlier outputs; fee = in - out."""

    chain: str
    tx_hash: str
    block: int
    timestamp: datetime
    inputs: tuple[TxInput, ...]
    outputs: tuple[TxOutput, ...]
    coinbase: bool = False
