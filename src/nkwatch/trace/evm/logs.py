"""Event logs for the bridge and swap decoders, fetched from a node with ``eth_getLogs``
(topic 0 any of the known events), in block spans the node accepts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nkwatch.trace.bridges.abi import RawLog
from nkwatch.trace.evm.rpc import RpcClient, quantity, to_int

SPAN = 2_000  # blocks per eth_getLogs call (public nodes cap ranges)


def raw_log(chain: str, log: dict[str, Any]) -> RawLog:
    return RawLog(
        chain, str(log["transactionHash"]).lower(), to_int(log["logIndex"]),
        to_int(log["blockNumber"]), str(log["address"]).lower(),
        tuple(str(t).lower() for t in log.get("topics") or ()), str(log.get("data") or "0x"),
        to_int(log.get("transactionIndex") or "0x0"), str(log.get("blockHash") or "").lower(),
    )  # fmt: skip


def fetch_logs(
    rpc: RpcClient, chain: str, first: int, last: int, topics: Iterable[str]
) -> list[RawLog]:
    """Logs in ``first..last`` whose topic 0 is one of ``topics`` (removed logs skipped)."""
    wanted = sorted(topics)
    calls = [
        ("eth_getLogs", [{"fromBlock": quantity(a), "toBlock": quantity(min(a + SPAN - 1, last)),
                          "topics": [wanted]}])
        for a in range(first, last + 1, SPAN)
    ]  # fmt: skip
    found: list[RawLog] = []
    for answer in rpc.batch(calls) if calls else []:
        found += [raw_log(chain, log) for log in answer or () if not log.get("removed")]
    return found
