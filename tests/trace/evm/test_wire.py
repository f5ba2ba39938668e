"""The typed, lazy decode (``wire``) gives the same rows as the dict decoders (``decode``),
builds rows only when asked, and the prefetch window keeps order and drops stale chunks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from nkwatch.trace.evm import decode, wire
from nkwatch.trace.evm.decode import BlockHeader
from nkwatch.trace.evm.prefetch import Prefetcher
from nkwatch.trace.model import Asset

T0 = datetime(2026, 11, 21, tzinfo=UTC)
A, B, C, D, TOKEN = ("0x" + c * 40 for c in "abcd7")
TX1, TX2, TX3 = ("0x" + c * 64 for c in "123")
HEAD = BlockHeader(5, "0x" + "e" * 64, "0x" + "f" * 64, T0)


def trace(tx: str, path: list[int], frm: str | None, to: str | None, value: int, **kw: Any):
    action = {"callType": kw.pop("call_type", "call"), "from": frm, "to": to, "value": hex(value)}
    action.update(kw.pop("action", {}))
    out = {"type": "call", "action": action, "traceAddress": path, "transactionHash": tx}
    out.update(blockNumber=5, blockHash=HEAD.hash, result={"gasUsed": "0x0"}, **kw)
    return out


TRACES = [
    # tx1: A pays B 10, B pays C 3 and (reverted subtree) D 4 -> D pays A 4
    trace(TX1, [], A.upper().replace("0X", "0x"), B, 10),
    trace(TX1, [0], B, C, 3),
    trace(TX1, [1], B, D, 4, error="Reverted"),
    trace(TX1, [1, 0], D, A, 4),
    trace(TX1, [2], B, C, 0, call_type="delegatecall"),
    # tx2 reverted at the top: its native row is failed, nothing inside moves
    trace(TX2, [], C, B, 7, error="out of gas"),
    trace(TX2, [0], B, D, 1),
    # tx3: a contract created with value, then a self-destruct refunding D
    {**trace(TX3, [], A, None, 0), "type": "create", "result": {"address": B}},
    {**trace(TX3, [0], None, None, 0), "type": "suicide",
     "action": {"address": B, "refundAddress": D, "balance": hex(9)}},
    {"type": "reward", "action": {"author": A, "value": "0x1"}, "traceAddress": [],
     "blockNumber": 5},
]  # fmt: skip
LOGS = [
    {
        "address": TOKEN,
        "topics": [decode.TRANSFER_TOPIC, decode.address_topic(C), decode.address_topic(A)],
        "data": "0x" + f"{55:064x}",
        "blockNumber": "0x5",
        "blockHash": HEAD.hash,
        "transactionHash": TX1,
        "logIndex": "0x0",
    },
    {  # ERC-721 shaped (4 topics): not value
        "address": TOKEN,
        "topics": [decode.TRANSFER_TOPIC, decode.address_topic(C), decode.address_topic(A), "0x1"],
        "data": "0x",
        "blockNumber": "0x5",
        "blockHash": HEAD.hash,
        "transactionHash": TX2,
        "logIndex": "0x1",
    },
]
ASSETS = {TOKEN: Asset("ethereum", "SUSD", 6, TOKEN)}


def lazy() -> wire.LazyTransfers:
    raw = msgspec.json.encode
    traces = wire.TRACES.decode(raw(TRACES))
    logs = wire.LOGS.decode(raw(LOGS))
    position = {TX1: 0, TX2: 1, TX3: 2}.__getitem__  # these answers do not say positions
    assert traces is not None
    moves = wire.trace_moves(traces, position) + wire.log_moves(logs, position)
    return wire.LazyTransfers("ethereum", HEAD, moves, ASSETS)


def test_typed_decode_matches_the_dict_decoders_row_for_row() -> None:
    times = {5: T0}
    want = [
        *decode.parity_native_transfers("ethereum", TRACES, T0),
        *decode.parity_internal_transfers("ethereum", TRACES, times),
        *decode.token_transfers("ethereum", LOGS, ASSETS, times),
    ]
    order = {TX1: 0, TX2: 1, TX3: 2}
    kinds = {"native": 0, "internal": 1, "token": 2}
    want.sort(key=lambda t: (order[t.tx_hash], kinds[t.kind.value], t.index))
    rows = list(lazy())
    assert rows == want
    assert [(t.from_address, t.to_address, t.amount, t.failed) for t in rows] == [
        (A, B, 10, False),
        (B, C, 3, False),
        (C, A, 55, False),
        (C, B, 7, True),
        (A, B, 0, False),
        (B, D, 9, False),
    ]


def test_rows_are_built_only_when_asked_and_addresses_checked_then() -> None:
    rows = lazy()
    assert rows.senders == [A, B, C, C, A, B] and len(rows) == 6
    assert rows._all is None  # nothing built by scanning senders
    assert rows[2].amount == 55 and rows[2].asset.symbol == "SUSD"
    assert rows._all is None
    assert list(rows) == list(rows[0:6])
    bad = wire.LazyTransfers("ethereum", HEAD, [wire.Move(0, 0, 0, TX1, "0xnot", B, "0x1")], {})
    with pytest.raises(ValueError, match="not an EVM address"):
        bad[0]


def test_prefetcher_keeps_order_refills_and_drops_chunks_after_a_jump() -> None:
    calls: list[tuple[int, int]] = []
    lock = threading.Lock()

    def fetch(first: int, last: int) -> list[int]:
        with lock:
            calls.append((first, last))
        return list(range(first, last + 1))

    ahead = Prefetcher(fetch, chunk=3, window=2)
    try:
        assert ahead.take(10, 20) == (10, 12, [10, 11, 12])
        assert ahead.take(13, 20) == (13, 15, [13, 14, 15])  # from the window
        assert calls.count((13, 15)) == 1  # fetched once, ahead of being asked
        assert ahead.take(16, 17) == (16, 17, [16, 17])  # the head fell: not past it
        assert ahead.take(12, 20) == (12, 14, [12, 13, 14])  # a rollback: start again there
        assert calls.count((12, 14)) == 1
    finally:
        ahead.close()


def test_prefetcher_forgets_the_window_when_a_fetch_fails() -> None:
    failing = {4}

    def fetch(first: int, last: int) -> list[int]:
        if first in failing:
            failing.clear()
            raise ConnectionError("node went away")
        return list(range(first, last + 1))

    ahead = Prefetcher(fetch, chunk=2, window=3)
    try:
        assert ahead.take(2, 9)[2] == [2, 3]
        with pytest.raises(ConnectionError):
            ahead.take(4, 9)
        assert ahead.take(4, 9)[2] == [4, 5]  # fetched again, not the failed future
    finally:
        ahead.close()
