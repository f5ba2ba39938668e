"""An import as Spark tasks: one task per input file stages its rows, one task per
partition sorts and writes it, and the driver commits the manifest once every task has
succeeded (a failed or killed job commits nothing). Executors run the same Python as the
local import, so every check and error message is the same; they need the input files and
the lake root on a filesystem they share with the driver (local mode, NFS, a mounted
volume). A ``UserError`` raised in a task comes back as the same one-line error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nkwatch.errors import UserError
from nkwatch.trace.lake import ingest
from nkwatch.trace.lake.importer import LakeImportOptions, plan
from nkwatch.trace.lake.store import Lake

_USER_ERROR = re.compile(r"nkwatch\.errors\.UserError: (.+)")


def _reraise(exc: Exception) -> None:
    found = _USER_ERROR.findall(str(exc))
    if found:
        raise UserError(found[-1].strip()) from None
    raise exc


def import_with_spark(
    lake: Lake, fmt: str, paths: Sequence[Path], opts: LakeImportOptions, engine: Any
) -> ingest.ImportResult:
    """Like :func:`nkwatch.trace.lake.importer.import_files`, with the work spread over Spark."""
    source, stage = plan(lake, fmt, paths, opts)
    sc = engine.spark.sparkContext
    with lake.writer() as writer:
        staging = writer.staging
        try:
            files = list(enumerate(str(p) for p in stage))
            pieces = (
                sc.parallelize(files, max(len(files), 1))
                .flatMap(lambda f: ingest.stage_file(source, Path(f[1]), staging, f"f{f[0]}"))
                .collect()
            )
            groups = [
                (key, group, writer.final_name(*key, 0))
                for key, group in ingest.group_pieces(pieces).items()
            ]
            origin = ingest.origin_text(paths, fmt)
            parts = (
                sc.parallelize(groups, max(len(groups), 1))
                .map(lambda g: ingest.merge_partition(g[1], staging, g[2], origin))
                .collect()
            )
            read = sum(p.rows for p in parts)
        except UserError:
            writer.abandon()
            raise
        except Exception as exc:
            writer.abandon()
            _reraise(exc)
            raise
        return ingest.ImportResult(read, tuple(parts), ingest.commit(writer, list(parts)))
