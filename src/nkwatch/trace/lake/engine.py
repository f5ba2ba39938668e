"""One engine interface over the lake: DuckDB on one machine, Spark on a cluster.

The stages (``stages``) are written once as SQL over a few named tables; an engine only
knows how to expose the lake's files as a table, hold a small driver-side Arrow table as a
table, materialise a query under a name (Spark: checkpointed, so an expansion's lineage
does not grow hop by hop) and return a query's rows as Arrow. ``dialect`` names the few
spellings that differ (exact wide integers, integer division).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pyarrow as pa

from nkwatch.errors import UserError

ENGINES = ("local", "spark")


class Engine(Protocol):
    name: str
    dialect: str  # "duckdb" | "spark"

    def lake_table(self, name: str, files: list[str]) -> None: ...

    def arrow_table(self, name: str, table: pa.Table) -> None: ...

    def materialise(self, name: str, sql: str) -> None: ...

    def view(self, name: str, sql: str) -> None: ...

    def arrow(self, sql: str) -> pa.Table: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class EngineConfig:
    """Which engine and how to reach it (settings, env, then CLI flags)."""

    name: str = "local"
    spark_master: str = "local[*]"
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    threads: int | None = None  # local engine: DuckDB threads (None: DuckDB's default)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], engine: str | None = None, master: str | None = None,
        conf: tuple[str, ...] = (),
    ) -> EngineConfig:  # fmt: skip
        """``NKWATCH_ENGINE``, ``NKWATCH_SPARK_MASTER``, ``NKWATCH_SPARK_CONF`` (k=v,k=v) and
        ``--spark-conf k=v`` options (``spark.*`` keys only), flags over env."""
        name = engine or env.get("NKWATCH_ENGINE", "local")
        if name not in ENGINES:
            raise UserError(
                f"unknown engine {name!r} (known: {', '.join(ENGINES)})", where="--engine"
            )
        pairs = [p for p in env.get("NKWATCH_SPARK_CONF", "").split(",") if p.strip()]
        settings: dict[str, str] = {}
        for pair in [*pairs, *conf]:
            key, sep, value = pair.partition("=")
            key = key.strip()
            if not sep or not key.startswith("spark."):
                raise UserError(f"expected spark.KEY=VALUE, got {pair!r}", where="--spark-conf")
            settings[key] = value.strip()
        return cls(name, master or env.get("NKWATCH_SPARK_MASTER", "local[*]"), settings)


class LocalEngine:
    """DuckDB in this process, reading the lake's Parquet files directly."""

    name = "local"
    dialect = "duckdb"

    def __init__(self, threads: int | None = None) -> None:
        import duckdb

        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")
        self._arrow: dict[str, pa.Table] = {}

    def lake_table(self, name: str, files: list[str]) -> None:
        if not files:
            raise UserError("the lake holds no such data: import some first", where="lake")
        listed = ", ".join(
            "'" + f.replace("'", "''") + "'" for f in files
        )  # views take no parameters
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet([{listed}])"  # noqa: S608
        )

    def arrow_table(self, name: str, table: pa.Table) -> None:
        self._arrow[name] = table
        self.con.register(f"_nk_{name}", table)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _nk_{name}")  # noqa: S608
        self.con.unregister(f"_nk_{name}")

    def materialise(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()


def open_engine(config: EngineConfig) -> Engine:
    if config.name == "spark":
        from nkwatch.trace.lake.spark import SparkEngine

        return SparkEngine.start(config.spark_master, config.spark_conf)
    return LocalEngine(config.threads)
