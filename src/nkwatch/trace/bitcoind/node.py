"""A Bitcoin Core JSON-RPC node as a source of blocks and transactions.

The calls are batched over the EVM client's transport (keep-alive HTTP, retries with
jittered backoff, ``http://user:password@host:8332/`` basic auth). A node that cannot be
reached after the retries is an :class:`~nkwatch.errors.OperationalError` (exit 69); an
answer of the wrong shape, an error answer or a node that is not Bitcoin Core is a
:class:`~nkwatch.errors.UserError` naming the node and the call (the user pointed
``--rpc bitcoin=`` at the wrong thing, or the node lacks what is needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

import msgspec

from nkwatch.errors import OperationalError, UserError
from nkwatch.trace.bitcoind import wire
from nkwatch.trace.evm.rpc import NodeUnavailable, RpcClient, RpcConfig, RpcError
from nkwatch.trace.evm.transport import shown_url
from nkwatch.trace.model import UtxoTx

T = TypeVar("T")
WARMUP = -28  # RPC_IN_WARMUP: the node is still loading its block index
NO_TX = -5  # RPC_INVALID_ADDRESS_OR_KEY: no such transaction (no -txindex) / block
BLOCKS_PER_REQUEST = 4  # a verbose mainnet block is megabytes of JSON


class BitcoinNode:
    """Batched calls to one node for ``chain`` (bitcoin, litecoin, ...). Close when done."""

    def __init__(self, url: str, chain: str, config: RpcConfig | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise UserError("RPC URL must start with http:// or https://", where="--rpc")
        self.url = url
        self.shown = shown_url(url)  # errors and provenance never carry the password
        self.chain = chain
        self.rpc = RpcClient(config or RpcConfig(url, timeout_s=60.0, max_retries=3))
        self.calls = 0  # JSON-RPC calls made, for the report's provenance and tests

    def close(self) -> None:
        self.rpc.close()

    def __enter__(self) -> BitcoinNode:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- calls -----------------------------------------------------------------------
    def _batch(self, calls: Sequence[tuple[str, Sequence[Any]]],
               decoder: msgspec.json.Decoder[T]) -> list[T | RpcError]:  # fmt: skip
        self.calls += len(calls)
        try:
            answers = self.rpc.batch_raw(calls)
        except NodeUnavailable as exc:  # bitcoind answers 401/403 to a wrong user/password
            if exc.message.startswith(("HTTP 401", "HTTP 403")):
                raise UserError(f"the node refused the credentials ({exc.message}): give them "
                                "as http://user:password@host:port", where=self.shown) from None  # fmt: skip
            raise
        out: list[T | RpcError] = []
        for (method, params), raw in zip(calls, answers, strict=True):
            if isinstance(raw, RpcError):
                if raw.code == WARMUP:
                    raise OperationalError(f"{method}: node is starting ({raw.detail})",
                                           where=self.shown)  # fmt: skip
                out.append(raw)
                continue
            try:
                out.append(decoder.decode(raw or b"null"))
            except msgspec.DecodeError as exc:
                shown = ", ".join(str(p)[:70] for p in params)
                raise UserError(f"{method}({shown}): not a Bitcoin Core answer: {exc}",
                                where=self.shown) from None  # fmt: skip
        return out

    def _strict(self, calls: Sequence[tuple[str, Sequence[Any]]],
                decoder: msgspec.json.Decoder[T]) -> list[T]:  # fmt: skip
        out: list[T] = []
        for item in self._batch(calls, decoder):
            if isinstance(item, RpcError):
                raise UserError(f"{item.method}: node error {item.code}: {item.detail}",
                                where=self.shown)  # fmt: skip
            out.append(item)
        return out

    def info(self) -> wire.ChainInfo:
        """``getblockchaininfo``; a node without it (an EVM node, a wrong port) is refused."""
        (answer,) = self._batch([("getblockchaininfo", [])], wire.INFO)
        if isinstance(answer, RpcError):
            raise UserError(f"not a Bitcoin Core node: getblockchaininfo answered "
                            f"{answer.code} {answer.detail}", where=self.shown)  # fmt: skip
        return answer

    def hashes(self, heights: Sequence[int]) -> list[str]:
        return self._strict([("getblockhash", [h]) for h in heights], wire.HASH)

    def headers(self, heights: Sequence[int]) -> list[wire.Header]:
        hashes = self.hashes(heights)
        return self._strict([("getblockheader", [h, True]) for h in hashes], wire.HEADER)

    def blocks(self, heights: Sequence[int]) -> list[wire.Block]:
        """The blocks at ``heights``, as the node sent them (``convert`` makes a kept
        transaction the tracer's value); inputs carry their spent outputs when the node
        gives them (``getblock`` verbosity 3, Core 23+)."""
        out = []
        for start in range(0, len(heights), BLOCKS_PER_REQUEST):
            part = heights[start : start + BLOCKS_PER_REQUEST]
            hashes = self.hashes(part)
            for want, block in zip(part, self._strict([("getblock", [h, 3]) for h in hashes],
                                                      wire.BLOCK), strict=True):  # fmt: skip
                if block.height != want:
                    raise UserError(f"getblock: asked for height {want}, got {block.height}",
                                    where=self.shown)  # fmt: skip
                out.append(block)
        return out

    def convert(self, block: wire.Block, tx: wire.Tx) -> UtxoTx:
        return wire.to_utxo_tx(self.chain, tx, block.height, block.time,
                               f"{self.shown} block {block.height}")  # fmt: skip

    def height_at(self, when: datetime, tip: int) -> int:
        """The first height whose median time is at or after ``when`` (``tip + 1`` when none
        is): the median time past never decreases, so a binary search finds it."""
        target = int(when.timestamp())
        lo, hi = 0, tip + 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.headers([mid])[0].mediantime >= target:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def with_prevouts(self, txs: Sequence[UtxoTx]) -> list[UtxoTx]:
        """``txs`` with every input's spent output known: looked up with
        ``getrawtransaction <parent> true`` when the block answer lacked it."""
        wanted = sorted({i.prev_tx for t in txs if wire.missing_prevouts(t) for i in t.inputs
                         if i.value is None})  # fmt: skip
        if not wanted:
            return list(txs)
        parents: dict[str, UtxoTx] = {}
        answers = self._batch([("getrawtransaction", [h, True]) for h in wanted], wire.TX)
        for txid, answer in zip(wanted, answers, strict=True):
            if isinstance(answer, RpcError):
                hint = " (start bitcoind with -txindex=1, or use Core 23+ for getblock " \
                       "verbosity 3)" if answer.code == NO_TX else ""  # fmt: skip
                raise UserError(f"getrawtransaction {txid}: node error {answer.code}: "
                                f"{answer.detail}{hint}", where=self.shown)  # fmt: skip
            parents[txid] = wire.to_utxo_tx(self.chain, answer, 0, answer.blocktime or 0,
                                            f"{self.shown} getrawtransaction")  # fmt: skip
        return [wire.with_prevouts(t, parents, self.shown) for t in txs]

    def transaction(self, txid: str) -> tuple[int, UtxoTx]:
        """(height, transaction) of a confirmed transaction (needs ``-txindex``)."""
        (answer,) = self._batch([("getrawtransaction", [txid, True])], wire.TX)
        if isinstance(answer, RpcError) or answer.blockhash is None:
            detail = f"{answer.code} {answer.detail}" if isinstance(answer, RpcError) else \
                "not in a block yet"  # fmt: skip
            raise UserError(f"getrawtransaction {txid}: {detail} (the node needs -txindex=1 "
                            f"to find a seed transaction)", where=self.shown)  # fmt: skip
        (header,) = self._strict([("getblockheader", [answer.blockhash, True])], wire.HEADER)
        return header.height, wire.to_utxo_tx(self.chain, answer, header.height, header.time,
                                              self.shown)  # fmt: skip
