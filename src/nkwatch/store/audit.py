"""Append-only audit log of screening decisions (who, when, what, result, list versions)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nkwatch.store.db import Store


@dataclass(frozen=True)
class AuditRecord:
    """One audited decision: the value every audit sink appends (the store's ``audit_log``,
    the service's group-commit writer and per-worker segments, the watch's audit sink)."""

    actor: str
    action: str
    query: Mapping[str, Any]
    result: Mapping[str, Any]
    list_versions: Sequence[str]

    def columns(self) -> list[Any]:
        """``audit_log`` (actor, action, query, result, list_versions) as the store keeps them."""
        return [
            self.actor,
            self.action,
            json.dumps(self.query, ensure_ascii=False, default=str),
            json.dumps(self.result, ensure_ascii=False, default=str),
            list(self.list_versions),
        ]


@dataclass(frozen=True)
class AuditEntry(AuditRecord):
    """A stored record: its id and time in the log."""

    id: int
    occurred_at: datetime


def append(store: Store, entry: AuditRecord) -> int:
    """Append one decision; returns its id. Rows are never updated or deleted."""
    row = store.conn.execute(
        "INSERT INTO audit_log (actor, action, query, result, list_versions)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        entry.columns(),
    ).fetchone()
    assert row is not None
    return int(row[0])


def record(
    store: Store,
    *,
    actor: str,
    action: str,
    query: Mapping[str, Any],
    result: Mapping[str, Any],
    list_versions: Sequence[str],
) -> int:
    """:func:`append` of the record these fields make."""
    return append(store, AuditRecord(actor, action, query, result, list_versions))


_COLUMNS = "id, occurred_at, actor, action, query, result, list_versions"
RawRow = tuple[Any, ...]  # audit_log columns as stored (query/result: JSON text)


def _where(action: str | None) -> tuple[str, list[Any]]:
    return (" WHERE action = ?", [action]) if action else ("", [])


def count(store: Store, *, action: str | None = None) -> int:
    where, params = _where(action)
    return int(store.query(f"SELECT count(*) FROM audit_log{where}", params)[0][0])  # noqa: S608


def page(store: Store, *, limit: int, offset: int = 0, action: str | None = None) -> list[RawRow]:
    """Stored rows, newest first."""
    where, params = _where(action)
    return store.query(
        f"SELECT {_COLUMNS} FROM audit_log{where} ORDER BY id DESC LIMIT ? OFFSET ?",  # noqa: S608
        [*params, limit, offset],
    )


def export_rows(
    store: Store, *, action: str | None = None, batch: int = 1000
) -> Iterator[list[RawRow]]:
    """Every stored row, oldest first, in batches from a cursor of its own (for streaming)."""
    where, params = _where(action)
    cursor = store.conn.cursor()
    try:
        cursor.execute(f"SELECT {_COLUMNS} FROM audit_log{where} ORDER BY id", params)  # noqa: S608
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def action_counts(store: Store) -> list[tuple[str, int]]:
    rows = store.query("SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY 2 DESC")
    return [(str(a), int(n)) for a, n in rows]


def entry(r: RawRow) -> AuditEntry:
    return AuditEntry(actor=r[2], action=r[3], query=json.loads(r[4]), result=json.loads(r[5]),
                      list_versions=list(r[6]), id=int(r[0]), occurred_at=r[1])  # fmt: skip


BULK_ROWS = 1000  # rows per statement: one DuckDB vector, numbered in the order given


def append_many(store: Store, records: Sequence[AuditRecord]) -> None:
    """Append many records in the order given, as :func:`append` would one by one, in a few
    statements: a per-row INSERT costs milliseconds, which is most of a 2,000-row batch."""
    for start in range(0, len(records), BULK_ROWS):
        rows = [r.columns() for r in records[start : start + BULK_ROWS]]
        store.conn.execute(
            "INSERT INTO audit_log (actor, action, query, result, list_versions)"
            " SELECT a, c, q, r, v FROM (SELECT unnest(?) AS i, unnest(?) AS a, unnest(?) AS c,"
            " unnest(?) AS q, unnest(?) AS r, unnest(?) AS v) ORDER BY i",
            [list(range(len(rows))), *([row[k] for row in rows] for k in range(5))],
        )


def record_many(
    store: Store,
    *,
    actor: str,
    action: str,
    decisions: Sequence[tuple[Mapping[str, Any], Mapping[str, Any], Sequence[str]]],
) -> None:
    """:func:`append_many` of one actor's decisions (query, result, list versions)."""
    append_many(store, [AuditRecord(actor, action, q, r, v) for q, r, v in decisions])


def entries(store: Store, *, limit: int = 100, action: str | None = None) -> list[AuditEntry]:
    return [entry(r) for r in page(store, limit=limit, action=action)]
