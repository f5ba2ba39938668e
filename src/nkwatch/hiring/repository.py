"""Store adapter for hiring screening runs (tables from migration 0500_hiring)."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from nkwatch.errors import NotFoundError
from nkwatch.hiring.report import FAIRNESS, cluster_json, person_json, summary
from nkwatch.hiring.screening import ScreeningResult
from nkwatch.store import Store, audit


def save(
    store: Store,
    result: ScreeningResult,
    *,
    source: str,
    sha256: str,
    actor: str = "cli",
    audited: bool = True,
) -> int:
    """Persist one run in a single transaction; returns the screening id.

    ``audited=False`` only for the bundled example book: shipped data, not a user's decision.
    """
    with store.transaction() as conn:
        row = conn.execute(
            "INSERT INTO hiring_screening (source, source_sha256, summary, sanctions_versions)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            [source, sha256, json.dumps(summary(result)), list(result.sanctions_versions)],
        ).fetchone()
        assert row is not None
        sid = int(row[0])
        people = list(result.people.values())
        persons = pa.table(
            {
                "screening_id": [sid] * len(people),
                "person_id": [p.person_id for p in people],
                "level": [p.level.value for p in people],
                "score": [p.score for p in people],
                "cluster_id": [p.cluster_id for p in people],
                "report": [
                    json.dumps(person_json(p), ensure_ascii=False) if p.hits else None
                    for p in people
                ],
            }
        )
        conn.register("hiring_persons_in", persons)
        conn.execute("INSERT INTO hiring_person_result SELECT * FROM hiring_persons_in")
        conn.unregister("hiring_persons_in")
        clusters = pa.table(
            {
                "screening_id": [sid] * len(result.clusters),
                "cluster_id": [c.cluster.id for c in result.clusters],
                "level": [c.level.value for c in result.clusters],
                "size": [len(c.cluster.members) for c in result.clusters],
                "report": [
                    json.dumps(cluster_json(c), ensure_ascii=False) for c in result.clusters
                ],
            }
        )
        conn.register("hiring_clusters_in", clusters)
        conn.execute("INSERT INTO hiring_cluster SELECT * FROM hiring_clusters_in")
        conn.unregister("hiring_clusters_in")
        errors = [
            [sid, e.source, e.row, e.record_id, e.field, e.message, e.fatal, e.raw_preview]
            for e in result.errors
        ]
        if errors:
            conn.executemany(
                "INSERT INTO hiring_record_error VALUES (?, ?, ?, ?, ?, ?, ?, ?)", errors
            )
        if audited:
            audit.record(
                store,
                actor=actor,
                action="hiring.screen",
                query={"source": source, "sha256": sha256},
                result={"screening_id": sid, **summary(result)["levels"]},
                list_versions=result.sanctions_versions,
            )
    return sid


def screening_ids(store: Store, *, source: str | None = None, limit: int = 20) -> list[int]:
    """Ids of the newest stored runs (of one source when given), newest first."""
    rows = store.query(
        "SELECT id FROM hiring_screening WHERE ? IS NULL OR source = ? ORDER BY id DESC LIMIT ?",
        [source, source, limit],
    )
    return [int(r[0]) for r in rows]


def load_doc(store: Store, sid: int) -> dict[str, Any]:
    """A stored run as the review document a fresh run shows (``report.to_json`` shape)."""
    meta = store.query("SELECT source, summary FROM hiring_screening WHERE id = ?", [sid])
    if not meta:
        raise NotFoundError(f"no hiring screening with id {sid}")
    people = store.query(
        "SELECT report FROM hiring_person_result WHERE screening_id = ? AND report IS NOT NULL"
        " ORDER BY score DESC, person_id",
        [sid],
    )
    clusters = store.query(
        "SELECT report FROM hiring_cluster WHERE screening_id = ? ORDER BY cluster_id", [sid]
    )
    errors = store.query(
        "SELECT source, row_no, record_id, field, message, fatal, raw_preview"
        " FROM hiring_record_error WHERE screening_id = ? ORDER BY row_no",
        [sid],
    )
    keys = ("source", "row", "record_id", "field", "message", "fatal", "raw_preview")
    return {
        "screening_id": sid,
        "source": meta[0][0],
        "summary": json.loads(meta[0][1]),
        "note": FAIRNESS,
        "people": [json.loads(r[0]) for r in people],
        "clusters": [json.loads(r[0]) for r in clusters],
        "errors": [dict(zip(keys, e, strict=True)) for e in errors],
    }


def latest_screening(store: Store) -> int:
    row = store.query("SELECT max(id) FROM hiring_screening")
    if not row or row[0][0] is None:
        raise NotFoundError("no hiring screening stored yet; run `nkwatch hiring screen FILE`")
    return int(row[0][0])


def lookup(store: Store, item_id: str, screening_id: int | None = None) -> dict[str, Any]:
    """A person's or a cluster's stored report (latest run unless ``screening_id``)."""
    sid = screening_id if screening_id is not None else latest_screening(store)
    meta = store.query("SELECT created_at, source FROM hiring_screening WHERE id = ?", [sid])
    if not meta:
        raise NotFoundError(f"no hiring screening with id {sid}")
    run = {"screening_id": sid, "screened_at": str(meta[0][0]), "source": meta[0][1]}
    rows = store.query(
        "SELECT report FROM hiring_cluster WHERE screening_id = ? AND cluster_id = ?",
        [sid, item_id],
    )
    if rows:
        return {"kind": "cluster", **run, **json.loads(rows[0][0])}
    rows = store.query(
        "SELECT level, score, cluster_id, report FROM hiring_person_result"
        " WHERE screening_id = ? AND person_id = ?",
        [sid, item_id],
    )
    if rows:
        level, score, cluster_id, report = rows[0]
        body = (
            json.loads(report)
            if report
            else {
                "id": item_id,
                "score": score,
                "level": level,
                "cluster": cluster_id,
                "indicators": [],
                "verify": [],
            }
        )
        return {"kind": "person", **run, **body}
    errors = store.query(
        "SELECT source, row_no, message FROM hiring_record_error WHERE"
        " screening_id = ? AND record_id = ? AND fatal",
        [sid, item_id],
    )
    if errors:
        return {
            "kind": "rejected",
            **run,
            "id": item_id,
            "errors": [{"source": e[0], "row": e[1], "message": e[2]} for e in errors],
        }
    raise NotFoundError(f"no person or cluster {item_id!r} in hiring screening {sid}")
