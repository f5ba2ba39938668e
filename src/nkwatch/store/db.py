"""The embedded DuckDB store.

One file, one writer: DuckDB itself refuses a second read-write process, and we report
that as a clear :class:`StoreBusyError`. Schema changes are numbered SQL files, the core
ones in ``store/migrations`` and each capability's in its own ``<capability>/migrations``
(named by its manifest; ranges: 0001-0099 core, 0100 sanctions, 0200 intel, 0300 trace,
0400 exposure, 0500 hiring, 0600 service), gathered from every capability, applied in global
version order and recorded.
Imports run inside :meth:`Store.transaction`, so a failure leaves the store as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from nkwatch import capabilities
from nkwatch.errors import StoreBusyError, UserError
from nkwatch.settings import Settings

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The migrations of every capability (built-in and plug-in), in version order."""
    found: list[Migration] = []
    owner: dict[int, str] = {}
    for cap in capabilities.load():
        if cap.migrations is None:
            continue
        for entry in resources.files(cap.migrations).iterdir():
            match = _MIGRATION_NAME.match(entry.name)
            if not match:
                continue
            version = int(match.group(1))
            if version in owner:
                raise capabilities.CapabilityLoadError(
                    f"migration {version:04d} is shipped by {owner[version]!r} and {cap.name!r}"
                )
            owner[version] = cap.name
            found.append(Migration(version, match.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    return found


class Store:
    """A DuckDB connection plus the project's conventions (migrations, transactions)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self._in_tx = False

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply pending migrations atomically; returns the versions applied."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        rows = self.conn.execute("SELECT version FROM schema_migrations").fetchall()
        done = {int(r[0]) for r in rows}
        applied: list[int] = []
        for migration in load_migrations():
            if migration.version in done:
                continue
            with self.transaction():
                self.conn.execute(migration.sql)
                self.conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [migration.version, migration.name],
                )
            applied.append(migration.version)
        return applied

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    # -- transactions ----------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing block; nested use joins the outer transaction."""
        if self._in_tx:
            yield self.conn
            return
        self.conn.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._in_tx = False

    # -- convenience -----------------------------------------------------------------
    def query(
        self, sql: str, params: list[Any] | tuple[Any, ...] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run parameterised SQL and fetch all rows. Never format user values into ``sql``."""
        return self.conn.execute(sql, params or []).fetchall()


def open_store(settings: Settings, *, read_only: bool = False, migrate: bool = True) -> Store:
    """Open (creating if needed) the store named by the settings and bring its schema up to date."""
    path = settings.db_path
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(
                f"cannot create store directory: {exc.strerror}", where=str(path.parent)
            ) from exc
    elif not path.exists():
        raise UserError("store does not exist", where=str(path))
    try:
        conn = duckdb.connect(str(path), read_only=read_only)
    except duckdb.ResourceInUseException as exc:
        raise StoreBusyError("store is in use by another nkwatch process", where=str(path)) from exc
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreBusyError(
                "store is in use by another nkwatch process", where=str(path)
            ) from exc
        raise UserError(f"cannot open store: {text.splitlines()[0]}", where=str(path)) from exc
    except duckdb.Error as exc:
        raise UserError(
            f"not a usable nkwatch store: {str(exc).splitlines()[0]}", where=str(path)
        ) from exc
    store = Store(conn, path, read_only)
    if migrate and not read_only:
        store.migrate()
    return store
