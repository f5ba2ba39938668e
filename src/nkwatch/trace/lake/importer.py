"""``import_files``: the formats the lake takes, each staged, merged and committed at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from nkwatch.errors import UserError
from nkwatch.trace.lake import ingest
from nkwatch.trace.lake.ingest import Batch, ImportResult, Source
from nkwatch.trace.lake.store import Lake

if TYPE_CHECKING:
    from nkwatch.trace.synthetic_stream import Slice

FORMATS = {
    "ethereum-etl": "ethereum-etl transactions / token_transfers / traces / blocks / tokens (CSV, JSON lines, Parquet), block order",
    "bigquery-ethereum": "BigQuery crypto_ethereum exports of the same tables (Parquet, Avro, JSON lines), any order",
    "bitcoin-etl": "bitcoin-etl transactions with nested inputs/outputs (JSON lines, Parquet), block order",
    "bigquery-bitcoin": "BigQuery crypto_bitcoin.transactions exports (Parquet, Avro, JSON lines), any order",
    "etherscan-csv": "explorer transfer exports (the Bybit hop files)",
    "btc-2009": "the taintedtx / BlockSci index CSV layout of chain/btc_2009",
}  # fmt: skip


@dataclass(frozen=True)
class LakeImportOptions:
    chain: str | None = None
    dataset: str | None = None  # partition name inside a range (default: from the format)
    from_address: str | None = None
    from_addresses: dict[str, str] = field(
        default_factory=dict
    )  # file name -> sender (explorer exports)
    token_decimals: dict[str, int] = field(default_factory=dict)
    assume_decimals: int | None = None


def _model_source(fmt: str, paths: Sequence[Path], opts: LakeImportOptions, dataset: str) -> Source:
    """Formats with a store reader: all files read together (they dedupe across files)."""
    from nkwatch.trace.importers import ImportOptions, get_importer
    from nkwatch.trace.lake.sources.model import transfer_rows, utxo_rows

    reader = get_importer(fmt)
    options = ImportOptions(
        opts.chain, opts.from_address, opts.token_decimals, opts.assume_decimals
    )

    def read(path: Path) -> Iterator[Batch]:
        from itertools import chain

        items: Iterable[object] = reader.read(list(paths), options)
        if opts.from_addresses:
            items = chain.from_iterable(
                reader.read(
                    [p],
                    replace(
                        options, from_address=opts.from_addresses.get(p.name, opts.from_address)
                    ),
                )
                for p in paths
            )
        if reader.model == "utxo":
            yield from utxo_rows(items, path)  # type: ignore[arg-type]
        else:
            yield Batch("transfers", dataset, transfer_rows(items, path))  # type: ignore[arg-type]

    return read


def lake_block_times(lake: Lake, chain: str) -> tuple[np.ndarray, np.ndarray]:
    files = lake.paths("blocks", chain)
    if not files:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    import duckdb

    con = duckdb.connect()
    got = con.execute(
        "SELECT block, time FROM read_parquet(?) ORDER BY block", [files]
    ).fetchnumpy()
    return np.asarray(got["block"], np.int64), np.asarray(got["time"], np.int64)


def plan(
    lake: Lake, fmt: str, paths: Sequence[Path], opts: LakeImportOptions
) -> tuple[Source, list[Path]]:
    """The per-file source and the files to stage for one import."""
    for path in paths:
        if not path.exists():
            raise UserError("no such file or directory", where=str(path))
    dataset = opts.dataset or fmt
    if fmt in ("ethereum-etl", "bigquery-ethereum"):
        from nkwatch.chains import get_chain
        from nkwatch.trace.lake.sources import ethereum_etl

        chain = get_chain(opts.chain or "ethereum").id
        times = ethereum_etl.BlockTimes()
        times.add(*lake_block_times(lake, chain))
        return ethereum_etl.plan(paths, chain, get_chain(chain).symbol, opts.token_decimals,
                                 times, ordered=fmt == "ethereum-etl")  # fmt: skip
    if fmt in ("bitcoin-etl", "bigquery-bitcoin"):
        from nkwatch.chains import get_chain
        from nkwatch.trace.lake.sources import bitcoin_etl

        return bitcoin_etl.source(
            get_chain(opts.chain or "bitcoin").id, fmt == "bitcoin-etl"
        ), list(paths)
    if fmt in ("etherscan-csv", "btc-2009"):
        return _model_source(fmt, paths, opts, dataset), [paths[0]]
    known = ", ".join(sorted(FORMATS))
    raise UserError(f"unknown lake import format {fmt!r} (known: {known})", where="FORMAT")


def import_files(
    lake: Lake, fmt: str, paths: Sequence[Path], opts: LakeImportOptions | None = None
) -> ImportResult:
    """Import files into the lake in one commit (the local engine; see ``spark_jobs``)."""
    opts = opts or LakeImportOptions()
    source, stage = plan(lake, fmt, paths, opts)
    return ingest.write(lake, source, stage, fmt)


def import_synthetic(lake: Lake, graph: object, chain: str = "synthetic") -> ImportResult:
    """Write a synthetic chain (``trace.synthetic.generate(n).graph``) into the lake."""
    from nkwatch.trace.lake.sources.model import synthetic_rows

    table = synthetic_rows(graph, chain)

    def read(path: Path) -> Iterator[Batch]:
        step = 1 << 20
        for start in range(0, table.num_rows, step):
            yield Batch("transfers", "synthetic", table.slice(start, step))

    return ingest.write(lake, read, [Path("synthetic")], "synthetic")


def import_synthetic_slices(
    lake: Lake, slices: Iterable[Slice], chain: str = "synthetic", symbol: str = "SYN",
    decimals: int = 8,
) -> ImportResult:  # fmt: skip
    """Write synthetic transfers given slice by slice in time order (``synthetic_stream``),
    one block each, numbered on from 0: each 100,000-block partition is written as soon as
    it is complete, so memory holds one slice and one partition, never the chain. One
    commit at the end, as ``import_synthetic`` (whose lake it equals for the same rows)."""
    from nkwatch.trace.lake.ingest import commit, origin_text, write_partition_file
    from nkwatch.trace.lake.schema import RANGE_BLOCKS, TABLES, staged
    from nkwatch.trace.lake.sources.model import synthetic_table
    from nkwatch.trace.lake.store import Partition

    with lake.writer() as writer:
        origin = origin_text([Path("synthetic")], "synthetic")
        parts: list[Partition] = []

        def flush(rows: pa.Table, first: int) -> None:
            rel = writer.final_name("transfers", chain, first // RANGE_BLOCKS, "synthetic", 0)
            out = writer.staging / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            data = rows.drop_columns(["_file", "_row"]).combine_chunks()
            write_partition_file(data.cast(staged(TABLES["transfers"])), out)
            parts.append(Partition("transfers", chain, first // RANGE_BLOCKS, "synthetic", (rel,),
                                   rows.num_rows, first, first + rows.num_rows - 1, origin,
                                   out.stat().st_size))  # fmt: skip

        try:
            held, first = None, 0  # rows of the partition being filled, and its first block
            for sl in slices:
                start = first + (held.num_rows if held is not None else 0)
                rows = synthetic_table(sl.src, sl.dst, sl.amount, sl.ts,
                                       np.arange(start, start + sl.ts.size, dtype=np.int64),
                                       chain, symbol, decimals)  # fmt: skip
                rows = pa.concat_tables([held, rows]) if held is not None else rows
                while first + rows.num_rows >= (first // RANGE_BLOCKS + 1) * RANGE_BLOCKS:
                    cut = (first // RANGE_BLOCKS + 1) * RANGE_BLOCKS - first
                    flush(rows.slice(0, cut), first)
                    rows, first = rows.slice(cut), first + cut
                held = rows
            if held is not None and held.num_rows:
                flush(held, first)
        except BaseException:
            writer.abandon()
            raise
        return ImportResult(sum(p.rows for p in parts), tuple(parts), commit(writer, parts))


def import_bybit_example(lake: Lake) -> ImportResult:
    """The bundled Bybit hop files (each with its sender from ``sources.csv``), one commit."""
    import csv
    from importlib import resources

    root = resources.files("nkwatch.data") / "chain" / "bybit_2025"
    with resources.as_file(root) as folder:
        rows = list(csv.DictReader((Path(folder) / "sources.csv").read_text("utf-8").splitlines()))
        paths = [Path(folder) / r["file"] for r in rows]
        opts = LakeImportOptions(chain="ethereum", from_addresses={r["file"]: r["from_address"] for r in rows},
                                 assume_decimals=18)  # fmt: skip
        return import_files(lake, "etherscan-csv", paths, opts)
