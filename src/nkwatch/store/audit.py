"""Append-only audit log of screening decisions (who, when, what, result, list versions)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nkwatch.store.db import Store


@dataclass(frozen=True)
class AuditEntry:
    id: int
    occurred_at: datetime
    actor: str
    action: str
    query: dict[str, Any]
    result: dict[str, Any]
    list_versions: list[str]


def record(
    store: Store,
    *,
    actor: str,
    action: str,
    query: Mapping[str, Any],
    result: Mapping[str, Any],
    list_versions: Sequence[str],
) -> int:
    """Append one decision; returns its id. Rows are never updated or deleted."""
    row = store.conn.execute(
        "INSERT INTO audit_log (actor, action, query, result, list_versions)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        [
            actor,
            action,
            json.dumps(query, ensure_ascii=False, default=str),
            json.dumps(result, ensure_ascii=False, default=str),
            list(list_versions),
        ],
    ).fetchone()
    assert row is not None
    return int(row[0])


BULK_ROWS = 1000  # rows per statement: one DuckDB vector, numbered in the order given


def record_many(
    store: Store,
    *,
    actor: str,
    action: str,
    decisions: Sequence[tuple[Mapping[str, Any], Mapping[str, Any], Sequence[str]]],
) -> None:
    """Append many decisions (query, result, list versions) in the order given, as ``record``
    would one by one, in a few statements: a per-row INSERT costs milliseconds, which is
    most of a 2,000-row batch screen."""
    for start in range(0, len(decisions), BULK_ROWS):
        chunk = decisions[start : start + BULK_ROWS]
        store.conn.execute(
            "INSERT INTO audit_log (actor, action, query, result, list_versions)"
            " SELECT ?, ?, q, r, v FROM (SELECT unnest(?) AS i, unnest(?) AS q,"
            " unnest(?) AS r, unnest(?) AS v) ORDER BY i",
            [
                actor,
                action,
                list(range(len(chunk))),
                [json.dumps(q, ensure_ascii=False, default=str) for q, _, _ in chunk],
                [json.dumps(r, ensure_ascii=False, default=str) for _, r, _ in chunk],
                [list(v) for _, _, v in chunk],
            ],
        )


def entries(store: Store, *, limit: int = 100, action: str | None = None) -> list[AuditEntry]:
    sql = "SELECT id, occurred_at, actor, action, query, result, list_versions FROM audit_log"
    params: list[Any] = []
    if action is not None:
        sql += " WHERE action = ?"
        params.append(action)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [
        AuditEntry(int(r[0]), r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]), list(r[6]))
        for r in store.query(sql, params)
    ]
