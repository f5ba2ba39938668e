"""Swaps: the exact conversion rule and the DEX events that explain a swap.

Within one transaction, what an address sends of one asset into a swap comes back as the
other asset it receives; the taint converts at that transaction's own ratio, in exact
integers: ``converted = received × tainted_sent // total_sent``. The remainder
(``received × tainted_sent mod total_sent``, in 1/total_sent base units) is recorded with
the link, so nothing is created and what is dropped is accounted for.

The swap itself is recognised from transfer data alone (``crosschain``); where logs are
present the known events are decoded for the explanation: Uniswap V2 ``Swap``, Uniswap V3
``Swap`` and Curve ``TokenExchange`` (both id widths), and the aggregator routers' own
events — 1inch ``Swapped`` (AggregationRouter v4), 0x ``TransformedERC20`` (Exchange
Proxy) and ParaSwap ``SwappedV3`` (Augustus v5) — which also name the recipient of the
proceeds (1inch ``dstReceiver``, ParaSwap ``beneficiary``), so a swap paying another address
is still followed.
"""

from __future__ import annotations

from dataclasses import dataclass

from nkwatch.trace.bridges.abi import AbiError, EvmLog, address_of, signed, word

# keccak256 of the event signatures
UNISWAP_V2_SWAP = "0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822"
UNISWAP_V3_SWAP = "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67"
CURVE_EXCHANGE = "0x8b3e96f2b889fa771c53c981b40daf005f63f637f1869f707052d15a3dd97140"
CURVE_EXCHANGE_U256 = "0xb2e76ae99761dc136e598d4a629bb347eccb9532a5f8bbd72e18467c3c34cc98"
ONEINCH_SWAPPED = "0xd6d4f5681c246c9f42c203e287975af1601f8df8035a9251f79aab5c8f09e2f8"
ZEROX_TRANSFORMED = "0x0f6672f78a59ba8e5e5b5d38df3ebc67f3c792e2c9259b8d97d7f00dd78ba1b3"
PARASWAP_SWAPPED_V3 = "0xe00361d207b252a464323eb23d45d42583e391f2031acdd2e9fa36efddd43cb0"
AGGREGATOR_TOPICS = frozenset({ONEINCH_SWAPPED, ZEROX_TRANSFORMED, PARASWAP_SWAPPED_V3})
SWAP_TOPICS = (
    frozenset({UNISWAP_V2_SWAP, UNISWAP_V3_SWAP, CURVE_EXCHANGE, CURVE_EXCHANGE_U256})
    | AGGREGATOR_TOPICS
)


@dataclass(frozen=True, slots=True)
class Conversion:
    tainted_in: int
    total_in: int
    received: int
    converted: int
    remainder: int  # received × tainted_in mod total_in: the fraction of a unit not carried


def convert(received: int, tainted_in: int, total_in: int) -> Conversion:
    """The tainted part of ``received`` at the ratio ``tainted_in / total_in`` (floor)."""
    if total_in <= 0 or tainted_in <= 0 or received <= 0:
        return Conversion(max(tainted_in, 0), max(total_in, 0), max(received, 0), 0, 0)
    tainted_in = min(tainted_in, total_in)
    converted, remainder = divmod(received * tainted_in, total_in)
    return Conversion(tainted_in, total_in, received, converted, remainder)


@dataclass(frozen=True, slots=True)
class SwapEvent:
    """One pool's swap: ``amount_in`` of token index ``token_in`` for ``amount_out`` of
    ``token_out`` (pool-local token indices: 0/1 for Uniswap, coin ids for Curve)."""

    log: EvmLog
    dex: str  # "uniswap-v2" | "uniswap-v3" | "curve"
    sender: str
    recipient: str | None
    token_in: int
    amount_in: int
    token_out: int
    amount_out: int
    event: str = "Swap"
    tokens: tuple[str, str] | None = None  # aggregators name the token contracts (in, out)

    @property
    def aggregator(self) -> bool:
        return self.log.topic0 in AGGREGATOR_TOPICS


def _v2(log: EvmLog) -> SwapEvent:
    a0_in, a1_in, a0_out, a1_out = (word(log.data, i) for i in range(4))
    if len(log.topics) != 3:
        raise AbiError("Uniswap V2 Swap has 3 topics")
    if (a0_in > 0) == (a1_in > 0) or (a0_out > 0) == (a1_out > 0):
        ins, outs = (0, a0_in), (1, a1_out)  # both sides moved (flash): read as 0 -> 1
    else:
        ins = (0, a0_in) if a0_in else (1, a1_in)
        outs = (0, a0_out) if a0_out else (1, a1_out)
    return SwapEvent(log, "uniswap-v2", address_of(log.topics[1]), address_of(log.topics[2]),
                     ins[0], ins[1], outs[0], outs[1])  # fmt: skip


def _v3(log: EvmLog) -> SwapEvent:
    if len(log.topics) != 3:
        raise AbiError("Uniswap V3 Swap has 3 topics")
    a0, a1 = signed(word(log.data, 0)), signed(word(log.data, 1))
    if (a0 > 0) == (a1 > 0):
        raise AbiError("Uniswap V3 Swap amounts must have opposite signs")
    token_in, amount_in, amount_out = (0, a0, -a1) if a0 > 0 else (1, a1, -a0)
    return SwapEvent(log, "uniswap-v3", address_of(log.topics[1]), address_of(log.topics[2]),
                     token_in, amount_in, 1 - token_in, amount_out)  # fmt: skip


def _curve(log: EvmLog) -> SwapEvent:
    if len(log.topics) != 2:
        raise AbiError("Curve TokenExchange has 2 topics")
    sold_id, sold, bought_id, bought = (word(log.data, i) for i in range(4))
    if log.topic0 == CURVE_EXCHANGE:
        sold_id, bought_id = signed(sold_id, 256), signed(bought_id, 256)
    buyer = address_of(log.topics[1])
    return SwapEvent(log, "curve", buyer, buyer, sold_id, sold, bought_id, bought)


def _oneinch(log: EvmLog) -> SwapEvent:
    """``Swapped(sender, srcToken, dstToken, dstReceiver, spentAmount, returnAmount)``."""
    if len(log.topics) != 1:
        raise AbiError("1inch Swapped has 1 topic")
    sender, src, dst, receiver, spent, returned = (word(log.data, i) for i in range(6))
    return SwapEvent(log, "1inch", address_of(sender), address_of(receiver), 0, spent, 1,
                     returned, "Swapped", (address_of(src), address_of(dst)))  # fmt: skip


def _zerox(log: EvmLog) -> SwapEvent:
    """``TransformedERC20(taker indexed, inputToken, outputToken, inputAmount, outputAmount)``:
    the taker receives the output."""
    if len(log.topics) != 2:
        raise AbiError("0x TransformedERC20 has 2 topics")
    src, dst, spent, returned = (word(log.data, i) for i in range(4))
    taker = address_of(log.topics[1])
    return SwapEvent(log, "0x", taker, taker, 0, spent, 1, returned, "TransformedERC20",
                     (address_of(src), address_of(dst)))  # fmt: skip


def _paraswap(log: EvmLog) -> SwapEvent:
    """``SwappedV3(uuid, partner, feePercent, initiator, beneficiary indexed, srcToken indexed,
    destToken indexed, srcAmount, receivedAmount, expectedAmount)``."""
    if len(log.topics) != 4:
        raise AbiError("ParaSwap SwappedV3 has 4 topics")
    initiator, spent, received = word(log.data, 3), word(log.data, 4), word(log.data, 5)
    return SwapEvent(log, "paraswap", address_of(initiator), address_of(log.topics[1]), 0,
                     spent, 1, received, "SwappedV3",
                     (address_of(log.topics[2]), address_of(log.topics[3])))  # fmt: skip


_DECODERS = {UNISWAP_V2_SWAP: _v2, UNISWAP_V3_SWAP: _v3, CURVE_EXCHANGE: _curve,
             CURVE_EXCHANGE_U256: _curve, ONEINCH_SWAPPED: _oneinch, ZEROX_TRANSFORMED: _zerox,
             PARASWAP_SWAPPED_V3: _paraswap}  # fmt: skip


def decode_swap(log: EvmLog) -> SwapEvent:
    """A known swap event; AbiError for anything else or malformed data."""
    decoder = _DECODERS.get(log.topic0)
    if decoder is None:
        raise AbiError("not a known swap event")
    return decoder(log)


def describe(event: SwapEvent) -> str:
    """One line for the report's link evidence."""
    tin, tout = event.tokens or (f"token {event.token_in}", f"token {event.token_out}")
    return (
        f"{event.dex} {event.event} at {event.log.address} (log {event.log.log_index}): "
        f"{event.amount_in} of {tin} in, {event.amount_out} of {tout} out, "
        f"recipient {event.recipient}"
    )
