"""Fetch whole blocks from a node and decode every value movement in them.

A block is only returned when *all* its parts were fetched and agree: the full block, every
receipt, the call traces and the ``Transfer`` logs, with log block hashes equal to the block
hash (a reorg between two requests is detected here and the chunk refetched). So a caller
that stores what this returns never records a partial block. Shared by the crawler and the
live watch.

Without fees and with parity traces (the watch), a range is one JSON-RPC batch (headers with
transaction hashes, ``trace_block`` per block, one ``eth_getLogs`` over the range) decoded by
``wire`` into typed structs and lazily built rows: the cheapest complete answer a node gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nkwatch.errors import UserError
from nkwatch.trace.evm import decode, wire
from nkwatch.trace.evm.decode import BlockHeader
from nkwatch.trace.evm.rpc import RpcClient, RpcError, decode_result, quantity, to_int
from nkwatch.trace.evm.tokens import TokenMeta, fetch_token_meta
from nkwatch.trace.model import Transfer, TransferKind


@dataclass(frozen=True, slots=True)
class FetchedBlock:
    header: BlockHeader
    transfers: Sequence[Transfer]  # execution order; a wire.LazyTransfers when fetched light


_KIND_ORDER = {TransferKind.NATIVE: 0, TransferKind.INTERNAL: 1, TransferKind.TOKEN: 2}


def in_block_order(block: Mapping[str, Any], rows: Sequence[Transfer]) -> list[Transfer]:
    """Rows in execution order: by transaction position, then the top-level value, then
    internal and token movements by their index, so time-respecting taint works in a block."""
    position = {_tx_hash(t): i for i, t in enumerate(block.get("transactions", []))}
    return sorted(rows, key=lambda r: (position.get(r.tx_hash, 0), _KIND_ORDER[r.kind], r.index))


def _tx_hash(tx: Mapping[str, Any] | str) -> str:
    """A block's transaction entry is a hash or, with full bodies, an object."""
    return (tx if isinstance(tx, str) else str(tx["hash"])).lower()


class TraceUnavailable(UserError):
    """The node cannot produce call traces for a block it serves (e.g. pruned state)."""


class InconsistentAnswer(Exception):
    """Parts of one block disagree (reorg mid-fetch); the caller refetches."""


TokenLookup = Callable[[Sequence[str]], Mapping[str, TokenMeta]]
Traced = dict[int, list[Transfer]]  # block -> internal transfers
Outcomes = dict[str, Mapping[str, Any]]  # tx hash -> receipt-shaped outcome


class BlockFetcher:
    """Fetches block ranges with batched calls; remembers which optional methods work."""

    def __init__(
        self, rpc: RpcClient, chain: str, tokens: TokenLookup | None = None, *, fees: bool = True
    ) -> None:
        self.rpc = rpc
        self.chain = chain
        self.fees = fees  # False: skip receipts when traces tell status (fees then read 0)
        self._tokens = tokens or (lambda cs: {m.contract: m for m in fetch_token_meta(rpc, cs)})
        self.block_receipts = True  # eth_getBlockReceipts offered
        self.tracer: str | None = "parity"  # "parity" (trace_block), "debug" (callTracer), None
        # False: no internal rows; parity traces still tell statuses (cheaper than receipts),
        # but geth's call tracer is not worth running for that: receipts instead
        self.internal = True

    def head(self) -> int:
        return to_int(self.rpc.call("eth_blockNumber"))

    def head_and_header(self, number: int | None) -> tuple[int, BlockHeader | None]:
        """The chain head and the header of block ``number`` (None: not asked, or the node
        has no such block) in one request: a follower's poll and reorg check together."""
        calls: list[tuple[str, Sequence[Any]]] = [("eth_blockNumber", [])]
        if number is not None:
            calls.append(("eth_getBlockByNumber", [quantity(number), False]))
        raws = self.rpc.batch_raw(calls)
        for raw in raws:
            if isinstance(raw, RpcError):
                raise raw
        head = to_int(decode_result("eth_blockNumber", raws[0], wire.QUANTITY))
        found = (
            decode_result("eth_getBlockByNumber", raws[1], wire.HEAD)
            if number is not None
            else None
        )
        return head, (found.header() if found is not None else None)

    def headers(self, numbers: Sequence[int]) -> list[BlockHeader]:
        blocks = self.rpc.batch([("eth_getBlockByNumber", [quantity(n), False]) for n in numbers])
        return [decode.header(b) for b in blocks if b is not None]

    def fetch(self, first: int, last: int, *, attempts: int = 3) -> list[FetchedBlock]:
        for attempt in range(attempts):
            try:
                return self._fetch(first, last)
            except InconsistentAnswer:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    # -- internals ---------------------------------------------------------------------
    def _fetch(self, first: int, last: int) -> list[FetchedBlock]:
        if not self.fees and self.tracer == "parity":
            try:
                return self._fetch_light(first, last)
            except RpcError as exc:
                if exc.method != "trace_block" or not exc.unsupported:
                    raise
                self.tracer = "debug" if self.internal else None  # no trace_block after all
        numbers = list(range(first, last + 1))
        *blocks, logs = self.rpc.batch(  # one request: the node answers the parts together
            [
                *(("eth_getBlockByNumber", [quantity(n), True]) for n in numbers),
                self._logs_call(first, last),
            ]
        )
        if any(b is None for b in blocks):
            raise InconsistentAnswer(f"block missing in {first}..{last}")
        traces, outcomes = self._traces(blocks)
        every_tx = {_tx_hash(t) for b in blocks for t in b.get("transactions", [])}
        if not self.fees and every_tx <= outcomes.keys():
            receipts: Mapping[str, Mapping[str, Any]] = outcomes
        else:
            receipts = self._receipts(blocks)
        by_block = self._token_rows(blocks, logs or [])
        out: list[FetchedBlock] = []
        for block in blocks:
            head = decode.header(block)
            rows = decode.native_transfers(self.chain, block, receipts)
            if self.internal:
                rows.extend(traces.get(head.number, []))
            rows.extend(by_block[head.number])
            out.append(FetchedBlock(head, tuple(in_block_order(block, rows))))
        return out

    def _fetch_light(self, first: int, last: int) -> list[FetchedBlock]:
        """Movements without fees in one batch request; see the module docstring."""
        numbers = range(first, last + 1)
        calls: list[tuple[str, Sequence[Any]]] = [
            *(("eth_getBlockByNumber", [quantity(n), False]) for n in numbers),
            *(("trace_block", [quantity(n)]) for n in numbers),
            self._logs_call(first, last),
        ]
        raws = self.rpc.batch_raw(calls)
        for raw in raws:
            if isinstance(raw, RpcError):
                raise raw
        k = len(numbers)
        heads = [decode_result("eth_getBlockByNumber", r, wire.HEAD) for r in raws[:k]]
        traces = [decode_result("trace_block", r, wire.TRACES) for r in raws[k : 2 * k]]
        logs = decode_result("eth_getLogs", raws[-1], wire.LOGS)
        logs_of: dict[str, list[wire.Log]] = {}
        for log in logs:
            logs_of.setdefault(log.blockHash.lower(), []).append(log)
        contracts = sorted({log.address.lower() for log in logs})
        assets = {c: m.asset(self.chain) for c, m in self._tokens(contracts).items()}
        out: list[FetchedBlock] = []
        for n, head, block_traces in zip(numbers, heads, traces, strict=True):
            if head is None or block_traces is None:
                raise InconsistentAnswer(f"block or traces of {n} missing")
            h = head.header()
            if any(t.blockHash != head.hash for t in block_traces) and any(
                t.blockHash and t.blockHash.lower() != h.hash for t in block_traces
            ):
                raise InconsistentAnswer(f"traces of {n} from another fork")
            roots = sum(1 for t in block_traces if t.transactionHash and not t.traceAddress)
            if roots != len(head.transactions):  # a transaction without its trace: lost value
                raise InconsistentAnswer(f"traces of {n} miss transactions")
            position = _positions(head.transactions)
            moves = wire.trace_moves(block_traces, position)
            if not self.internal:
                moves = [m for m in moves if m.order != wire.INTERNAL]
            moves += wire.log_moves(logs_of.pop(h.hash, []), position)
            out.append(FetchedBlock(h, wire.LazyTransfers(self.chain, h, moves, assets)))
        if logs_of:  # a log of a block hash we were not given: another fork
            raise InconsistentAnswer(f"Transfer logs of {first}..{last} come from another fork")
        return out

    def _token_rows(
        self, blocks: Sequence[Mapping[str, Any]], logs: Sequence[Mapping[str, Any]]
    ) -> dict[int, list[Transfer]]:
        """Token transfers per block; logs must come from the same fork as ``blocks``."""
        hashes = {to_int(b["number"]): str(b["hash"]).lower() for b in blocks}
        if any(
            str(log["blockHash"]).lower() != hashes.get(to_int(log["blockNumber"])) for log in logs
        ):
            raise InconsistentAnswer("Transfer logs come from another fork")
        contracts = sorted({decode.address(log["address"]) for log in logs})
        assets = {c: m.asset(self.chain) for c, m in self._tokens(contracts).items()}
        times = {to_int(b["number"]): decode.header(b).timestamp for b in blocks}
        by_block: dict[int, list[Transfer]] = {n: [] for n in hashes}
        for row in decode.token_transfers(self.chain, logs, assets, times):
            by_block[row.block].append(row)
        return by_block

    @staticmethod
    def _logs_call(first: int, last: int) -> tuple[str, Sequence[Any]]:
        span = {"fromBlock": quantity(first), "toBlock": quantity(last)}
        return ("eth_getLogs", [{**span, "topics": [decode.TRANSFER_TOPIC]}])

    def _receipts(self, blocks: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
        with_txs = [b for b in blocks if b.get("transactions")]
        found: dict[str, Mapping[str, Any]] = {}
        if self.block_receipts and with_txs:
            try:
                answers = self.rpc.batch(
                    [("eth_getBlockReceipts", [b["number"]]) for b in with_txs]
                )
                for answer in answers:
                    for r in answer or []:
                        found[str(r["transactionHash"]).lower()] = r
            except RpcError as exc:
                if not exc.unsupported:
                    raise
                self.block_receipts = False
        missing = [str(t["hash"]).lower() for b in with_txs for t in b["transactions"]]
        missing = [h for h in missing if h not in found]
        if missing:
            for r in self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in missing]):
                if r is None:
                    raise InconsistentAnswer("receipt missing")
                found[str(r["transactionHash"]).lower()] = r
        for b in with_txs:
            for r_hash in (str(t["hash"]).lower() for t in b["transactions"]):
                if str(found[r_hash]["blockHash"]).lower() != str(b["hash"]).lower():
                    raise InconsistentAnswer(f"receipt {r_hash} from another fork")
        return found

    def _traces(self, blocks: Sequence[Mapping[str, Any]]) -> tuple[Traced, Outcomes]:
        """Internal transfers per block, and per transaction its outcome (status, created
        contract) as the traces show it. Parity ``trace_block`` first (cheap where offered:
        erigon, reth, nethermind, anvil), else geth's ``debug_traceBlockByNumber``."""
        with_txs = [b for b in blocks if b.get("transactions")]
        if not with_txs or self.tracer is None:
            return {}, {}
        if self.tracer == "parity":
            try:
                answers = self.rpc.batch([("trace_block", [b["number"]]) for b in with_txs])
                return self._parity_traces(with_txs, answers)
            except RpcError as exc:
                if not exc.unsupported:
                    raise
                self.tracer = "debug" if self.internal else None
                if self.tracer is None:
                    return {}, {}
        try:
            return self._debug_traces(with_txs)
        except RpcError as exc:
            if not exc.unsupported:
                raise
            self.tracer = None  # this node cannot show internal transfers
            return {}, {}

    def _parity_traces(
        self, blocks: Sequence[Mapping[str, Any]], answers: Sequence[Any]
    ) -> tuple[Traced, Outcomes]:
        times = {to_int(b["number"]): decode.header(b).timestamp for b in blocks}
        rows: Traced = {}
        outcomes: Outcomes = {}
        for b, traces in zip(blocks, answers, strict=True):
            if traces is None:
                raise InconsistentAnswer(f"no traces for block {to_int(b['number'])}")
            block_hash = str(b["hash"]).lower()
            for t in traces:
                if t.get("blockHash") and str(t["blockHash"]).lower() != block_hash:
                    raise InconsistentAnswer(f"traces of {to_int(b['number'])} from another fork")
                if t.get("transactionHash") and not t.get("traceAddress"):
                    created = (t.get("result") or {}).get("address")
                    outcomes[str(t["transactionHash"]).lower()] = _outcome(
                        b, bool(t.get("error")), created
                    )
            rows[to_int(b["number"])] = decode.parity_internal_transfers(self.chain, traces, times)
        return rows, outcomes

    def _debug_traces(self, blocks: Sequence[Mapping[str, Any]]) -> tuple[Traced, Outcomes]:
        answers = self.rpc.batch(
            [("debug_traceBlockByNumber", [b["number"], {"tracer": "callTracer"}]) for b in blocks]
        )
        out: Traced = {}
        outcomes: Outcomes = {}
        for b, per_tx in zip(blocks, answers, strict=True):
            head = decode.header(b)
            txs = b["transactions"]
            if len(per_tx) != len(txs):
                raise InconsistentAnswer(f"trace of block {head.number} does not match its txs")
            rows: list[Transfer] = []
            for tx, item in zip(txs, per_tx, strict=True):
                if "result" not in item and "txHash" in item:
                    # a per-transaction failure (pruned state, ...) is not a reverted call:
                    # without the trace the block cannot be complete, so refuse it
                    raise TraceUnavailable(
                        f"node cannot trace block {head.number} ({item.get('error')}):"
                        " use an archive node with debug_traceBlockByNumber or trace_block",
                        where=self.rpc.config.url,
                    )
                frame = item.get("result", item)
                tx_hash = str(tx["hash"]).lower()
                creates = str(frame.get("type", "")).upper().startswith("CREATE")
                outcomes[tx_hash] = _outcome(
                    b, bool(frame.get("error")), frame.get("to") if creates else None
                )
                rows.extend(
                    decode.internal_transfers(
                        self.chain, tx_hash, frame, head.number, head.timestamp
                    )
                )
            out[head.number] = rows
        return out, outcomes


def _positions(txs: Sequence[str]) -> Callable[[str], int]:
    """Position of a transaction in its block by hash, for answers that do not say it
    (the index is built on first use only)."""
    index: dict[str, int] = {}

    def position(tx: str) -> int:
        if not index:
            index.update({t.lower(): i for i, t in enumerate(txs)})
        return index.get(tx.lower(), 0)

    return position


def _outcome(block: Mapping[str, Any], failed: bool, created: str | None) -> dict[str, Any]:
    """A receipt-shaped record of what the trace says about a transaction (no gas)."""
    return {
        "status": "0x0" if failed else "0x1",
        "contractAddress": created,
        "blockHash": block["hash"],
    }
