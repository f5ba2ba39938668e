"""Bridge decoders: event logs -> departures (value leaving for another chain) and arrivals
(value paid out on a chain, naming the departure it settles).

Registered per event topic: THORChain's router (``Deposit`` out, ``TransferOut`` in) and
the Wormhole token bridge (``LogMessagePublished`` with a transfer payload). A labelled
bridge with no decodable event is the fallback "entered bridge X, destination unknown"
(``crosschain``). Decoding errors are returned as :class:`BadLog` for the noise section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from nkwatch.trace.bridges import thorchain, wormhole
from nkwatch.trace.bridges.abi import AbiError, EvmLog


@dataclass(frozen=True, slots=True)
class Departure:
    bridge: str
    log: EvmLog
    receivers: tuple[str, ...]  # contracts/vaults the bridged value is paid to in the tx
    asset: str | None  # token contract; None for the native coin
    amount: int  # what the event says (base units; Wormhole: normalised to 8 decimals)
    dest_chain: str | None
    dest_address: str | None
    dest_asset: str | None
    memo: str | None
    key: str  # what an arrival names to settle it (THORChain: the inbound tx hash)
    memo_error: str | None = None
    precision: int = 1  # base units the amount is exact to (Midgard records 1e8 units)
    record: str | None = None  # where the departure is known from when not an event


@dataclass(frozen=True, slots=True)
class Arrival:
    bridge: str
    chain: str
    tx_hash: str
    to: str
    asset: str | None
    amount: int
    key: str  # the departure it settles
    refund: bool
    memo: str


@dataclass(frozen=True, slots=True)
class BadLog:
    log: EvmLog
    reason: str


def _thor_deposit(log: EvmLog) -> Departure:
    d = thorchain.decode_deposit(log)
    asset = None if d.asset == thorchain.NATIVE else d.asset
    dest_chain = dest_address = dest_asset = error = None
    try:
        memo = thorchain.parse_memo(d.memo)
    except thorchain.MemoError as exc:
        memo, error = None, str(exc)
    if isinstance(memo, thorchain.SwapMemo):
        dest_chain, dest_address, dest_asset = memo.asset.chain, memo.destination, str(memo.asset)
    elif memo is not None and error is None:
        error = f"memo is not a swap ({type(memo).__name__}): value stays with THORChain"
    return Departure("THORChain", log, (log.address, d.vault), asset, d.amount, dest_chain,
                     dest_address, dest_asset, d.memo, thorchain.normalise_hash(log.tx_hash),
                     error)  # fmt: skip


def _wormhole(log: EvmLog) -> Departure:
    """A token locked in the token bridge (its home chain is this one) or a wrapped token
    burnt; the amount is normalised to 8 decimals, so it is not reconciled to the unit."""
    t = wormhole.decode_message(log)
    asset = t.token if t.token_chain == log.chain else None
    return Departure("Wormhole", log, (wormhole_sender(log),), asset, t.amount, t.to_chain, t.to,
                     f"{t.token_chain}:{t.token}", None, f"wormhole:{t.sequence}")  # fmt: skip


def wormhole_sender(log: EvmLog) -> str:
    """The emitter (the token bridge contract that holds the locked tokens)."""
    return "0x" + log.topics[1][-40:]


DEPARTURES: dict[str, Callable[[EvmLog], Departure]] = {
    thorchain.DEPOSIT_TOPIC: _thor_deposit,
    wormhole.MESSAGE_TOPIC: _wormhole,
}


def _thor_out(log: EvmLog) -> Arrival:
    t = thorchain.decode_transfer_out(log)
    memo = thorchain.parse_memo(t.memo)
    if not isinstance(memo, thorchain.OutMemo):
        raise AbiError(f"TransferOut memo is not OUT:/REFUND: ({t.memo[:60]!r})")
    asset = None if t.asset == thorchain.NATIVE else t.asset
    return Arrival("THORChain", log.chain, log.tx_hash, t.to, asset, t.amount, memo.inbound_tx,
                   memo.refund, t.memo)  # fmt: skip


ARRIVALS: dict[str, Callable[[EvmLog], Arrival]] = {thorchain.TRANSFER_OUT_TOPIC: _thor_out}
KNOWN_TOPICS = frozenset(DEPARTURES) | frozenset(ARRIVALS)


def decode_logs(logs: Iterable[EvmLog]) -> tuple[list[Departure], list[Arrival], list[BadLog]]:
    """Every bridge event among ``logs``; malformed ones (and undecodable memos of an
    outbound) come back as :class:`BadLog`, never raised."""
    departures: list[Departure] = []
    arrivals: list[Arrival] = []
    bad: list[BadLog] = []
    for log in logs:
        try:
            if log.topic0 in DEPARTURES:
                departures.append(DEPARTURES[log.topic0](log))
            elif log.topic0 in ARRIVALS:
                arrivals.append(ARRIVALS[log.topic0](log))
        except (AbiError, thorchain.MemoError) as exc:
            bad.append(BadLog(log, str(exc)))
    return departures, arrivals, bad
