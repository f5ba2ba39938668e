"""The transfer lake: chain data at scale as Parquet, and the engines that read it.

Public API (loaded lazily, so ``import nkwatch.trace.lake`` costs nothing):

- :class:`Lake` (``store``): a lake root, its committed manifest, atomic commits.
- :func:`import_files`, :class:`LakeImportOptions`, :data:`FORMATS` (``importer``): files ->
  lake, one commit per import; :func:`import_synthetic` for the generator.
- :class:`EngineConfig`, :func:`open_engine` (``engine``): ``local`` (DuckDB) or ``spark``.
- :func:`trace_lake`, :func:`canonical_report` (``tracing``): a trace over the lake.
- :func:`exposure_window`, :class:`ExposureWindow` (``window``): the extraction an exposure
  batch sweeps, from all risk sources at once.
- :func:`lake_at`, :func:`engine_for` (``cli``): the lake and engine a command names.
- :func:`import_with_spark` (``spark_jobs``): the import's per-file and per-partition work
  as Spark tasks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nkwatch.capability import lazy_exports

if TYPE_CHECKING:
    from nkwatch.trace.lake.cli import (
        engine_for,
        lake_at,
        lake_import,
        lake_options,
        lake_trace,
        wants_lake,
    )
    from nkwatch.trace.lake.engine import EngineConfig, open_engine
    from nkwatch.trace.lake.importer import (
        FORMATS,
        LakeImportOptions,
        import_files,
        import_synthetic,
    )
    from nkwatch.trace.lake.spark_jobs import import_with_spark
    from nkwatch.trace.lake.store import Lake
    from nkwatch.trace.lake.tracing import canonical_report, trace_lake
    from nkwatch.trace.lake.window import ExposureWindow, exposure_window

__all__ = [
    "FORMATS", "EngineConfig", "ExposureWindow", "Lake", "LakeImportOptions", "canonical_report",
    "engine_for", "exposure_window", "import_files", "lake_at",
    "import_synthetic", "import_with_spark", "lake_import", "lake_options", "lake_trace",
    "open_engine", "trace_lake", "wants_lake",
]  # fmt: skip

__getattr__ = lazy_exports(
    __name__,
    {
        "Lake": "nkwatch.trace.lake.store",
        "FORMATS": "nkwatch.trace.lake.importer",
        "LakeImportOptions": "nkwatch.trace.lake.importer",
        "import_files": "nkwatch.trace.lake.importer",
        "import_synthetic": "nkwatch.trace.lake.importer",
        "EngineConfig": "nkwatch.trace.lake.engine",
        "open_engine": "nkwatch.trace.lake.engine",
        "trace_lake": "nkwatch.trace.lake.tracing",
        "canonical_report": "nkwatch.trace.lake.tracing",
        "import_with_spark": "nkwatch.trace.lake.spark_jobs",
        "lake_import": "nkwatch.trace.lake.cli",
        "lake_options": "nkwatch.trace.lake.cli",
        "lake_trace": "nkwatch.trace.lake.cli",
        "wants_lake": "nkwatch.trace.lake.cli",
        "lake_at": "nkwatch.trace.lake.cli",
        "engine_for": "nkwatch.trace.lake.cli",
        "exposure_window": "nkwatch.trace.lake.window",
        "ExposureWindow": "nkwatch.trace.lake.window",
    },
)
