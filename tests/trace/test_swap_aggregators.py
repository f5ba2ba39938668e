"""Aggregator routers' own events (1inch ``Swapped``, 0x ``TransformedERC20``, ParaSwap
``SwappedV3``) explain a swap and name who receives the proceeds: a swap paying another
address than the sender is followed there, at the transaction's own ratio."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.trace import crosschain_case as cc

from nkwatch.trace.across import trace_across
from nkwatch.trace.across.run import finish
from nkwatch.trace.bridges.abi import AbiError, EvmLog, encode_words
from nkwatch.trace.graph import graph_from_transfers
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.model import Asset, Transfer, TransferKind
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.swaps import (
    ONEINCH_SWAPPED,
    PARASWAP_SWAPPED_V3,
    ZEROX_TRANSFORMED,
    decode_swap,
    describe,
)  # fmt: skip

ROUTER = "0x1111111254fb6c44bac0bed2854e76f90643097d"
RECEIVER = "0x" + "2e" * 20
WETH = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"
ETH = 10**18
ONWARD = "0x" + "3e" * 20
THEFT, SWAP = "0x" + "a1" * 32, "0x" + "a2" * 32


def _word(address: str) -> int:
    return int(address, 16)


def _topic(address: str) -> str:
    return "0x" + "0" * 24 + address[2:]


def _oneinch_log(receiver: str, spent: int, returned: int) -> EvmLog:
    data = encode_words(_word(cc.THIEF), _word(cc.USDT), _word(WETH), _word(receiver),
                        spent, returned)  # fmt: skip
    return EvmLog("ethereum", SWAP, 3, 2, ROUTER, (ONEINCH_SWAPPED,), data)


def test_the_three_aggregator_events_decode_with_their_recipient() -> None:
    one = decode_swap(_oneinch_log(RECEIVER, 600, 3))
    assert (one.dex, one.sender, one.recipient, one.amount_in, one.amount_out, one.tokens) == (
        "1inch",
        cc.THIEF,
        RECEIVER,
        600,
        3,
        (cc.USDT, WETH),
    )
    zx = decode_swap(EvmLog("ethereum", SWAP, 4, 2, ROUTER, (ZEROX_TRANSFORMED, _topic(cc.THIEF)),
                            encode_words(_word(cc.USDT), _word(WETH), 10, 2)))  # fmt: skip
    assert (zx.dex, zx.recipient, zx.amount_in, zx.amount_out) == ("0x", cc.THIEF, 10, 2)
    para = decode_swap(EvmLog(
        "ethereum", SWAP, 5, 2, ROUTER,
        (PARASWAP_SWAPPED_V3, _topic(RECEIVER), _topic(cc.USDT), _topic(WETH)),
        encode_words(0xABC << 128, 0, 0, _word(cc.THIEF), 7, 5, 4)))  # fmt: skip
    assert (para.dex, para.sender, para.recipient, para.amount_in, para.amount_out) == (
        "paraswap",
        cc.THIEF,
        RECEIVER,
        7,
        5,
    )
    assert f"7 of {cc.USDT} in, 5 of {WETH} out, recipient {RECEIVER}" in describe(para)
    with pytest.raises(AbiError):
        decode_swap(EvmLog("ethereum", SWAP, 6, 2, ROUTER, (ONEINCH_SWAPPED,), b"\x00" * 64))


@pytest.mark.parametrize("with_event", [True, False])
def test_a_swap_paying_another_address_is_followed_by_its_event(with_event: bool) -> None:
    usdt, eth = Asset("ethereum", "USDT", 6, cc.USDT), Asset("ethereum", "ETH", 18)
    when = datetime(2025, 2, 21, tzinfo=UTC)
    graph = graph_from_transfers("ethereum", [
        Transfer("ethereum", THEFT, 0, TransferKind.TOKEN, cc.VICTIM, cc.THIEF, usdt, 600 * 10**6, 1, when),
        Transfer("ethereum", SWAP, 1, TransferKind.TOKEN, cc.THIEF, ROUTER, usdt, 600 * 10**6, 2, when),
        Transfer("ethereum", SWAP, 0, TransferKind.INTERNAL, ROUTER, RECEIVER, eth, 3 * ETH, 2, when),
        Transfer("ethereum", "0x" + "a3" * 32, 0, TransferKind.NATIVE, RECEIVER, ONWARD, eth, 2 * ETH, 3, when),
    ])  # fmt: skip
    logs = [_oneinch_log(RECEIVER, 600 * 10**6, 3 * ETH)] if with_event else []
    params = TraceParams("ethereum", "haircut")
    result = trace_across(graph, [Seed(tx_hash=THEFT, asset=f"ethereum:{cc.USDT}")], params,
                          logs=logs)  # fmt: skip
    if not with_event:  # the shape alone needs the proceeds back at the sender
        assert result.links == []
        return
    (link,) = result.links
    assert (link.kind, link.via) == ("swap", "1inch aggregator (its Swapped event)")
    assert (link.target.address, link.converted) == (RECEIVER, 3 * ETH)
    assert any("1inch Swapped" in ev for ev in link.evidence)
    # the proceeds go on from the receiver: 2 of its 3 ETH reach the next address
    report = finish(result, {}, params, LabelBook()).to_data()
    held = {(h["address"], h["symbol"]): h["amount"] for h in report["addresses"]}
    assert held[(ONWARD, "ETH")] == "2" and held[(RECEIVER, "ETH")] == "1"
