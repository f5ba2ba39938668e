"""THORChain: the memo grammar, the router's ``Deposit``/``TransferOut`` events, exact links.

A THORChain swap leaves one chain as an inbound transaction whose memo says what to buy and
where to send it (``SWAP:``/``=:``/``s:`` + asset + destination + limit/streaming +
affiliates), and arrives on the other chain as an outbound transaction whose memo names the
inbound: ``OUT:<INBOUND_TX_HASH>`` (``REFUND:<HASH>`` when the swap failed and the inbound
is paid back). Matching the outbound's memo to the inbound's hash is an exact link.

On EVM chains the inbound is the router's ``Deposit(address indexed to, address indexed
asset, uint256 amount, string memo)`` event (``to`` is the vault, ``asset`` the zero address
for the native coin), the outbound the router's ``TransferOut(address indexed vault,
address indexed to, address asset, uint256 amount, string memo)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from nkwatch.trace.bridges.abi import AbiError, EvmLog, address_of, dynamic_text, word

# keccak256("Deposit(address,address,uint256,string)")
DEPOSIT_TOPIC = "0xef519b7eb82aaf6ac376a6df2d793843ebfd593de5f1a0601d3cc6ab49ebb395"
# keccak256("TransferOut(address,address,address,uint256,string)")
TRANSFER_OUT_TOPIC = "0xa9cd03aa3c1b4515114539cd53d22085129d495cb9e9f9af77864526240f1bf7"
NATIVE = "0x" + "0" * 40

# THORChain chain codes -> nkwatch chain names
CHAINS = {
    "BTC": "bitcoin", "ETH": "ethereum", "BCH": "bitcoin-cash", "LTC": "litecoin",
    "DOGE": "dogecoin", "AVAX": "avalanche", "BSC": "bsc", "BASE": "base", "GAIA": "cosmos",
    "THOR": "thorchain", "BNB": "bnb-beacon", "XRP": "xrp", "TRON": "tron",
}  # fmt: skip
# single-letter short names of the memo grammar
SHORT_ASSETS = {
    "a": "AVAX.AVAX", "b": "BTC.BTC", "c": "BCH.BCH", "d": "DOGE.DOGE", "e": "ETH.ETH",
    "f": "BASE.ETH", "g": "GAIA.ATOM", "l": "LTC.LTC", "n": "BNB.BNB", "r": "THOR.RUNE",
    "s": "BSC.BNB", "x": "XRP.XRP",
}  # fmt: skip
_SWAP = frozenset({"SWAP", "=", "S"})
_HASH = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
_ASSET = re.compile(r"^([A-Z0-9]+)([./~])([A-Z0-9]+)(?:-([A-Za-z0-9]+))?$")


class MemoError(ValueError):
    """A memo that does not parse; the caller reports it as noise with its transaction."""


@dataclass(frozen=True, slots=True)
class PoolAsset:
    chain_code: str  # "BTC"
    symbol: str  # "BTC"
    contract: str | None = None  # "0xdAC17..." for ERC-20 assets
    kind: str = "layer1"  # layer1 | synth | trade

    @property
    def chain(self) -> str:
        """The nkwatch chain name (the code lower-cased when unknown)."""
        return CHAINS.get(self.chain_code, self.chain_code.lower())

    def __str__(self) -> str:
        sep = {"layer1": ".", "synth": "/", "trade": "~"}[self.kind]
        tail = f"-{self.contract}" if self.contract else ""
        return f"{self.chain_code}{sep}{self.symbol}{tail}"


@dataclass(frozen=True, slots=True)
class Affiliate:
    name: str
    fee_bps: int


@dataclass(frozen=True, slots=True)
class SwapMemo:
    asset: PoolAsset
    destination: str
    refund_address: str | None = None
    limit: int | None = None  # minimum out, 1e8 units
    interval: int | None = None  # streaming: blocks between sub-swaps
    quantity: int | None = None  # streaming: number of sub-swaps (0 = chosen by the network)
    affiliates: tuple[Affiliate, ...] = ()


@dataclass(frozen=True, slots=True)
class OutMemo:
    inbound_tx: str  # normalised: lower-case hex without 0x
    refund: bool = False


@dataclass(frozen=True, slots=True)
class OtherMemo:
    action: str  # ADD, WITHDRAW, ... : value that does not leave for another chain


Memo = SwapMemo | OutMemo | OtherMemo
_OTHER = {"ADD": "ADD", "+": "ADD", "A": "ADD", "WITHDRAW": "WITHDRAW", "-": "WITHDRAW",
          "WD": "WITHDRAW", "LOAN+": "LOAN", "LOAN-": "LOAN", "$+": "LOAN", "$-": "LOAN",
          "BOND": "BOND", "UNBOND": "UNBOND", "LEAVE": "LEAVE", "DONATE": "DONATE", "D": "DONATE",
          "NOOP": "NOOP", "RESERVE": "RESERVE", "TRADE+": "TRADE", "TRADE-": "TRADE",
          "POOL+": "POOL", "POOL-": "POOL", "MIGRATE": "MIGRATE", "CONSOLIDATE": "CONSOLIDATE",
          "RAGNAROK": "RAGNAROK"}  # fmt: skip


def normalise_hash(text: str) -> str:
    """A transaction hash as lower-case hex without ``0x`` (THORChain writes it upper-case)."""
    raw = text.strip().lower()
    return raw[2:] if raw.startswith("0x") else raw


def parse_asset(text: str) -> PoolAsset:
    """``BTC.BTC``, ``ETH.USDT-0xdAC1…``, synth ``BTC/BTC``, trade ``BTC~BTC`` or a short name."""
    raw = text.strip()
    if raw in SHORT_ASSETS:
        raw = SHORT_ASSETS[raw]
    elif raw.lower() in SHORT_ASSETS and len(raw) == 1:
        raw = SHORT_ASSETS[raw.lower()]
    head, dash, contract = raw.partition("-")
    found = _ASSET.match(head.upper() + (dash + contract if dash else ""))
    if not found or (dash and not contract):
        raise MemoError(f"not a THORChain asset: {text!r}")
    kind = {".": "layer1", "/": "synth", "~": "trade"}[found.group(2)]
    return PoolAsset(found.group(1), found.group(3), contract or None, kind)


def _amount(text: str, what: str) -> int:
    """An integer in 1e8 units; THORChain also accepts scientific notation (``15e6``)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise MemoError(f"{what} is not a number: {text!r}") from None
    if not value.is_finite() or value < 0 or value != value.to_integral_value():
        raise MemoError(f"{what} is not a non-negative integer: {text!r}")
    return int(value)


def _swap(fields: list[str]) -> SwapMemo:
    if len(fields) < 3 or not fields[1]:
        raise MemoError("a swap memo needs an asset")
    asset = parse_asset(fields[1])
    destination, _, refund = fields[2].partition("/")
    if not destination and asset.kind == "layer1":
        raise MemoError("a swap memo needs a destination address")
    limit = interval = quantity = None
    if len(fields) > 3 and fields[3]:
        parts = fields[3].split("/")
        if len(parts) > 3:
            raise MemoError(f"limit/interval/quantity has too many parts: {fields[3]!r}")
        limit = _amount(parts[0], "limit") if parts[0] else None
        if len(parts) > 1:
            interval = _amount(parts[1], "streaming interval")
        if len(parts) > 2:
            quantity = _amount(parts[2], "streaming quantity")
    affiliates: tuple[Affiliate, ...] = ()
    if len(fields) > 4 and fields[4]:
        names = fields[4].split("/")
        fees = fields[5].split("/") if len(fields) > 5 and fields[5] else ["0"]
        if len(fees) == 1:
            fees = fees * len(names)
        if len(fees) != len(names):
            raise MemoError("affiliates and affiliate fees differ in number")
        affiliates = tuple(
            Affiliate(n, _amount(f, "affiliate fee")) for n, f in zip(names, fees, strict=True)
        )
    return SwapMemo(asset, destination, refund or None, limit, interval, quantity, affiliates)


def parse_memo(text: str) -> Memo:
    """One memo -> a typed value; :class:`MemoError` for anything the grammar does not know."""
    raw = text.strip()
    if not raw:
        raise MemoError("empty memo")
    fields = raw.split(":")
    action = fields[0].upper()
    if action in _SWAP:
        return _swap(fields)
    if action in ("OUT", "REFUND"):
        if len(fields) != 2 or not _HASH.match(fields[1].strip()):
            raise MemoError(f"{action}: needs one transaction hash, got {raw[:100]!r}")
        return OutMemo(normalise_hash(fields[1]), refund=action == "REFUND")
    if action in _OTHER:
        return OtherMemo(_OTHER[action])
    raise MemoError(f"unknown memo action {fields[0][:20]!r}")


@dataclass(frozen=True, slots=True)
class RouterDeposit:
    """An inbound on an EVM chain: ``amount`` of ``asset`` (NATIVE for the coin) sent to the
    vault ``vault`` through router ``router`` with ``memo``."""

    log: EvmLog
    vault: str
    asset: str
    amount: int
    memo: str


@dataclass(frozen=True, slots=True)
class RouterTransferOut:
    """An outbound on an EVM chain: the vault pays ``to`` with ``memo`` (``OUT:<inbound>``)."""

    log: EvmLog
    vault: str
    to: str
    asset: str
    amount: int
    memo: str


def decode_deposit(log: EvmLog) -> RouterDeposit:
    if log.topic0 != DEPOSIT_TOPIC or len(log.topics) != 3:
        raise AbiError("not a THORChain router Deposit event")
    return RouterDeposit(
        log, address_of(log.topics[1]), address_of(log.topics[2]), word(log.data, 0),
        dynamic_text(log.data, 1),
    )  # fmt: skip


def decode_transfer_out(log: EvmLog) -> RouterTransferOut:
    if log.topic0 != TRANSFER_OUT_TOPIC or len(log.topics) != 3:
        raise AbiError("not a THORChain router TransferOut event")
    return RouterTransferOut(
        log, address_of(log.topics[1]), address_of(log.topics[2]), address_of(word(log.data, 0)),
        word(log.data, 1), dynamic_text(log.data, 2),
    )  # fmt: skip
