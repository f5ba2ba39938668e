"""Bitcoin Core's JSON answers as typed values, and their conversion to :class:`UtxoTx`.

``getblock <hash> 3`` (Bitcoin Core 23 and later) gives every input's spent output
(``prevout``: value and script); ``getblock <hash> 2`` and ``getrawtransaction <txid> true``
give inputs without it, which :mod:`.node` fills from the parents. Amounts are JSON numbers
in whole coins with 8 decimals; they are read as decimals from the answer's text (never
through a float) and must be whole satoshis. Addresses come from ``scriptPubKey.address``
(Core 22+) or a one-element ``addresses`` list (older); the text of an ``OP_RETURN`` output
(THORChain: ``OUT:<INBOUND_HASH>``) is its memo.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal

import msgspec

from nkwatch.chains import canonical_address
from nkwatch.errors import UserError
from nkwatch.trace.bridges.btc_memo import output_memo
from nkwatch.trace.model import TxInput, TxOutput, UtxoTx

SATS = Decimal(10**8)
MAX_SATS = 21_000_000 * 10**8


class Script(msgspec.Struct, gc=False):
    hex: str = ""
    asm: str = ""
    type: str = ""
    address: str | None = None
    addresses: list[str] | None = None


class Prevout(msgspec.Struct, gc=False):
    value: msgspec.Raw  # read by ``sats`` for the few transactions kept
    scriptPubKey: Script


class Vin(msgspec.Struct, gc=False):
    txid: str | None = None
    vout: int | None = None
    coinbase: str | None = None
    prevout: Prevout | None = None


class Vout(msgspec.Struct, gc=False):
    value: msgspec.Raw
    n: int
    scriptPubKey: Script


class Tx(msgspec.Struct, gc=False):
    txid: str
    vin: list[Vin]
    vout: list[Vout]
    blockhash: str | None = None
    blocktime: int | None = None


class Block(msgspec.Struct, gc=False):
    hash: str
    height: int
    time: int
    tx: list[Tx]


class Header(msgspec.Struct, gc=False):
    hash: str
    height: int
    time: int
    mediantime: int


class ChainInfo(msgspec.Struct, gc=False):
    chain: str
    blocks: int
    bestblockhash: str = ""


BLOCK = msgspec.json.Decoder(Block)
HEADER = msgspec.json.Decoder(Header)
TX = msgspec.json.Decoder(Tx)
INFO = msgspec.json.Decoder(ChainInfo)
HASH = msgspec.json.Decoder(str)


def sats(raw: msgspec.Raw, where: str) -> int:
    """A JSON number of whole coins (8 decimals), read exactly from its text -> satoshis;
    anything else is the node's bad answer."""
    text = bytes(raw).decode("ascii", "replace")
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise UserError(f"amount {text[:40]!r} is not a number", where=where) from None
    scaled = value * SATS
    if (
        not scaled.is_finite()
        or scaled != scaled.to_integral_value()
        or not 0 <= scaled <= MAX_SATS
    ):
        raise UserError(f"amount {value} is not a whole number of satoshis", where=where)
    return int(scaled)


def _address(chain: str, script: Script) -> str | None:
    if script.address:
        return canonical_address(chain, script.address)
    if script.addresses and len(script.addresses) == 1:
        return canonical_address(chain, script.addresses[0])
    return None  # bare multisig, non-standard, OP_RETURN: no single owner


def _hash(text: str, where: str) -> str:
    value = text.strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise UserError(f"not a transaction id: {text[:80]!r}", where=where)
    return value


def to_utxo_tx(chain: str, tx: Tx, height: int, time: int, where: str) -> UtxoTx:
    """One node transaction as the tracer's value (inputs without ``prevout`` keep
    ``value=None`` until :func:`with_prevouts` fills them)."""
    at = f"{where} tx {tx.txid[:80]}"
    inputs: list[TxInput] = []
    coinbase = False
    for vin in tx.vin:
        if vin.coinbase is not None:
            coinbase = True
            continue
        if vin.txid is None or vin.vout is None or vin.vout < 0:
            raise UserError("an input names no spent output (txid, vout)", where=at)
        prev = vin.prevout
        inputs.append(TxInput(
            _hash(vin.txid, at), vin.vout,
            None if prev is None else _address(chain, prev.scriptPubKey),
            None if prev is None else sats(prev.value, at),
        ))  # fmt: skip
    outputs = tuple(
        TxOutput(
            o.n,
            _address(chain, o.scriptPubKey),
            sats(o.value, at),
            output_memo(o.scriptPubKey.hex or None, o.scriptPubKey.asm or None),
        )  # fmt: skip
        for o in tx.vout
    )
    return UtxoTx(chain, _hash(tx.txid, at), height, datetime.fromtimestamp(time, UTC),
                  tuple(inputs), outputs, coinbase)  # fmt: skip


def may_matter(tx: Tx, watched: Mapping[tuple[str, int], int]) -> bool:
    """Whether a scan must look closer at ``tx`` (it spends a followed output, or carries an
    OP_RETURN memo): most of a block is skipped before any conversion."""
    for vin in tx.vin:
        if vin.txid is not None and (vin.txid, vin.vout or 0) in watched:
            return True
    return any(o.scriptPubKey.type == "nulldata" or o.scriptPubKey.asm.startswith("OP_RETURN")
               for o in tx.vout)  # fmt: skip


def missing_prevouts(tx: UtxoTx) -> bool:
    return any(i.value is None for i in tx.inputs)


def with_prevouts(tx: UtxoTx, parents: dict[str, UtxoTx], where: str) -> UtxoTx:
    """``tx`` with every input's address and value taken from its parent's output."""
    inputs = []
    for i in tx.inputs:
        if i.value is not None:
            inputs.append(i)
            continue
        parent = parents.get(i.prev_tx)
        out = next((o for o in parent.outputs if o.index == i.prev_index), None) if parent else None
        if out is None:
            raise UserError(f"input {i.prev_tx}:{i.prev_index} of {tx.tx_hash}: the node has "
                            f"no such output", where=where)  # fmt: skip
        inputs.append(TxInput(i.prev_tx, i.prev_index, out.address, out.value))
    return UtxoTx(tx.chain, tx.tx_hash, tx.block, tx.timestamp, tuple(inputs), tx.outputs,
                  tx.coinbase)  # fmt: skip
