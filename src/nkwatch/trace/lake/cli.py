"""``nkwatch lake`` and the lake options ``trace import|run`` and ``exposure file`` share.

Where the lake is: ``--lake DIR``, else ``$NKWATCH_LAKE``, else ``lake/`` beside the store.
Which engine: ``--engine local|spark`` (else ``$NKWATCH_ENGINE``), ``--spark-master`` (else
``$NKWATCH_SPARK_MASTER``, default ``local[*]``) and ``--spark-conf spark.KEY=VALUE``
(also ``$NKWATCH_SPARK_CONF`` as ``k=v,k=v``). A trace or import goes to the lake when an
engine or a lake is named (flag or environment); otherwise the store is used as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from nkwatch.clitools import NkwatchGroup, emit_json, pass_settings
from nkwatch.settings import Settings

if TYPE_CHECKING:
    from nkwatch.trace.report_model import TraceReport

F = TypeVar("F", bound=Callable[..., Any])


def lake_options(func: F) -> F:
    """``--engine``, ``--lake``, ``--spark-master``, ``--spark-conf``."""
    func = click.option("--spark-conf", multiple=True, help="spark.KEY=VALUE passed to Spark.")(
        func
    )
    func = click.option(
        "--spark-master",
        default=None,
        help="Spark master (default $NKWATCH_SPARK_MASTER or local[*]).",
    )(func)
    func = click.option("--lake", "lake_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Transfer lake directory (default $NKWATCH_LAKE, else lake/ beside the store).")(func)  # fmt: skip
    func = click.option("--engine", type=click.Choice(["local", "spark"]), default=None,
                        help="Run over the Parquet lake with DuckDB (local) or Spark.")(func)  # fmt: skip
    return func


def wants_lake(settings: Settings, engine: str | None, lake_dir: Path | None) -> bool:
    env = settings.extra
    return bool(engine or lake_dir or env.get("NKWATCH_ENGINE") or env.get("NKWATCH_LAKE"))


def lake_at(settings: Settings, lake_dir: Path | None) -> Any:
    from nkwatch.trace.lake.store import Lake

    raw = lake_dir or (
        Path(settings.extra["NKWATCH_LAKE"]) if settings.extra.get("NKWATCH_LAKE") else None
    )
    return Lake(raw or settings.db_path.parent / "lake")


def engine_for(engine: str | None, master: str | None, conf: tuple[str, ...]) -> Any:
    from nkwatch.trace.lake.engine import EngineConfig, open_engine

    return open_engine(EngineConfig.from_env(os.environ, engine, master, conf))


@click.group("lake", cls=NkwatchGroup)
def lake_group() -> None:
    """Show the transfer lake and its import formats."""


@lake_group.command("show")
@click.option("--lake", "lake_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@pass_settings
def show_cmd(settings: Settings, lake_dir: Path | None) -> None:
    """Partitions per table and chain: rows, blocks, bytes, where they came from."""
    lake = lake_at(settings, lake_dir)
    m = lake.manifest()
    tables: dict[str, dict[str, Any]] = {}
    for p in m.partitions:
        row = tables.setdefault(
            f"{p.table}/{p.chain}",
            {"partitions": 0, "rows": 0, "bytes": 0, "blocks": [p.min_block, p.max_block]},
        )
        row["partitions"] += 1
        row["rows"] += p.rows
        row["bytes"] += p.bytes
        row["blocks"] = [min(row["blocks"][0], p.min_block), max(row["blocks"][1], p.max_block)]
    emit_json(
        {
            "lake": str(lake.root),
            "commit": m.commit,
            "committed_at": m.committed_at,
            "tables": tables,
        }
    )


@lake_group.command("formats")
def formats_cmd() -> None:
    """The formats ``trace import --engine`` writes into the lake."""
    from nkwatch.trace.lake.importer import FORMATS

    emit_json(FORMATS)


def lake_import(
    settings: Settings, fmt: str, paths: list[Path], opts: Any, engine: str | None,
    lake_dir: Path | None, master: str | None, conf: tuple[str, ...],
) -> dict[str, Any]:  # fmt: skip
    """``trace import`` into the lake: in-process (local) or as Spark tasks."""
    from nkwatch.trace.lake.engine import EngineConfig
    from nkwatch.trace.lake.importer import LakeImportOptions, import_files

    lake = lake_at(settings, lake_dir)
    options = LakeImportOptions(
        chain=opts.chain, from_address=opts.from_address, token_decimals=opts.token_decimals,
        assume_decimals=opts.assume_decimals,
    )  # fmt: skip
    config = EngineConfig.from_env(os.environ, engine, master, conf)
    if config.name == "spark":
        from nkwatch.trace.lake.spark_jobs import import_with_spark

        result = import_with_spark(lake, fmt, paths, options, engine_for(engine, master, conf))
    else:
        result = import_files(lake, fmt, paths, options)
    return {"format": fmt, "engine": config.name, "lake": str(lake.root), "commit": result.manifest.commit,
            "rows": result.rows, "partitions": len(result.partitions)}  # fmt: skip


def lake_trace(
    settings: Settings, seeds: list[Any], params: Any, labels: Any, engine: str | None,
    lake_dir: Path | None, master: str | None, conf: tuple[str, ...],
) -> TraceReport:  # fmt: skip
    """``trace run`` over the lake (UTXO chains: loaded from the lake, traced on one node)."""
    from nkwatch.chains import get_chain

    lake = lake_at(settings, lake_dir)
    if get_chain(params.chain).family == "utxo":
        from nkwatch.trace.lake.utxo import load_utxo_txs
        from nkwatch.trace.report import build_report
        from nkwatch.trace.utxo import trace_utxo

        return build_report(trace_utxo(load_utxo_txs(lake, params.chain), seeds, params, labels))
    from nkwatch.trace.lake.tracing import trace_lake

    eng = engine_for(engine, master, conf)
    try:
        return trace_lake(lake, eng, seeds, params, labels)
    finally:
        eng.close()
