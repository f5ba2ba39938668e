"""Fund tracing: follow stolen value on-chain to the services where it can be frozen.

The public API other capabilities use (``from nkwatch.trace import trace, Seed``); every
name loads on first use (PEP 562), so importing the package costs nothing (numba, pyarrow
and DuckDB load with the module that needs them). Exposure reads the transfer graph, the
labels, the policy table (kernel codes included) and the EVM block source through it.
"""

from typing import TYPE_CHECKING

from nkwatch.capability import lazy_exports

if TYPE_CHECKING:
    from nkwatch.trace.engine import TraceResult, trace
    from nkwatch.trace.evm.cache import EvmCache
    from nkwatch.trace.evm.decode import BlockHeader
    from nkwatch.trace.evm.fetch import BlockFetcher, FetchedBlock, InconsistentAnswer
    from nkwatch.trace.evm.prefetch import Prefetcher
    from nkwatch.trace.evm.rpc import NodeUnavailable, RpcClient, RpcConfig, RpcError
    from nkwatch.trace.evm.tokens import TokenMeta, fetch_token_meta
    from nkwatch.trace.evm.wire import senders
    from nkwatch.trace.graph import EdgeInfo, TransferGraph
    from nkwatch.trace.kernel_lots import muldiv
    from nkwatch.trace.label_sources import load_label_book
    from nkwatch.trace.labels import Label, LabelBook
    from nkwatch.trace.lake import engine_for, exposure_window, lake_at, lake_options, wants_lake
    from nkwatch.trace.model import Asset, Transfer, TransferKind, UtxoTx
    from nkwatch.trace.noise import classify_assets
    from nkwatch.trace.params import Seed, TraceParams
    from nkwatch.trace.policies import (
        FIFO_CODE,
        HAIRCUT_CODE,
        POISON_CODE,
        Policy,
        get_policy,
        policy_names,
    )
    from nkwatch.trace.report import build_report, whole
    from nkwatch.trace.report_model import TraceReport
    from nkwatch.trace.repository import load_graph, load_report, save_report

_EXPORTS = {
    "Seed": "nkwatch.trace.params",
    "TraceParams": "nkwatch.trace.params",
    "TraceResult": "nkwatch.trace.engine",
    "trace": "nkwatch.trace.engine",
    "build_report": "nkwatch.trace.report",
    "whole": "nkwatch.trace.report",
    "TraceReport": "nkwatch.trace.report_model",
    "FIFO_CODE": "nkwatch.trace.policies",
    "HAIRCUT_CODE": "nkwatch.trace.policies",
    "POISON_CODE": "nkwatch.trace.policies",
    "Policy": "nkwatch.trace.policies",
    "get_policy": "nkwatch.trace.policies",
    "policy_names": "nkwatch.trace.policies",
    "Asset": "nkwatch.trace.model",
    "Transfer": "nkwatch.trace.model",
    "TransferKind": "nkwatch.trace.model",
    "UtxoTx": "nkwatch.trace.model",
    "EdgeInfo": "nkwatch.trace.graph",
    "TransferGraph": "nkwatch.trace.graph",
    "Label": "nkwatch.trace.labels",
    "LabelBook": "nkwatch.trace.labels",
    "load_label_book": "nkwatch.trace.label_sources",
    "classify_assets": "nkwatch.trace.noise",
    "load_graph": "nkwatch.trace.repository",
    "load_report": "nkwatch.trace.repository",
    "save_report": "nkwatch.trace.repository",
    "muldiv": "nkwatch.trace.kernel_lots",
    "EvmCache": "nkwatch.trace.evm.cache",
    "BlockHeader": "nkwatch.trace.evm.decode",
    "BlockFetcher": "nkwatch.trace.evm.fetch",
    "FetchedBlock": "nkwatch.trace.evm.fetch",
    "InconsistentAnswer": "nkwatch.trace.evm.fetch",
    "Prefetcher": "nkwatch.trace.evm.prefetch",
    "NodeUnavailable": "nkwatch.trace.evm.rpc",
    "RpcClient": "nkwatch.trace.evm.rpc",
    "RpcConfig": "nkwatch.trace.evm.rpc",
    "RpcError": "nkwatch.trace.evm.rpc",
    "TokenMeta": "nkwatch.trace.evm.tokens",
    "fetch_token_meta": "nkwatch.trace.evm.tokens",
    "senders": "nkwatch.trace.evm.wire",
    "engine_for": "nkwatch.trace.lake",
    "exposure_window": "nkwatch.trace.lake",
    "lake_at": "nkwatch.trace.lake",
    "lake_options": "nkwatch.trace.lake",
    "wants_lake": "nkwatch.trace.lake",
}
__all__ = [
    "Asset",
    "BlockFetcher",
    "BlockHeader",
    "EdgeInfo",
    "EvmCache",
    "FIFO_CODE",
    "FetchedBlock",
    "HAIRCUT_CODE",
    "InconsistentAnswer",
    "Label",
    "LabelBook",
    "NodeUnavailable",
    "POISON_CODE",
    "Policy",
    "Prefetcher",
    "RpcClient",
    "RpcConfig",
    "RpcError",
    "Seed",
    "TokenMeta",
    "TraceParams",
    "TraceReport",
    "TraceResult",
    "Transfer",
    "TransferGraph",
    "TransferKind",
    "UtxoTx",
    "build_report",
    "classify_assets",
    "engine_for",
    "exposure_window",
    "fetch_token_meta",
    "get_policy",
    "lake_at",
    "lake_options",
    "load_graph",
    "load_label_book",
    "load_report",
    "muldiv",
    "policy_names",
    "save_report",
    "wants_lake",
    "senders",
    "trace",
    "whole",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
