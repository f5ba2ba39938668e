"""Wormhole token bridge (lock and mint): the core contract's ``LogMessagePublished`` event
whose payload is a token-bridge transfer names the destination chain and address.

``LogMessagePublished(address indexed sender, uint64 sequence, uint32 nonce, bytes payload,
uint8 consistencyLevel)``; a transfer payload is ``payloadID`` (1: transfer, 3: transfer
with payload), ``amount`` (32 bytes, normalised to at most 8 decimals), ``tokenAddress``
(32), ``tokenChain`` (uint16), ``to`` (32), ``toChain`` (uint16), then the fee (type 1) or
the sender and an application payload (type 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from nkwatch.trace.bridges.abi import AbiError, EvmLog, address_of, dynamic_bytes, word

# keccak256("LogMessagePublished(address,uint64,uint32,bytes,uint8)")
MESSAGE_TOPIC = "0x6eb224fb001ed210e379b335e35efe88672a8ce935d981a6896b27ffdf52a3b2"
# Wormhole chain ids -> nkwatch chain names
CHAIN_IDS = {
    1: "solana", 2: "ethereum", 4: "bsc", 5: "polygon", 6: "avalanche", 10: "fantom",
    13: "klaytn", 14: "celo", 16: "moonbeam", 21: "sui", 22: "aptos", 23: "arbitrum",
    24: "optimism", 30: "base",
}  # fmt: skip
EVM_IDS = frozenset({2, 4, 5, 6, 10, 13, 14, 16, 23, 24, 30})


@dataclass(frozen=True, slots=True)
class TokenTransfer:
    log: EvmLog
    sequence: int
    amount: int  # normalised: min(decimals, 8) decimals
    token: str  # token address on its home chain (0x + 64 hex; EVM: 0x + 40)
    token_chain: str
    to_chain: str
    to: str
    with_payload: bool


def _chain(n: int) -> str:
    return CHAIN_IDS.get(n, f"wormhole-chain-{n}")


def _universal(raw: bytes, chain_id: int) -> str:
    """A 32-byte universal address: an EVM address when the chain is EVM, else hex."""
    if chain_id in EVM_IDS:
        return address_of(int.from_bytes(raw, "big"))
    return "0x" + raw.hex()


def decode_message(log: EvmLog) -> TokenTransfer:
    """A token-bridge transfer message; AbiError for other messages or malformed data."""
    if log.topic0 != MESSAGE_TOPIC or len(log.topics) != 2:
        raise AbiError("not a Wormhole LogMessagePublished event")
    payload = dynamic_bytes(log.data, 2)
    if len(payload) < 133 or payload[0] not in (1, 3):
        raise AbiError("not a Wormhole token-bridge transfer payload")
    token_chain = int.from_bytes(payload[65:67], "big")
    to_chain = int.from_bytes(payload[99:101], "big")
    return TokenTransfer(
        log, word(log.data, 0), int.from_bytes(payload[1:33], "big"),
        _universal(payload[33:65], token_chain), _chain(token_chain), _chain(to_chain),
        _universal(payload[67:99], to_chain), payload[0] == 3,
    )  # fmt: skip


def encode_transfer(
    amount: int, token: bytes, token_chain: int, to: bytes, to_chain: int, fee: int = 0
) -> bytes:
    """A type-1 transfer payload (tests and the synthetic generator)."""
    return (
        b"\x01" + amount.to_bytes(32, "big") + token.rjust(32, b"\0")
        + token_chain.to_bytes(2, "big") + to.rjust(32, b"\0") + to_chain.to_bytes(2, "big")
        + fee.to_bytes(32, "big")
    )  # fmt: skip
