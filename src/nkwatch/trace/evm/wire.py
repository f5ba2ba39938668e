"""Node answers decoded straight into small typed structs, and the lean per-block decode.

A 200-transaction block is ~140 kB of parity traces; parsing it into dicts and building a
:class:`Transfer` for every movement cost more CPU than everything else the watch does. Here
msgspec reads only the fields that matter (call data, gas and outputs are skipped, not
built), the structs are not tracked by the cyclic GC, and each movement becomes a compact
:class:`Move`. :class:`LazyTransfers` turns moves into ``Transfer`` rows only when asked, so
the watch, which looks at the sender of every movement but alerts on few, builds few; a
caller that iterates gets them all. Same rows, same order as ``decode`` (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import overload

import msgspec

from nkwatch.trace.evm.decode import (
    INTERNAL_INDEX_BASE,
    TRANSFER_TOPIC,
    ZERO_ADDRESS,
    BlockHeader,
    address,
    native_asset,
)
from nkwatch.trace.model import Asset, Transfer, TransferKind


class Head(msgspec.Struct, gc=False):
    """``eth_getBlockByNumber(n, false)``: the header and the transaction hashes."""

    number: str
    hash: str
    parentHash: str  # field names as the node spells them
    timestamp: str
    transactions: tuple[str, ...] = ()

    def header(self) -> BlockHeader:
        return BlockHeader(
            number=int(self.number, 16),
            hash=self.hash.lower(),
            parent_hash=self.parentHash.lower(),
            timestamp=datetime.fromtimestamp(int(self.timestamp, 16), tz=UTC),
        )


class _Action(msgspec.Struct, gc=False):
    sender: str | None = msgspec.field(name="from", default=None)
    to: str | None = None
    value: str | None = None
    callType: str = "call"
    address: str | None = None  # suicide: the destroyed contract
    refundAddress: str | None = None
    balance: str | None = None


class _Result(msgspec.Struct, gc=False):
    address: str | None = None  # create: the new contract


class ParityTrace(msgspec.Struct, gc=False):
    """One ``trace_block`` entry (parity format)."""

    type: str = ""
    action: _Action | None = None
    result: _Result | None = None
    error: str | None = None
    traceAddress: tuple[int, ...] = ()
    transactionHash: str | None = None
    transactionPosition: int | None = None
    blockHash: str | None = None


class Log(msgspec.Struct, gc=False):
    """One ``eth_getLogs`` entry."""

    address: str
    blockNumber: str
    blockHash: str
    transactionHash: str
    logIndex: str
    transactionIndex: str | None = None
    topics: tuple[str, ...] = ()
    data: str = "0x"
    removed: bool = False


QUANTITY = msgspec.json.Decoder(str)
HEAD = msgspec.json.Decoder(Head | None)
TRACES = msgspec.json.Decoder(list[ParityTrace] | None)
LOGS = msgspec.json.Decoder(list[Log])

NATIVE, INTERNAL, TOKEN = 0, 1, 2  # execution order of a transaction's movements
_KINDS = (TransferKind.NATIVE, TransferKind.INTERNAL, TransferKind.TOKEN)


class Move(msgspec.Struct, frozen=True, order=True, gc=False):
    """One movement; sorts in execution order (position, native < internal < token, index).
    Kept as the node spelled it (hex amount, addresses lower-cased for lookups) and turned
    into a checked ``Transfer`` only when asked."""

    position: int  # the transaction's position in the block
    order: int
    index: int
    tx_hash: str
    sender: str
    receiver: str
    amount: str  # hex quantity
    contract: str | None = None  # token contract; None for the native coin
    failed: bool = False


Positions = Callable[[str], int]  # tx hash as the node gave it -> position in the block


def trace_moves(traces: Sequence[ParityTrace], position: Positions) -> list[Move]:
    """Native (root trace) and internal (value-carrying subtraces) moves of one block.
    A trace with an ``error`` fails its whole subtree (found by ``traceAddress`` prefix)."""
    failed: dict[str, list[tuple[int, ...]]] = {}
    for t in traces:
        if t.error and t.transactionHash:
            failed.setdefault(t.transactionHash, []).append(t.traceAddress)
    out: list[Move] = []
    counts: dict[str, int] = {}
    for t in traces:
        tx, a = t.transactionHash, t.action
        if not tx or a is None:
            continue  # block and uncle rewards
        n = counts.get(tx, 0)  # depth-first order inside the transaction
        counts[tx] = n + 1
        path = t.traceAddress
        if not path:
            pos = t.transactionPosition if t.transactionPosition is not None else position(tx)
            to = (t.result.address if t.result else None) if t.type == "create" else a.to
            out.append(
                Move(pos, NATIVE, 0, tx, (a.sender or "").lower(), (to or ZERO_ADDRESS).lower(),
                     a.value or "0x0", None, bool(t.error))
            )  # fmt: skip
            continue
        bad = failed.get(tx)
        if bad and any(path[: len(p)] == p for p in bad):
            continue
        if t.type == "call" and a.callType == "call":
            sender, receiver = a.sender, a.to
        elif t.type == "create":
            sender, receiver = a.sender, t.result.address if t.result else None
        elif t.type == "suicide":
            sender, receiver = a.address, a.refundAddress
        else:
            continue
        raw = a.value or a.balance
        if raw and int(raw, 16) and receiver is not None:
            pos = t.transactionPosition if t.transactionPosition is not None else position(tx)
            out.append(
                Move(pos, INTERNAL, INTERNAL_INDEX_BASE + n, tx, (sender or "").lower(),
                     receiver.lower(), raw)
            )  # fmt: skip
    return out


def log_moves(logs: Sequence[Log], position: Positions) -> list[Move]:
    """ERC-20 ``Transfer`` logs of one block (three topics, one uint256 of data)."""
    out: list[Move] = []
    for log in logs:
        topics = log.topics
        if log.removed or len(topics) != 3 or len(log.data) != 66:
            continue  # four topics: ERC-721; other data: not a single uint256
        if topics[0] != TRANSFER_TOPIC and topics[0].lower() != TRANSFER_TOPIC:
            continue
        tx = log.transactionHash
        at = log.transactionIndex
        out.append(
            Move(int(at, 16) if at else position(tx), TOKEN, int(log.logIndex, 16), tx,
                 "0x" + topics[1][-40:].lower(), "0x" + topics[2][-40:].lower(), log.data,
                 log.address.lower())
        )  # fmt: skip
    return out


class LazyTransfers(Sequence[Transfer]):
    """A block's moves seen as ``Transfer`` rows, each built on first access."""

    __slots__ = ("_all", "_assets", "_block", "_chain", "_native", "_time", "moves", "senders")

    def __init__(
        self, chain: str, head: BlockHeader, moves: list[Move], assets: Mapping[str, Asset]
    ) -> None:
        moves.sort()
        self.moves = moves
        self.senders = [m.sender for m in moves]  # what the watch scans
        self._chain, self._block, self._time = chain, head.number, head.timestamp
        self._assets, self._native = assets, native_asset(chain)
        self._all: tuple[Transfer, ...] | None = None

    def _make(self, m: Move) -> Transfer:
        return Transfer(
            chain=self._chain,
            tx_hash=m.tx_hash.lower(),
            index=m.index,
            kind=_KINDS[m.order],
            from_address=address(m.sender),
            to_address=address(m.receiver),
            asset=self._native if m.contract is None else self._assets[m.contract],
            amount=int(m.amount, 16),
            block=self._block,
            timestamp=self._time,
            failed=m.failed,
        )

    def rows(self) -> tuple[Transfer, ...]:
        if self._all is None:
            self._all = tuple(self._make(m) for m in self.moves)
        return self._all

    def __len__(self) -> int:
        return len(self.moves)

    def __iter__(self) -> Iterator[Transfer]:
        return iter(self.rows())

    @overload
    def __getitem__(self, i: int) -> Transfer: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Transfer]: ...
    def __getitem__(self, i: int | slice) -> Transfer | Sequence[Transfer]:
        if isinstance(i, slice) or self._all is not None:
            return self.rows()[i]
        return self._make(self.moves[i])


def senders(rows: Sequence[Transfer]) -> Sequence[str]:
    """The sender of each row, without building rows that were not built yet."""
    return rows.senders if isinstance(rows, LazyTransfers) else [t.from_address for t in rows]
