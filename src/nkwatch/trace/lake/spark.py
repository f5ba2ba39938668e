"""The Spark engine: the pyspark wheel alone (Spark SQL, Parquet, Arrow), no JVM packages.

``SparkEngine.start`` builds a session for ``master`` (``local[*]``, ``spark://host:port``,
``yarn``, ``k8s://...``) with the ``spark.*`` settings passed through. A process holds one
Spark context: when one is already running (a notebook's, an earlier engine's), it is reused
only if it runs the same master, worker Python and static settings; runtime SQL settings
(``spark.sql.*``) are applied to it, and any other difference is refused in one line naming
the setting, never silently run on the old session (``getOrCreate`` alone would). A ``spark://`` master is probed with a TCP connect first, so an unreachable one is
one :class:`~nkwatch.errors.OperationalError` naming it within seconds instead of Spark's
minute of retries; a JVM that cannot start (no Java) is reported the same way. Materialised
tables are checkpointed (``localCheckpoint``), so an expansion's plan does not grow with
every hop.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import pyarrow as pa

from nkwatch.errors import OperationalError, UserError

DEFAULTS = {
    "spark.app.name": "nkwatch",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.driver.memory": "4g",
    "spark.sql.adaptive.enabled": "true",
}

COSMETIC = frozenset({"spark.app.name", "spark.ui.enabled"})  # a running session may differ


def probe_master(master: str, timeout_s: float = 5.0) -> None:
    """Refuse an unreachable ``spark://`` master before Spark retries for a minute."""
    if not master.startswith("spark://"):
        return
    for hostport in master[len("spark://") :].split(","):
        url = urlparse(f"spark://{hostport}")
        host, port = url.hostname, url.port or 7077
        if host is None:
            raise UserError(f"not a Spark master URL: {master!r}", where="NKWATCH_SPARK_MASTER")
        try:
            with socket.create_connection((host, port), timeout=timeout_s):
                return
        except OSError as exc:
            last = exc
    raise OperationalError(f"Spark master unreachable: {last}", where=master)


class SparkEngine:
    name = "spark"
    dialect = "spark"

    def __init__(self, session: Any) -> None:
        self.spark = session
        self._n = 0

    @classmethod
    def start(cls, master: str, conf: Mapping[str, str]) -> SparkEngine:
        probe_master(master)
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise UserError(
                "the Spark engine needs pyspark: pip install 'nkwatch[spark]'", where="--engine"
            ) from None
        # Python workers run this interpreter (its packages: pyarrow, nkwatch) unless told
        # otherwise (a cluster: --spark-conf spark.pyspark.python=/path/on/the/executors)
        python = (
            conf.get("spark.pyspark.python") or os.environ.get("PYSPARK_PYTHON") or sys.executable
        )
        settings = {**DEFAULTS, "spark.pyspark.python": python, **conf}
        running = _running_session()
        if running is not None:
            return cls(_reuse(running, master, settings))
        os.environ["PYSPARK_PYTHON"] = python  # read by SparkContext, not by the conf
        builder = SparkSession.builder.master(master)
        for key, value in settings.items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # py4j / gateway errors: Java missing, master refused us
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise OperationalError(f"Spark did not start: {first}", where=master) from exc
        return cls(session)

    def lake_table(self, name: str, files: list[str]) -> None:
        if not files:
            raise UserError("the lake holds no such data: import some first", where="lake")
        self.spark.read.parquet(*files).createOrReplaceTempView(name)

    def arrow_table(self, name: str, table: pa.Table) -> None:
        df = (
            self.spark.createDataFrame(table)
            if table.num_rows
            else self.spark.createDataFrame([], _ddl(table.schema))
        )
        df.createOrReplaceTempView(name)

    def materialise(self, name: str, sql: str) -> None:
        """Checkpoint the query's result under ``name``; a result small enough to broadcast
        is marked so. A checkpointed table's size is unknown to Spark's planner (it
        estimates from the plan that made it: the lake's), so without the mark every join
        of the lake with a frontier, a stop list or the reached set would shuffle and sort
        the whole lake."""
        df = self.spark.sql(sql).localCheckpoint(eager=True)
        limit = _size_bytes(self.spark.conf.get("spark.sql.autoBroadcastJoinThreshold", "10MB"))
        width = 8 + sum(_WIDTH.get(f.dataType.typeName(), 20) for f in df.schema.fields)
        if limit > 0 and df.count() * width <= limit:
            from pyspark.sql.functions import broadcast

            df = broadcast(df)
        df.createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)

    def arrow(self, sql: str) -> pa.Table:
        out: pa.Table = self.spark.sql(sql).toArrow()
        return out

    def close(self) -> None:
        """Sessions are reused within a process (starting one costs seconds)."""


def _running_session() -> Any:
    """The session of the Spark context running in this process, if any."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    sc = SparkContext._active_spark_context
    if sc is None:
        return None
    return SparkSession.getActiveSession() or SparkSession(sc)


def _differences(sc: Any, master: str, settings: Mapping[str, str]) -> list[str]:
    """What the running context does not match (master, worker Python, static settings)."""
    out = [] if sc.master == master else [f"master {master} (running: {sc.master})"]
    have = sc.getConf()
    for key, value in sorted(settings.items()):
        if key.startswith("spark.sql.") or key in COSMETIC:
            continue  # runtime settings: applied to the running session
        got = sc.pythonExec if key == "spark.pyspark.python" else have.get(key, None)
        if got != value:
            out.append(f"{key}={value} (running: {got if got is not None else 'unset'})")
    return out


def _reuse(session: Any, master: str, settings: Mapping[str, str]) -> Any:
    """The running session if it matches ``master`` and ``settings`` (SQL settings applied to
    it); a :class:`UserError` naming every difference otherwise."""
    differs = _differences(session.sparkContext, master, settings)
    if differs:
        raise UserError(
            "a Spark session already runs in this process with other settings: "
            + "; ".join(differs)
            + " (stop it first, or ask for the same settings)",
            where="--engine spark",
        )
    for key, value in settings.items():
        if key.startswith("spark.sql.") and session.conf.get(key, None) != value:
            try:
                session.conf.set(key, value)
            except Exception as exc:  # a static SQL setting (AnalysisException)
                raise UserError(
                    f"a Spark session already runs in this process and {key} cannot change"
                    f" on it (running: {session.conf.get(key, None)}, asked: {value})",
                    where="--engine spark",
                ) from exc
    return session


# bytes per value as Spark's planner estimates them (text: 20)
_WIDTH = {"long": 8, "double": 8, "integer": 4, "short": 2, "byte": 1, "boolean": 1}
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
          "g": 1 << 30, "gb": 1 << 30, "t": 1 << 40, "tb": 1 << 40}  # fmt: skip


def _size_bytes(text: str) -> int:
    """A Spark size setting ("10485760b", "10MB", "-1") in bytes."""
    found = re.fullmatch(r"\s*(-?\d+)\s*([a-zA-Z]*)\s*", text)
    if not found or found.group(2).lower() not in _UNITS:
        return -1
    return int(found.group(1)) * _UNITS[found.group(2).lower()]


def _ddl(schema: pa.Schema) -> str:
    names = {
        pa.int64(): "BIGINT",
        pa.int32(): "INT",
        pa.string(): "STRING",
        pa.bool_(): "BOOLEAN",
        pa.int16(): "SMALLINT",
    }
    return ", ".join(f"{f.name} {names.get(f.type, 'STRING')}" for f in schema)
