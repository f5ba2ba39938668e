"""Writing the lake: canonical Arrow batches -> staged pieces -> one sorted file per partition.

A *source* turns one input file into canonical batches (``schema.TABLES`` columns plus
``_file``/``_row`` naming where each row came from). :func:`write` stages every batch by
partition, then per partition sorts by the total order, refuses a repeated key (naming both
rows), writes one Parquet file and commits all partitions in one manifest replacement. Any
error before the commit leaves the lake exactly as it was (``store`` explains how a
``kill -9`` does too). The same two steps run in-process (local engine) or as Spark tasks
(``spark_ingest``): the per-file and per-partition work is the same Python function.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nkwatch.errors import UserError
from nkwatch.trace.lake.schema import ORDER, RANGE_BLOCKS, TABLES, staged
from nkwatch.trace.lake.store import Lake, LakeWriter, Manifest, Partition

COMPRESSION = "zstd"


@dataclass(frozen=True)
class Batch:
    """Canonical rows of one table and dataset, with ``_file`` and ``_row`` columns."""

    table: str
    dataset: str
    rows: pa.Table


Source = Callable[[Path], Iterator[Batch]]
_EMPTY = pa.table({})


@dataclass(frozen=True)
class StagedPiece:
    table: str
    chain: str
    range: int
    dataset: str
    path: str  # under the staging directory; "" while it is held in memory (``Memory``)
    index: int = -1
    rows: int = 0


class Memory:
    """Pieces held in memory by an in-process import up to ``budget`` bytes (then on disk):
    a partition is then written once instead of staged, re-read and written."""

    def __init__(self, budget: int = 1 << 30) -> None:
        self.tables: list[pa.Table] = []
        self.budget = budget
        self.used = 0

    def keep(self, table: pa.Table) -> int:
        if self.used + table.nbytes > self.budget:
            return -1
        self.used += table.nbytes
        self.tables.append(table)
        return len(self.tables) - 1


def check_block_order(blocks: pa.Array, path: Path, rows: pa.Array, last: int) -> int:
    """Refuse a block number lower than the one before it in the same file; returns the last."""
    arr = np.asarray(blocks.to_numpy(zero_copy_only=False), np.int64)
    if arr.size == 0:
        return last
    prev = np.concatenate(([last], arr[:-1]))
    bad = np.flatnonzero(arr < prev)
    if bad.size:
        i = int(bad[0])
        raise UserError(
            f"rows out of order: block {int(arr[i])} after block {int(prev[i])}",
            where=f"{path}:{rows[i].as_py()}",
        )
    return int(arr[-1])


def stage_file(
    source: Source, path: Path, staging: Path, tag: str, memory: Memory | None = None
) -> list[StagedPiece]:
    """Convert one input file and write its rows as pieces, one per (table, chain, range)."""
    pieces: list[StagedPiece] = []
    for n, batch in enumerate(source(path)):
        rows = batch.rows
        if rows.num_rows == 0:
            continue
        ranges = pc.divide(rows["block"], pa.scalar(RANGE_BLOCKS, pa.int64()))
        keys = _partition_keys(rows["chain"], ranges)
        for chain, rng in keys:
            part = rows
            if len(keys) > 1:
                part = rows.filter(pc.and_(pc.equal(rows["chain"], chain), pc.equal(ranges, rng)))
            held = memory.keep(part) if memory is not None else -1
            if held >= 0:
                pieces.append(StagedPiece(batch.table, str(chain), int(rng), batch.dataset, "",
                                          held, part.num_rows))  # fmt: skip
                continue
            rel = f"pieces/{batch.table}/{chain}/{rng}/{batch.dataset}/{tag}-{n}.parquet"
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(part, staging / rel, compression="lz4")
            pieces.append(StagedPiece(batch.table, str(chain), int(rng), batch.dataset, rel,
                                      -1, part.num_rows))  # fmt: skip
    return pieces


def _partition_keys(chain: pa.ChunkedArray, ranges: pa.ChunkedArray) -> list[tuple[str, int]]:
    """The (chain, range) pairs of a batch; one chain in one range (the usual batch of an
    export in block order) is seen from the range's bounds and the chain's dictionary."""
    bounds = pc.min_max(ranges)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    one = chain.unique() if chain.null_count == 0 else None
    if low == high and one is not None and len(one) == 1:
        return [(str(one[0].as_py()), int(low))]
    if pa.types.is_dictionary(chain.type):
        chain = chain.cast(chain.type.value_type)
    keys = pa.table({"c": chain, "r": ranges}).group_by(["c", "r"]).aggregate([])
    return list(zip(keys["c"].to_pylist(), keys["r"].to_pylist(), strict=True))


def merge_partition(
    pieces: list[StagedPiece], staging: Path, final_rel: str, origin: str,
    memory: Memory | None = None,
) -> Partition:  # fmt: skip
    """Sort one partition's pieces by the total order, refuse repeats, write its file."""
    first = pieces[0]
    table = pa.concat_tables(
        [memory.tables[p.index] if memory is not None and not p.path else pq.read_table(staging / p.path)
         for p in pieces]
    )  # fmt: skip
    if not _sorted(table):
        table = table.take(pc.sort_indices(table, [(c, "ascending") for c in ORDER]))
    _refuse_repeats(table)
    data = table.drop_columns(["_file", "_row"]).cast(staged(TABLES[first.table]))
    out = staging / final_rel
    out.parent.mkdir(parents=True, exist_ok=True)
    write_partition_file(data, out)
    blocks = data["block"]
    return Partition(first.table, first.chain, first.range, first.dataset, (final_rel,),
                     data.num_rows, int(pc.min(blocks).as_py()), int(pc.max(blocks).as_py()),
                     origin, out.stat().st_size)  # fmt: skip


# columns with few distinct values per partition: dictionary-encoded; hashes and
# addresses (unique-ish text) are written plain, without the writer's dictionary attempt
_PLAIN_TEXT = frozenset({"tx_hash", "from_address", "to_address", "address", "prev_tx"})


def write_partition_file(data: pa.Table, out: Path) -> None:
    """One partition's Parquet file: zstd level 1, row groups of 2^20 rows, min/max
    statistics on the numeric columns (block ranges, ids: what readers prune by).

    Text columns staged as dictionaries (``schema.DICTIONARY_TEXT``) are written from
    their dictionaries (no hashing a row); a column without nulls is written REQUIRED (no
    definition levels to compute and store). Readers see the same columns either way; the
    Arrow schema is not stored, so pyarrow reads text as text too."""
    data = data.unify_dictionaries()
    data = data.cast(pa.schema([f.with_nullable(data[f.name].null_count > 0) for f in data.schema]))
    fields = list(data.schema)
    text = [f.name for f in fields if _is_text(f.type)]
    pq.write_table(
        data, out, compression=COMPRESSION, compression_level=1, row_group_size=1 << 20,
        use_dictionary=[n for n in text if n not in _PLAIN_TEXT],
        write_statistics=[f.name for f in fields if not _is_text(f.type)], store_schema=False,
    )  # fmt: skip


def _is_text(t: pa.DataType) -> bool:
    """Text, plain or as a dictionary."""
    return bool(pa.types.is_string(t.value_type if pa.types.is_dictionary(t) else t))


def _sorted(table: pa.Table) -> bool:
    """Already in the total order (exports usually are): then no sort is needed."""
    if table.num_rows < 2:
        return True
    keys = [np.asarray(table[c].to_numpy(), np.int64) for c in ORDER]
    later = np.zeros(table.num_rows - 1, np.bool_)  # row i+1 is after row i
    equal = np.ones(table.num_rows - 1, np.bool_)
    for k in keys:
        later |= equal & (k[1:] > k[:-1])
        equal &= k[1:] == k[:-1]
    return bool((later | equal).all())


def _refuse_repeats(table: pa.Table) -> None:
    n = table.num_rows
    if n < 2:
        return
    same = np.ones(n - 1, np.bool_)
    for c in ORDER:
        col = np.asarray(table[c].to_numpy(), np.int64)
        same &= col[1:] == col[:-1]
    hits = np.flatnonzero(same)
    if hits.size:
        i = int(hits[0])
        key = ", ".join(f"{c} {table[c][i + 1].as_py()}" for c in ORDER)
        first = f"{table['_file'][i].as_py()}:{table['_row'][i].as_py()}"
        raise UserError(
            f"repeated row ({key}), first at {first}",
            where=f"{table['_file'][i + 1].as_py()}:{table['_row'][i + 1].as_py()}",
        )


@dataclass(frozen=True)
class ImportResult:
    read: int
    partitions: tuple[Partition, ...]
    manifest: Manifest

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.partitions)


def group_pieces(
    pieces: Iterable[StagedPiece],
) -> dict[tuple[str, str, int, str], list[StagedPiece]]:
    groups: dict[tuple[str, str, int, str], list[StagedPiece]] = defaultdict(list)
    for p in pieces:
        groups[(p.table, p.chain, p.range, p.dataset)].append(p)
    return dict(sorted(groups.items()))


def origin_text(paths: Iterable[Path], label: str) -> str:
    names = ",".join(p.name for p in paths)
    return f"{label}:{names} at {datetime.now(UTC).isoformat(timespec='seconds')}"


def write(lake: Lake, source: Source, paths: list[Path], label: str) -> ImportResult:
    """Import ``paths`` with ``source`` into ``lake`` in one commit (local engine)."""
    with lake.writer() as writer:
        memory = Memory()
        try:
            pieces = [
                p
                for i, path in enumerate(paths)
                for p in stage_file(source, path, writer.staging, f"f{i}", memory)
            ]
            origin = origin_text(paths, label)
            parts = []
            for key, group in group_pieces(pieces).items():
                parts.append(merge_partition(group, writer.staging, writer.final_name(*key, 0),
                                             origin, memory))  # fmt: skip
                for p in group:  # written: its rows need not stay in memory
                    if not p.path:
                        memory.tables[p.index] = _EMPTY
            read = sum(p.rows for p in pieces)
        except BaseException:
            writer.abandon()
            raise
        return ImportResult(read, tuple(parts), commit(writer, parts))


def commit(writer: LakeWriter, parts: list[Partition]) -> Manifest:
    if not parts:
        writer.abandon()
        return writer.base
    return writer.commit(parts)
