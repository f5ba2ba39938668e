"""``nkwatch trace``: import transfers and labels, run traces, render reports, freeze requests.

The engine (numba), the importers (DuckDB, pyarrow) and the report model (pydantic) load
inside the commands that use them: ``nkwatch trace --help`` imports none of them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nkwatch.boundary import LIMITS, read_text
from nkwatch.chains import get_chain
from nkwatch.clitools import NkwatchGroup, emit_json, pass_settings, store_for
from nkwatch.errors import UserError
from nkwatch.settings import Settings
from nkwatch.trace.lake import lake_import, lake_options, lake_trace, wants_lake
from nkwatch.trace.params import MAX_DECIMALS, Seed, TraceParams
from nkwatch.trace.policies import policy_names

if TYPE_CHECKING:
    from nkwatch.store import Store
    from nkwatch.trace.bitcoind import BitcoinNode
    from nkwatch.trace.labels import LabelBook
    from nkwatch.trace.report_model import TraceReport


@click.group("trace", cls=NkwatchGroup)
def trace_group() -> None:
    """Follow stolen funds to the exchanges, bridges and mixers where they can be frozen."""


def _decimals_map(values: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        contract, sep, n = value.partition("=")
        n = n.strip()
        if not sep or not n.isascii() or not n.isdigit() or len(n) > 2 or int(n) > MAX_DECIMALS:
            raise UserError(
                f"expected CONTRACT=DECIMALS (0-{MAX_DECIMALS}), got {value!r}",
                where="--token-decimals",
            )
        out[contract.strip().lower()] = int(n)
    return out


@trace_group.command("import")
@click.argument("fmt", metavar="FORMAT")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--chain", default=None, help="Chain name (default: from the file, else ethereum/bitcoin)."
)
@click.option(
    "--from-address", default=None, help="Sender, for explorer exports without a from column."
)
@click.option(
    "--token-decimals",
    multiple=True,
    help="CONTRACT=DECIMALS for tokens the file does not describe.",
)
@click.option(
    "--assume-decimals",
    type=click.IntRange(0, MAX_DECIMALS),
    default=None,
    help="Decimals for unknown tokens (recorded).",
)
@lake_options
@pass_settings
def import_cmd(
    settings: Settings, fmt: str, paths: tuple[Path, ...], chain: str | None, from_address: str | None,
    token_decimals: tuple[str, ...], assume_decimals: int | None, engine: str | None,
    lake_dir: Path | None, spark_master: str | None, spark_conf: tuple[str, ...],
) -> None:  # fmt: skip
    """Import transfers. FORMAT: see `nkwatch trace formats` (lake: `nkwatch lake formats`)."""
    from nkwatch.trace.importers import ImportOptions, import_files

    opts = ImportOptions(chain, from_address, _decimals_map(token_decimals), assume_decimals)
    if wants_lake(settings, engine, lake_dir):
        emit_json(
            lake_import(
                settings, fmt, list(paths), opts, engine, lake_dir, spark_master, spark_conf
            )
        )
        return
    with store_for(settings) as store:
        summary = import_files(store, fmt, list(paths), opts)
    emit_json({"format": summary.format, "read": summary.read, "added": summary.added})


@trace_group.command("formats")
def formats_cmd() -> None:
    """List the import formats and taint policies."""
    from nkwatch.trace.importers import importer_names

    emit_json({"import_formats": importer_names(), "policies": policy_names()})


@trace_group.command("labels")
@click.argument("fmt", type=click.Choice(["csv", "graphsense", "etherscan", "ofac"]))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--date", default="", help="Date of the label source (etherscan/ofac).")
@pass_settings
def labels_cmd(settings: Settings, fmt: str, paths: tuple[Path, ...], date: str) -> None:
    """Import service labels (user CSV, GraphSense TagPack, Etherscan export, OFAC lists)."""
    from nkwatch.trace import label_sources as ls

    labels = []
    for path in paths:
        if fmt == "csv":
            labels += list(ls.user_csv(path))
        elif fmt == "graphsense":
            labels += list(ls.graphsense_tagpack(path))
        elif fmt == "etherscan":
            labels += list(ls.etherscan_labels(path, date or "unknown"))
        else:
            labels += list(ls.ofac_address_lists(path, date or "unknown"))
    with store_for(settings) as store:
        added = ls.save_labels(store, labels)
    emit_json({"read": len(labels), "added": added})


def _when(value: str | None, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"not an ISO 8601 time: {value!r}", where=where) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _seed(text: str, since: datetime | None) -> Seed:
    """``ADDR`` (all it sends from --since on) or ``ADDR=AMOUNT`` (whole units it held then)."""
    address, sep, amount = text.strip().partition("=")
    if not sep:
        return Seed(address=address, since=since)
    value = _whole_units(amount, "--seed", "seed amount")
    return Seed(address=address, amount_whole=value, since=since)


def _whole_units(text: str, where: str, what: str) -> Decimal:
    """A finite decimal in ASCII digits within the named limits (the value is not rounded)."""
    try:
        value = Decimal(text) if text.isascii() else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise UserError(f"{what} is not a number: {text[:40]!r}", where=where)
    if value and not -LIMITS.decimal_exponent <= value.adjusted() <= LIMITS.integer_digits:
        raise UserError(
            f"{what} {text[:40]!r} is out of range (limits integer_digits="
            f"{LIMITS.integer_digits}, decimal_exponent={LIMITS.decimal_exponent})",
            where=where,
        )
    return value


def _seeds(seed: tuple[str, ...], seed_tx: tuple[str, ...], since: datetime | None) -> list[Seed]:
    seeds = [_seed(a, since) for s in seed for a in s.split(",") if a.strip()]
    seeds += [Seed(tx_hash=h.strip()) for s in seed_tx for h in s.split(",") if h.strip()]
    return seeds


@trace_group.command("run")
@click.option(
    "--seed",
    multiple=True,
    help="Seed address(es), comma-separated: all they send from --since on.",
)
@click.option("--seed-tx", multiple=True, help="Theft transaction hash(es) (UTXO: HASH or HASH:N).")
@click.option("--chain", required=True)
@click.option(
    "--policy",
    type=click.Choice(policy_names()),  # the policy registry, plug-ins included
    default="haircut",
    show_default=True,
)
@click.option("--max-hops", type=click.IntRange(1, 100), default=6, show_default=True)
@click.option("--min-amount", default="0", help="Dust threshold in whole units.")
@click.option("--max-addresses", type=click.IntRange(1), default=100_000, show_default=True)
@click.option("--since", default=None, help="ISO time the theft started (seed addresses).")
@click.option("--until", default=None, help="ISO time after which transfers are ignored.")
@click.option(
    "--rpc",
    multiple=True,
    help="JSON-RPC node URL, or CHAIN=URL per chain: the traced EVM chain's node is crawled "
    "instead of the store (its swap and bridge logs too); a Bitcoin Core node "
    "(bitcoin=http://user:pass@host:8332) is followed into across a bridge, or traced from "
    "--seed-tx when --chain is bitcoin.",
)
@click.option(
    "--scan-blocks",
    type=click.IntRange(1, 1_000_000),
    default=1008,
    show_default=True,
    help="Bitcoin node: blocks scanned past a bridge departure (or a seed) for the outbound "
    "and the onward spends.",
)
@click.option(
    "--midgard",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="THORChain Midgard actions JSON: inbound -> outbound links the indexer recorded.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@lake_options
@pass_settings
def run_cmd(
    settings: Settings, seed: tuple[str, ...], seed_tx: tuple[str, ...], chain: str, policy: str,
    max_hops: int, min_amount: str, max_addresses: int, since: str | None, until: str | None,
    rpc: tuple[str, ...], scan_blocks: int, midgard: tuple[Path, ...], output: Path,
    engine: str | None,
    lake_dir: Path | None, spark_master: str | None, spark_conf: tuple[str, ...],
) -> None:  # fmt: skip
    """Trace from the seeds and write the JSON report."""
    dust = _whole_units(min_amount, "--min-amount", "minimum amount")
    if dust < 0:
        raise UserError("must be a non-negative number", where="--min-amount")
    chain = get_chain(chain).id  # any spelling: eth, ETH, 1, ethereum
    params = TraceParams(chain, policy, max_hops, dust, max_addresses, _when(until, "--until"))
    seeds = _seeds(seed, seed_tx, _when(since, "--since"))
    if not rpc and not midgard and wants_lake(settings, engine, lake_dir):
        from nkwatch.trace.engine import validate_seeds
        from nkwatch.trace.label_sources import load_label_book

        validate_seeds(chain, seeds)
        with store_for(settings) as store:
            labels = load_label_book(store)
        report = lake_trace(
            settings, seeds, params, labels, engine, lake_dir, spark_master, spark_conf
        )
    else:
        nodes = _nodes(chain, rpc)
        report = _run(settings, chain, seeds, params, nodes, midgard, scan_blocks)
    output.write_text(report.to_json_text(), encoding="utf-8")
    data = report.to_data()
    emit_json(
        {"report": str(output), "endpoints": len(report.endpoints), "buckets": data["buckets"]}
    )


def _nodes(chain: str, values: tuple[str, ...]) -> dict[str, str]:
    """Chain -> node URL from ``--rpc URL`` (the traced chain) / ``--rpc CHAIN=URL`` values:
    the traced chain's node, and UTXO chains' nodes a bridge leads to."""
    nodes: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or name.startswith(("http://", "https://")):
            name, url = chain, value
        nodes[get_chain(name, where="--rpc").id] = url.strip()
    traced = get_chain(chain).family
    for name in nodes:
        if name == chain:
            continue
        if traced == "utxo" or get_chain(name).family != "utxo":
            raise UserError(
                f"a {name} node is not used here: besides the traced chain's node, only UTXO "
                f"chains' nodes (bitcoin=URL) are followed into across a bridge; {name} data "
                f"comes from the store (import it)",
                where="--rpc",
            )
    return nodes


def _run(
    settings: Settings, chain: str, seeds: list[Seed], params: TraceParams,
    nodes: dict[str, str], midgard: tuple[Path, ...] = (), scan_blocks: int = 1008,
) -> TraceReport:  # fmt: skip
    from nkwatch.trace.engine import validate_seeds
    from nkwatch.trace.label_sources import load_label_book

    validate_seeds(chain, seeds)
    with store_for(settings) as store:
        labels = load_label_book(store)
        if get_chain(chain).family == "utxo":
            return _run_utxo(store, chain, seeds, params, labels, nodes.get(chain), scan_blocks)
        from nkwatch.trace.bitcoind import open_node

        others = {c: u for c, u in nodes.items() if c != chain}
        utxo_nodes = {}
        try:
            for name, url in others.items():
                utxo_nodes[name] = open_node(url, name)
            return _run_evm(store, chain, seeds, params, labels, nodes.get(chain), midgard,
                            utxo_nodes, scan_blocks)  # fmt: skip
        finally:
            for node in utxo_nodes.values():
                node.close()


def _run_utxo(
    store: Store, chain: str, seeds: list[Seed], params: TraceParams, labels: LabelBook,
    url: str | None, scan_blocks: int,
) -> TraceReport:  # fmt: skip
    from nkwatch.trace.report import build_report
    from nkwatch.trace.utxo import load_utxo_txs, trace_utxo

    if url is None:
        return build_report(trace_utxo(load_utxo_txs(store, chain), seeds, params, labels))
    from nkwatch.trace.bitcoind.seeded import trace_from_node

    return trace_from_node(store, url, chain, seeds, params, labels, scan_blocks)


def _run_evm(
    store: Store, chain: str, seeds: list[Seed], params: TraceParams, labels: LabelBook,
    rpc: str | None, midgard: tuple[Path, ...], utxo_nodes: dict[str, BitcoinNode],
    scan_blocks: int,
) -> TraceReport:  # fmt: skip
    from nkwatch.trace.bridges.midgard import read_actions
    from nkwatch.trace.engine import trace
    from nkwatch.trace.report import build_report
    from nkwatch.trace.repository import load_graph

    actions = [a for path in midgard for a in read_actions(path)]
    if rpc is None:
        from nkwatch.trace.across.run import has_cross_data, trace_store_across
        from nkwatch.trace.across.utxo_nodes import fetch_utxo_sides

        graph = load_graph(store, chain)
        noted = fetch_utxo_sides(store, graph, utxo_nodes, params, labels, scan_blocks, actions)
        if actions or has_cross_data(store, chain):
            return trace_store_across(store, graph, seeds, params, labels, actions, noted)
        return build_report(trace(graph, seeds, params, labels=labels))
    from nkwatch.trace.across.run import crawl_across
    from nkwatch.trace.evm.crawler import rpc_source

    crawler = rpc_source(store, rpc, chain)
    try:
        return crawl_across(store, crawler, seeds, params, labels, actions, utxo_nodes,
                            scan_blocks)  # fmt: skip
    finally:
        crawler.fetcher.rpc.close()


def _load_report(path: Path) -> TraceReport:
    from nkwatch.trace.report_model import TraceReport

    return TraceReport.from_json_text(read_text(path, what="JSON report"), where=str(path))


@trace_group.command("report")
@click.argument(
    "report_path",
    metavar="REPORT.json",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "csv", "svg", "flow-html"]), default="md"
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def report_cmd(report_path: Path, fmt: str, output: Path | None) -> None:
    """Render a saved report as Markdown, HTML, CSV or the SVG flow picture."""
    from nkwatch.trace.render import render

    text = render(_load_report(report_path), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@trace_group.command("freeze-requests")
@click.argument(
    "report_path", metavar="REPORT", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
def freeze_cmd(report_path: Path, output: Path) -> None:
    """Write one freeze request (Markdown + JSON) per service reached."""
    from nkwatch.trace.freeze import write_freeze_requests

    written = write_freeze_requests(_load_report(report_path), output)
    emit_json({"written": [str(p) for p in written]})


@trace_group.command("example")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@pass_settings
def example_cmd(settings: Settings, output: Path | None) -> None:
    """Import the bundled Bybit hop files and trace them (the example case)."""
    from nkwatch.trace.example import ensure_example_case

    with store_for(settings) as store:
        report = ensure_example_case(store)
    if output is not None:
        output.write_text(report.to_json_text(), encoding="utf-8")
    data = report.to_data()
    emit_json({"endpoints": [(e.service, e.address, e.amounts) for e in report.endpoints],
               "buckets": data["buckets"]})  # fmt: skip
