"""A scripted Bitcoin Core node on loopback: real HTTP and JSON-RPC batches, answering
``getblockchaininfo``, ``getblockhash``, ``getblockheader``, ``getblock`` (verbosity 2 and
3) and ``getrawtransaction`` from blocks the test builds, in bitcoind's shapes (amounts as
8-decimal JSON numbers, ``scriptPubKey`` with ``address``/``asm``/``hex``/``type``).

``old=True`` answers like Core 22 (verbosity 3 gives no ``prevout``); ``txindex=False``
answers ``getrawtransaction`` of a confirmed transaction with bitcoind's error -5."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec
from tests.scenarios.loopback import RpcEndpoint

from nkwatch.trace.bridges.btc_memo import op_return_hex

_ENCODE = msgspec.json.Encoder(decimal_format="number").encode


@dataclass(frozen=True)
class Out:
    address: str | None
    sats: int
    memo: str | None = None


@dataclass(frozen=True)
class Tx:
    txid: str
    inputs: tuple[tuple[str, int], ...]  # (txid, vout); empty: coinbase
    outputs: tuple[Out, ...]


def txid(n: int) -> str:
    return f"{0xB17C0DE000 + n:064x}"


def btc(sats: int) -> Decimal:
    return Decimal(sats).scaleb(-8).quantize(Decimal("0.00000001"))


@dataclass
class Chain:
    """Blocks of transactions; block ``h`` is mined at ``start + 600 * h``."""

    start: int
    blocks: list[list[Tx]] = field(default_factory=list)

    def time(self, h: int) -> int:
        return self.start + 600 * h

    def block_hash(self, h: int) -> str:
        return f"{0xB10C000000 + h:064x}"

    def mine(self, *txs: Tx) -> int:
        self.blocks.append(list(txs))
        return len(self.blocks) - 1

    def pad_to(self, height: int) -> None:
        while len(self.blocks) <= height:
            self.mine(Tx(txid(10_000 + len(self.blocks)), (), (Out(FILLER, 625_000_000),)))

    def where(self, tx_id: str) -> tuple[int, Tx] | None:
        for h, block in enumerate(self.blocks):
            for tx in block:
                if tx.txid == tx_id:
                    return h, tx
        return None


FILLER = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"


def _script(out: Out) -> dict[str, Any]:
    if out.memo is not None:
        script = op_return_hex(out.memo)
        return {"asm": "OP_RETURN " + script[4:], "hex": script, "type": "nulldata"}
    return {"asm": "OP_DUP OP_HASH160 00 OP_EQUALVERIFY OP_CHECKSIG", "hex": "76a914",
            "type": "pubkeyhash", "address": out.address}  # fmt: skip


class Bitcoind:
    def __init__(self, chain: Chain, *, old: bool = False, txindex: bool = True,
                 garbage: str | None = None, status: int = 200) -> None:  # fmt: skip
        self.chain, self.old, self.txindex, self.garbage = chain, old, txindex, garbage
        self.status = status  # 401: bitcoind's answer to a wrong user or password
        self._endpoint = RpcEndpoint(self._answer_batch)
        self.requests = self._endpoint.requests
        self.url = f"http://user:secret@127.0.0.1:{self._endpoint.port}"

    def _answer_batch(self, batch: list[dict[str, Any]]) -> tuple[int, bytes]:
        if self.status != 200:
            return self.status, b""
        return 200, _ENCODE([self.answer(c) for c in batch])

    def close(self) -> None:
        self._endpoint.close()

    def methods(self) -> list[str]:
        return [c["method"] for b in self.requests for c in b]

    # -- answers ---------------------------------------------------------------------
    def answer(self, call: dict[str, Any]) -> dict[str, Any]:
        method, params = call["method"], call["params"]
        try:
            if call["method"] == self.garbage:
                result: Any = {"unexpected": True}
            else:
                result = getattr(self, "_" + method)(*params)
        except LookupError as exc:
            code, message = exc.args
            return {"result": None, "error": {"code": code, "message": message}, "id": call["id"]}
        except AttributeError:
            return {"result": None, "error": {"code": -32601, "message": "Method not found"},
                    "id": call["id"]}  # fmt: skip
        return {"result": result, "error": None, "id": call["id"]}

    def _getblockchaininfo(self) -> dict[str, Any]:
        tip = len(self.chain.blocks) - 1
        return {"chain": "main", "blocks": tip, "headers": tip,
                "bestblockhash": self.chain.block_hash(tip)}  # fmt: skip

    def _height(self, block_hash: str) -> int:
        for h in range(len(self.chain.blocks)):
            if self.chain.block_hash(h) == block_hash:
                return h
        raise LookupError(-5, "Block not found")

    def _getblockhash(self, height: int) -> str:
        if not 0 <= height < len(self.chain.blocks):
            raise LookupError(-8, "Block height out of range")
        return self.chain.block_hash(height)

    def _getblockheader(self, block_hash: str, verbose: bool = True) -> dict[str, Any]:
        h = self._height(block_hash)
        past = [self.chain.time(i) for i in range(max(0, h - 10), h + 1)]
        return {"hash": block_hash, "height": h, "time": self.chain.time(h),
                "mediantime": int(statistics.median_low(past)), "nTx": len(self.chain.blocks[h])}  # fmt: skip

    def _getblock(self, block_hash: str, verbosity: int = 1) -> dict[str, Any]:
        h = self._height(block_hash)
        prevouts = verbosity >= 3 and not self.old
        txs = [self._tx(tx, prevouts) for tx in self.chain.blocks[h]]
        return {"hash": block_hash, "height": h, "time": self.chain.time(h), "tx": txs}

    def _getrawtransaction(self, tx_id: str, verbose: bool = False) -> dict[str, Any]:
        found = self.chain.where(tx_id)
        if found is None or not self.txindex:
            raise LookupError(-5, "No such mempool transaction. Use -txindex or provide a "
                                  "block hash to enable blockchain transaction queries.")  # fmt: skip
        h, tx = found
        return {**self._tx(tx, False), "blockhash": self.chain.block_hash(h),
                "blocktime": self.chain.time(h), "confirmations": len(self.chain.blocks) - h}  # fmt: skip

    def _tx(self, tx: Tx, prevouts: bool) -> dict[str, Any]:
        vin: list[dict[str, Any]] = []
        if not tx.inputs:
            vin.append({"coinbase": "03a0bb0d", "sequence": 4294967295})
        for prev, n in tx.inputs:
            item: dict[str, Any] = {"txid": prev, "vout": n, "sequence": 4294967293}
            if prevouts:
                found = self.chain.where(prev)
                assert found is not None, prev
                out = found[1].outputs[n]
                item["prevout"] = {"generated": False, "height": found[0],
                                   "value": btc(out.sats), "scriptPubKey": _script(out)}  # fmt: skip
            vin.append(item)
        vout = [{"value": btc(o.sats), "n": i, "scriptPubKey": _script(o)}
                for i, o in enumerate(tx.outputs)]  # fmt: skip
        return {"txid": tx.txid, "hash": tx.txid, "vin": vin, "vout": vout}
