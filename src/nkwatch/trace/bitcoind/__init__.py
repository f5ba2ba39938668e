"""Bitcoin Core JSON-RPC as a trace source: ``nkwatch trace run --rpc bitcoin=URL``.

The account-chain crawler follows the loot to a bridge departure (THORChain ``Deposit``);
this package finds, on the destination chain's node, the outbound whose ``OP_RETURN`` memo
names that departure (``OUT:<INBOUND_HASH>``) and every later transaction spending what it
paid, in one forward pass over the blocks (:mod:`.scan`). The transactions found are stored
beside imported bitcoin-etl data (source ``rpc:<node>``) and traced by the same UTXO tracer,
policies, CoinJoin and service detection.

Public API::

    with open_node(url, "bitcoin") as node:          # checks getblockchaininfo
        found = scan_outbounds(node, [Wanted(key, address, time)], ScanLimits(), stop)
        found.txs                                      # list[UtxoTx], block order
"""

from __future__ import annotations

from nkwatch.trace.bitcoind.node import BitcoinNode
from nkwatch.trace.bitcoind.scan import ScanLimits, ScanResult, Wanted, scan_from, scan_outbounds

__all__ = [
    "BitcoinNode",
    "ScanLimits",
    "ScanResult",
    "Wanted",
    "open_node",
    "scan_from",
    "scan_outbounds",
]


def open_node(url: str, chain: str) -> BitcoinNode:
    """A node for the UTXO ``chain``, checked to answer ``getblockchaininfo``."""
    node = BitcoinNode(url, chain)
    try:
        node.info()
    except BaseException:
        node.close()
        raise
    return node
