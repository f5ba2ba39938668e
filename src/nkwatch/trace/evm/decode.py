"""Node answers -> :class:`Transfer` rows. Pure functions over the decoded JSON.

Three sources of value movement in an EVM block:

* native: each transaction's top-level ``value`` (plus the fee its sender paid; a reverted
  transaction still pays the fee but moves nothing);
* token: ERC-20 ``Transfer(address,address,uint256)`` logs (three topics, 32-byte data; the
  four-topic ERC-721 form is not value and is skipped);
* internal: value-carrying frames inside a call tree (``callTracer``) or parity traces
  (``trace_filter``). A frame that failed moves nothing, and neither does anything below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from nkwatch.chains import get_chain
from nkwatch.trace.evm.rpc import to_int
from nkwatch.trace.model import Asset, Transfer, TransferKind

# keccak256("Transfer(address,address,uint256)")
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
ZERO_ADDRESS = "0x" + "0" * 40
_VALUE_FRAMES = frozenset({"CALL", "CREATE", "CREATE2", "SELFDESTRUCT"})
# internal rows are numbered after log indices so (tx, index) stays unique within a tx
INTERNAL_INDEX_BASE = 1_000_000


@dataclass(frozen=True, slots=True)
class BlockHeader:
    number: int
    hash: str
    parent_hash: str
    timestamp: datetime


@cache
def native_asset(chain: str) -> Asset:
    info = get_chain(chain)
    return Asset(chain=info.id, symbol=info.symbol, decimals=info.decimals)


def address(value: str | None) -> str:
    """Canonical lower-case 0x address; raises ValueError for anything else."""
    if value is None or len(value) != 42 or not value.startswith("0x"):
        raise ValueError(f"not an EVM address: {value!r}")
    int(value[2:], 16)
    return value.lower()


def topic_address(topic: str) -> str:
    """The address in an indexed 32-byte topic (right-most 20 bytes)."""
    return "0x" + topic[-40:].lower()


def address_topic(addr: str) -> str:
    return "0x" + "0" * 24 + address(addr)[2:]


def header(block: Mapping[str, Any]) -> BlockHeader:
    return BlockHeader(
        number=to_int(block["number"]),
        hash=str(block["hash"]).lower(),
        parent_hash=str(block["parentHash"]).lower(),
        timestamp=datetime.fromtimestamp(to_int(block["timestamp"]), tz=UTC),
    )


def native_transfers(
    chain: str, block: Mapping[str, Any], receipts: Mapping[str, Mapping[str, Any]]
) -> list[Transfer]:
    """One row per transaction of a full block (``eth_getBlockByNumber(n, true)``), so fees
    are accounted even for zero-value calls; ``receipts`` by lower-case tx hash."""
    head = header(block)
    asset = native_asset(chain)
    out: list[Transfer] = []
    for tx in block.get("transactions", []):
        tx_hash = str(tx["hash"]).lower()
        receipt = receipts[tx_hash]
        to = tx.get("to") or receipt.get("contractAddress")
        gas_price = to_int(receipt.get("effectiveGasPrice") or tx.get("gasPrice"))
        out.append(
            Transfer(
                chain=chain,
                tx_hash=tx_hash,
                index=0,
                kind=TransferKind.NATIVE,
                from_address=address(tx["from"]),
                to_address=address(to) if to else ZERO_ADDRESS,
                asset=asset,
                amount=to_int(tx.get("value")),
                block=head.number,
                timestamp=head.timestamp,
                fee=to_int(receipt.get("gasUsed")) * gas_price,
                failed=to_int(receipt.get("status")) == 0,
            )
        )
    return out


def token_transfers(
    chain: str,
    logs: Iterable[Mapping[str, Any]],
    assets: Mapping[str, Asset],
    times: Mapping[int, datetime],
) -> list[Transfer]:
    """ERC-20 Transfer logs -> rows; ``assets`` by token contract, ``times`` by block."""
    out: list[Transfer] = []
    for log in logs:
        topics = log.get("topics") or []
        if log.get("removed") or len(topics) != 3 or str(topics[0]).lower() != TRANSFER_TOPIC:
            continue
        data = str(log.get("data") or "0x")
        if len(data) != 66:  # not a single uint256: not ERC-20 shaped
            continue
        block = to_int(log["blockNumber"])
        contract = address(log["address"])
        out.append(
            Transfer(
                chain=chain,
                tx_hash=str(log["transactionHash"]).lower(),
                index=to_int(log["logIndex"]),
                kind=TransferKind.TOKEN,
                from_address=topic_address(topics[1]),
                to_address=topic_address(topics[2]),
                asset=assets[contract],
                amount=int(data, 16),
                block=block,
                timestamp=times[block],
            )
        )
    return out


def _frames(
    frame: Mapping[str, Any], depth: int, failed: bool = False
) -> Iterator[tuple[Mapping[str, Any], int, bool]]:
    """Depth-first call frames with whether they (or a caller) failed."""
    failed = failed or bool(frame.get("error"))
    yield frame, depth, failed
    for child in frame.get("calls") or []:
        yield from _frames(child, depth + 1, failed)


def internal_transfers(
    chain: str, tx_hash: str, call_trace: Mapping[str, Any], block: int, timestamp: datetime
) -> list[Transfer]:
    """Value-carrying subcalls of one ``callTracer`` tree (the top frame is the native row)."""
    asset = native_asset(chain)
    out: list[Transfer] = []
    for position, (frame, depth, failed) in enumerate(_frames(call_trace, 0)):
        value = to_int(frame.get("value"))
        if (
            failed
            or depth == 0
            or value == 0
            or str(frame.get("type", "")).upper() not in _VALUE_FRAMES
        ):
            continue
        out.append(
            Transfer(
                chain=chain,
                tx_hash=tx_hash.lower(),
                index=INTERNAL_INDEX_BASE + position,
                kind=TransferKind.INTERNAL,
                from_address=address(frame["from"]),
                to_address=address(frame["to"]),
                asset=asset,
                amount=value,
                block=block,
                timestamp=timestamp,
            )
        )
    return out


def parity_internal_transfers(
    chain: str, traces: Iterable[Mapping[str, Any]], times: Mapping[int, datetime]
) -> list[Transfer]:
    """Value-carrying subtraces from ``trace_filter`` / ``trace_block`` (parity format).

    A trace with an ``error`` fails its whole subtree, found by ``traceAddress`` prefix."""
    asset = native_asset(chain)
    rows = list(traces)
    failed: set[tuple[str, tuple[int, ...]]] = {
        (str(t["transactionHash"]).lower(), tuple(t.get("traceAddress") or []))
        for t in rows
        if t.get("error") and t.get("transactionHash")
    }
    out: list[Transfer] = []
    positions: dict[str, int] = {}
    for t in rows:
        if not t.get("transactionHash"):
            continue  # block and uncle rewards
        tx_hash = str(t["transactionHash"]).lower()
        position = positions.get(tx_hash, 0)  # depth-first order inside the transaction,
        positions[tx_hash] = position + 1  # the same numbering as the callTracer walk
        path = tuple(t.get("traceAddress") or [])
        if not path or any((tx_hash, path[:n]) in failed for n in range(len(path) + 1)):
            continue
        action = t.get("action") or {}
        kind = str(t.get("type", ""))
        if kind == "call" and action.get("callType", "call") == "call":
            sender, receiver = action.get("from"), action.get("to")
        elif kind == "create":
            sender, receiver = action.get("from"), (t.get("result") or {}).get("address")
        elif kind == "suicide":
            sender, receiver = action.get("address"), action.get("refundAddress")
        else:
            continue
        value = to_int(action.get("value") or action.get("balance"))
        if value == 0 or receiver is None:
            continue
        block = int(t["blockNumber"])
        out.append(
            Transfer(
                chain=chain,
                tx_hash=tx_hash,
                index=INTERNAL_INDEX_BASE + position,
                kind=TransferKind.INTERNAL,
                from_address=address(sender),
                to_address=address(receiver),
                asset=asset,
                amount=value,
                block=block,
                timestamp=times[block],
            )
        )
    return out


def parity_native_transfers(
    chain: str, traces: Iterable[Mapping[str, Any]], timestamp: datetime
) -> list[Transfer]:
    """Top-level value of each transaction from its root parity trace (no fee: used when
    only movements matter and receipts are skipped)."""
    asset = native_asset(chain)
    out: list[Transfer] = []
    for t in traces:
        if not t.get("transactionHash") or t.get("traceAddress"):
            continue
        action = t.get("action") or {}
        if t.get("type") == "create":
            receiver = (t.get("result") or {}).get("address") or ZERO_ADDRESS
        else:
            receiver = action.get("to") or ZERO_ADDRESS
        out.append(
            Transfer(
                chain=chain,
                tx_hash=str(t["transactionHash"]).lower(),
                index=0,
                kind=TransferKind.NATIVE,
                from_address=address(action.get("from")),
                to_address=address(receiver),
                asset=asset,
                amount=to_int(action.get("value")),
                block=int(t["blockNumber"]),
                timestamp=timestamp,
                failed=bool(t.get("error")),
            )
        )
    return out
