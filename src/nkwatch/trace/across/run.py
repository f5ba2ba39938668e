"""The cross-chain trace over the store: the account chain's transfers and logs, and the
UTXO chains that bridges lead to (their transactions with OP_RETURN memos)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from nkwatch.store import Store
from nkwatch.trace.across import ChainData, CrossChainResult, trace_across
from nkwatch.trace.across.model import Anomaly
from nkwatch.trace.across.report import build_cross_report
from nkwatch.trace.bridges.midgard import MidgardAction
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report_model import TraceReport

if TYPE_CHECKING:
    from nkwatch.trace.bitcoind import BitcoinNode
    from nkwatch.trace.evm.crawler import EvmCrawler


def has_cross_data(store: Store, chain: str) -> bool:
    """Logs of the chain or OP_RETURN memos anywhere: worth following swaps and bridges."""
    conn = store.conn
    logs = conn.execute("SELECT count(*) FROM trace_logs WHERE chain = ?", [chain]).fetchall()
    memos = conn.execute(
        "SELECT count(*) FROM trace_utxo_outputs WHERE memo IS NOT NULL"
    ).fetchall()
    return bool(logs[0][0]) or bool(memos[0][0])


def utxo_chains(store: Store, named: Sequence[str] = ()) -> list[str]:
    """UTXO chains a bridge can lead to in the data: those with OP_RETURN memos, and those
    an indexer export names (``named``); loading no others keeps an EVM trace light."""
    rows = store.conn.execute(
        "SELECT DISTINCT chain FROM trace_utxo_outputs WHERE memo IS NOT NULL"
    ).fetchall()
    stored = {
        str(r[0])
        for r in store.conn.execute("SELECT DISTINCT chain FROM trace_utxo_txs").fetchall()
    }
    return sorted({str(r[0]) for r in rows} | (set(named) & stored))


def finish(
    result: CrossChainResult, chains: dict[str, ChainData], params: TraceParams,
    labels: LabelBook,
) -> TraceReport:  # fmt: skip
    """Trace each destination chain from its seed outputs and merge the reports."""
    from nkwatch.trace.report import build_report
    from nkwatch.trace.utxo import trace_utxo

    reports = {}
    for name, seeds in result.utxo_seeds.items():
        data = chains.get(name)
        if data is not None and seeds:
            utxo = trace_utxo(data.txs, seeds, replace(params, chain=name), labels)
            reports[name] = build_report(utxo)
    return build_cross_report(result, reports)


def trace_store_across(
    store: Store, graph: TransferGraph, seeds: list[Seed], params: TraceParams,
    labels: LabelBook, actions: Sequence[MidgardAction] = (), noted: Sequence[Anomaly] = (),
) -> TraceReport:  # fmt: skip
    """The whole case from the store: see the package docstring."""
    from nkwatch.trace.logstore import load_logs
    from nkwatch.trace.utxo import load_utxo_txs

    logs, bad = load_logs(store, graph.chain)
    anomalies = [Anomaly(r.chain, r.tx_hash, "malformed-log", f"log {r.log_index}: {why}")
                 for r, why in bad] + list(noted)  # fmt: skip
    named = [o.asset.chain for a in actions for o in a.outbound]
    chains = {c: ChainData(c, load_utxo_txs(store, c)) for c in utxo_chains(store, named)}
    result = trace_across(graph, seeds, params, labels=labels, logs=logs, anomalies=anomalies,
                          chains=list(chains.values()), actions=actions)  # fmt: skip
    return finish(result, chains, params, labels)


def crawl_across(
    store: Store, crawler: EvmCrawler, seeds: list[Seed], params: TraceParams, labels: LabelBook,
    actions: Sequence[MidgardAction] = (), utxo_nodes: Mapping[str, BitcoinNode] | None = None,
    scan_blocks: int = 1008,
) -> TraceReport:  # fmt: skip
    """``--rpc``: crawl the node outward from the seeds, fetch the bridge and swap logs of
    the crawled block span (kept in the store), look for the bridge outbounds and their
    onward spends on the destination chains' nodes (``--rpc bitcoin=URL``: kept in the
    store too), and trace across like the store path."""
    from nkwatch.trace.across.utxo_nodes import fetch_utxo_sides
    from nkwatch.trace.crawl import crawl
    from nkwatch.trace.evm.logs import fetch_logs
    from nkwatch.trace.evm.transport import shown_url
    from nkwatch.trace.logstore import WANTED_TOPICS, add_logs

    graph = crawl(crawler, seeds, params, labels)
    blocks = [info.block for info in graph.resolve(graph.ref.tolist()).values()]
    if blocks:
        rpc = crawler.fetcher.rpc
        add_logs(store, fetch_logs(rpc, graph.chain, min(blocks), max(blocks), WANTED_TOPICS),
                 source=f"rpc:{shown_url(rpc.config.url)}")  # fmt: skip
    noted: list[Anomaly] = []
    if utxo_nodes:
        noted = fetch_utxo_sides(store, graph, utxo_nodes, params, labels, scan_blocks, actions)
    return trace_store_across(store, graph, seeds, params, labels, actions, noted)
