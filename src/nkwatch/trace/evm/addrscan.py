"""Per-address scanning for nodes that offer ``trace_filter`` (erigon, reth, nethermind,
anvil): which blocks hold value an address sent or received, without reading every block.

``trace_filter`` by ``fromAddress``/``toAddress`` finds native and internal movements,
``eth_getLogs`` with the address in the first or second indexed topic finds ERC-20 transfers.
The crawler then fetches just those blocks whole (so fees, reverted frames and token metadata
are decoded exactly as in a full scan) and records the scanned range per address.
"""

from __future__ import annotations

from collections.abc import Sequence

from nkwatch.trace.evm.decode import TRANSFER_TOPIC, address_topic
from nkwatch.trace.evm.rpc import RpcClient, RpcError, quantity, to_int

OUT, IN = "out", "in"


def supports_trace_filter(rpc: RpcClient, head: int) -> bool:
    """Probe with an empty query at the head; only "method not offered" means no."""
    probe = {
        "fromBlock": quantity(head),
        "toBlock": quantity(head),
        "fromAddress": ["0x" + "0" * 40],
    }
    try:
        rpc.call("trace_filter", [probe])
    except RpcError as exc:
        if exc.unsupported:
            return False
        raise
    return True


def candidate_blocks(
    rpc: RpcClient, address: str, direction: str, first: int, last: int
) -> set[int]:
    """Blocks in ``first..last`` where ``address`` moved value in ``direction``."""
    key = "fromAddress" if direction == OUT else "toAddress"
    topic = address_topic(address)
    topics: Sequence[str | None] = (
        [TRANSFER_TOPIC, topic] if direction == OUT else [TRANSFER_TOPIC, None, topic]
    )
    span = {"fromBlock": quantity(first), "toBlock": quantity(last)}
    traces, logs = rpc.batch(
        [
            ("trace_filter", [{**span, key: [address]}]),
            ("eth_getLogs", [{**span, "topics": topics}]),
        ]
    )
    found = {int(t["blockNumber"]) for t in traces or []}
    found |= {to_int(log["blockNumber"]) for log in logs or []}
    return found


def gaps(scanned: Sequence[tuple[int, int]], first: int, last: int) -> list[tuple[int, int]]:
    """Sub-ranges of ``first..last`` not covered by the (possibly overlapping) ``scanned``."""
    out: list[tuple[int, int]] = []
    cursor = first
    for lo, hi in sorted(scanned):
        if hi < cursor:
            continue
        if lo > last:
            break
        if lo > cursor:
            out.append((cursor, lo - 1))
        cursor = max(cursor, hi + 1)
    if cursor <= last:
        out.append((cursor, last))
    return out
