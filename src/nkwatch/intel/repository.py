"""Store adapter for the intel knowledge base: upserts with a change log, and reads.

A batch (bundled data or one imported file) is written in one transaction: either every
record lands, each insert or correction logged with who/when/source, or nothing does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from nkwatch.errors import UserError
from nkwatch.intel.dataset import (
    BUNDLE_NAME,
    actor_from_json,
    actor_to_json,
    load_bundled,
    with_actors,
)
from nkwatch.intel.model import (
    Actor,
    AddressRole,
    Dataset,
    Incident,
    IncidentAddress,
    Statistic,
)
from nkwatch.intel.records import (
    incident_from_row,
    incident_to_row,
    statistic_from_row,
)
from nkwatch.store import Store


@dataclass(frozen=True)
class Batch:
    """Records to add or correct, from one origin (a file name, a TAXII collection...)."""

    origin: str
    incidents: tuple[Incident, ...] = ()
    addresses: tuple[IncidentAddress, ...] = ()
    statistics: tuple[Statistic, ...] = ()
    actors: tuple[Actor, ...] = ()


@dataclass
class SaveReport:
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted({*self.inserted, *self.updated, *self.unchanged})
        parts = [
            f"{k}: {self.inserted.get(k, 0)} new, {self.updated.get(k, 0)} corrected,"
            f" {self.unchanged.get(k, 0)} unchanged"
            for k in kinds
        ]
        return "; ".join(parts) or "nothing to import"


def statistic_to_row(stat: Statistic) -> dict[str, str]:
    return {
        "statistic_id": stat.statistic_id,
        "publisher": stat.publisher,
        "publication_date": stat.publication_date,
        "period": stat.period,
        "metric": stat.metric,
        "value": str(stat.value),
        "revises": stat.revises,
        "source": stat.source,
        "notes": stat.notes,
    }


# Tables and their key column; names come from this constant, never from input.
_TABLES = {
    "actor": ("intel_actor", "actor_id"),
    "incident": ("intel_incident", "incident_id"),
    "statistic": ("intel_statistic", "statistic_id"),
}


def _bulk_insert(store: Store, table: str, columns: list[str], rows: list[list[Any]]) -> None:
    """Insert many rows through one Arrow scan (row-by-row INSERTs are 100x slower)."""
    if not rows:
        return
    data = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
    store.conn.register("_intel_rows", data)
    try:
        store.conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM _intel_rows"  # noqa: S608
        )
    finally:
        store.conn.unregister("_intel_rows")


def _upsert_bodies(
    store: Store,
    kind: str,
    records: list[tuple[str, dict[str, Any], dict[str, Any]]],
    ctx: _Context,
) -> None:
    """Insert new records and replace changed ones; ``records`` is (id, body, extra columns)."""
    if not records:
        return
    table, key = _TABLES[kind]
    ids = [rid for rid, _, _ in records]
    existing = {
        r[0]: json.loads(r[1])
        for r in store.query(
            f"SELECT {key}, body FROM {table} WHERE {key} IN (SELECT unnest(?))",  # noqa: S608
            [ids],
        )
    }
    rows: list[list[Any]] = []
    replaced: list[str] = []
    extra_cols = list(records[0][2])
    for rid, body, extra in records:
        before = existing.get(rid)
        if before == body:
            ctx.report.count(ctx.report.unchanged, kind)
            continue
        if before is not None:
            replaced.append(rid)
        rows.append([rid, json.dumps(body), ctx.origin, ctx.who, *extra.values()])
        ctx.report.count(ctx.report.updated if before else ctx.report.inserted, kind)
        ctx.log(kind, rid, before, body)
    if replaced:
        store.conn.execute(
            f"DELETE FROM {table} WHERE {key} IN (SELECT unnest(?))",  # noqa: S608
            [replaced],
        )
    _bulk_insert(store, table, [key, "body", "origin", "changed_by", *extra_cols], rows)


@dataclass
class _Context:
    origin: str
    who: str
    report: SaveReport
    changes: list[list[Any]] = field(default_factory=list)

    def log(self, kind: str, rid: str, before: Any, after: Any) -> None:
        action = "insert" if before is None else "update"
        self.changes.append(
            [
                self.who,
                self.origin,
                action,
                kind,
                rid,
                None if before is None else json.dumps(before),
                json.dumps(after),
            ]
        )


def _upsert_addresses(store: Store, addresses: tuple[IncidentAddress, ...], ctx: _Context) -> None:
    existing = {
        (r[0], r[1], r[2], r[3]): r[4]
        for r in store.query(
            "SELECT incident_id, chain, address_key, role, source FROM intel_address"
        )
    }
    rows: list[list[Any]] = []
    for a in addresses:
        key = (a.incident_id, a.chain, a.key, a.role.value)
        before = existing.get(key)
        if before == a.source:
            ctx.report.count(ctx.report.unchanged, "address")
            continue
        if before is not None:
            store.conn.execute(
                "DELETE FROM intel_address WHERE incident_id = ? AND chain = ?"
                " AND address_key = ? AND role = ?",
                list(key),
            )
        existing[key] = a.source
        rows.append(
            [a.incident_id, a.chain, a.address, a.key, a.role.value, a.source, ctx.origin, ctx.who]
        )
        ctx.report.count(ctx.report.updated if before else ctx.report.inserted, "address")
        rid = f"{a.incident_id}/{a.chain}/{a.address}/{a.role.value}"
        ctx.log(
            "address", rid, None if before is None else {"source": before}, {"source": a.source}
        )
    cols = [
        "incident_id",
        "chain",
        "address",
        "address_key",
        "role",
        "source",
        "origin",
        "changed_by",
    ]
    _bulk_insert(store, "intel_address", cols, rows)


def save(store: Store, batch: Batch, *, changed_by: str) -> SaveReport:
    """Insert or correct every record of ``batch`` in one transaction, logging each change."""
    ctx = _Context(batch.origin, changed_by, SaveReport())
    with store.transaction():
        _upsert_bodies(
            store, "actor", [(a.actor_id, actor_to_json(a), {}) for a in batch.actors], ctx
        )
        incidents = [
            (
                i.incident_id,
                incident_to_row(i),
                {"theft_date": i.theft_date, "amount_usd": i.amount_usd},
            )
            for i in batch.incidents
        ]
        _upsert_bodies(store, "incident", incidents, ctx)
        stats: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
            (s.statistic_id, statistic_to_row(s), {}) for s in batch.statistics
        ]
        _upsert_bodies(store, "statistic", stats, ctx)
        known = known_incident_ids(store)
        for address in batch.addresses:
            if address.incident_id not in known:
                raise UserError(
                    f"address {address.address!r} names unknown incident {address.incident_id!r}",
                    where=batch.origin,
                )
        _upsert_addresses(store, batch.addresses, ctx)
        cols = ["changed_by", "source", "action", "record_type", "record_id", "before", "after"]
        _bulk_insert(store, "intel_change", cols, ctx.changes)
    return ctx.report


def known_incident_ids(store: Store) -> set[str]:
    return {r[0] for r in store.query("SELECT incident_id FROM intel_incident")}


def ensure_bundled(store: Store) -> bool:
    """Load the shipped dataset once; later corrections are never overwritten. True if loaded."""
    row = store.conn.execute("SELECT value FROM intel_meta WHERE key = 'bundled_loaded'").fetchone()
    if row:
        return False
    data = load_bundled()
    batch = Batch(BUNDLE_NAME, data.incidents, data.addresses, data.statistics, data.actors)
    with store.transaction():
        save(store, batch, changed_by="nkwatch")
        store.conn.execute("INSERT INTO intel_meta VALUES ('bundled_loaded', now()::VARCHAR)")
    return True


def load_dataset(store: Store) -> Dataset:
    """Everything in the store as one :class:`Dataset` (actors resolved on read)."""
    actors = tuple(
        actor_from_json(json.loads(r[0]))
        for r in store.query("SELECT body FROM intel_actor ORDER BY rowid")
    )
    incidents = [
        incident_from_row(json.loads(r[1]), f"store:{r[0]}")
        for r in store.query("SELECT incident_id, body FROM intel_incident ORDER BY incident_id")
    ]
    stats: tuple[Statistic, ...] = tuple(
        statistic_from_row(json.loads(r[1]), f"store:{r[0]}")
        for r in store.query("SELECT statistic_id, body FROM intel_statistic ORDER BY rowid")
    )
    addresses = tuple(
        IncidentAddress(r[0], r[1], r[2], AddressRole(r[3]), r[4])
        for r in store.query(
            "SELECT incident_id, chain, address, role, source FROM intel_address ORDER BY rowid"
        )
    )
    return Dataset(with_actors(incidents, actors), addresses, stats, actors)


def changes(store: Store, record_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The change log, newest first: who changed what, when, from which source."""
    sql = "SELECT changed_at, changed_by, source, action, record_type, record_id FROM intel_change"
    params: list[Any] = []
    if record_id:
        sql += " WHERE record_id = ? OR record_id LIKE ?"
        params += [record_id, record_id + "/%"]
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    cols = ("changed_at", "changed_by", "source", "action", "record_type", "record_id")
    return [dict(zip(cols, r, strict=True)) for r in store.query(sql, params)]
