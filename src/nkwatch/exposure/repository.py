"""Store adapter for stored exposure runs (tables from migration 0460_exposure_runs)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nkwatch.exposure.model import ExposureResult
from nkwatch.store import Store


@dataclass(frozen=True)
class StoredRun:
    """One run as the Exposure page shows it: counts by decision and the results that matter."""

    run_id: int
    name: str
    created_at: datetime
    chain: str
    source: str
    policy: str
    max_hops: int
    list_versions: tuple[str, ...]
    decisions: dict[str, int]
    flagged: tuple[dict[str, Any], ...]  # non-allow results (ExposureResult.to_json), worst first


def run_id(store: Store, name: str) -> int | None:
    rows = store.query("SELECT id FROM exposure_run WHERE name = ?", [name])
    return int(rows[0][0]) if rows else None


def save_run(
    store: Store,
    name: str,
    *,
    source: str,
    results: list[ExposureResult],
    list_versions: tuple[str, ...],
) -> int:
    """Persist a run and each subject's result in one transaction; returns the run id."""
    first = results[0] if results else None
    with store.transaction() as conn:
        row = conn.execute(
            "INSERT INTO exposure_run (name, chain, source, policy, max_hops, list_versions)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [name, first.chain if first else "", source, first.policy if first else "",
             first.max_hops if first else 0, list(list_versions)],
        ).fetchone()  # fmt: skip
        assert row is not None
        rid = int(row[0])
        conn.executemany(
            "INSERT INTO exposure_result (run_id, subject, decision, dprk_share, result)"
            " VALUES (?, ?, ?, ?, ?)",
            [[rid, r.subject, r.decision.value, r.dprk_share, json.dumps(r.to_json())]
             for r in results],
        )  # fmt: skip
    return rid


def latest_runs(store: Store, *, limit: int = 5, flagged: int = 50) -> list[StoredRun]:
    """The newest runs, each with its decision counts and up to ``flagged`` non-allow results."""
    runs = store.query(
        "SELECT id, name, created_at, chain, source, policy, max_hops, list_versions"
        " FROM exposure_run ORDER BY id DESC LIMIT ?",
        [limit],
    )
    out: list[StoredRun] = []
    for rid, name, created, chain, source, policy, hops, versions in runs:
        counts = store.query(
            "SELECT decision, count(*) FROM exposure_result WHERE run_id = ? GROUP BY 1", [rid]
        )
        worst = store.query(
            "SELECT result FROM exposure_result WHERE run_id = ? AND decision <> 'allow'"
            " ORDER BY decision = 'block' DESC, dprk_share DESC, subject LIMIT ?",
            [rid, flagged],
        )
        out.append(
            StoredRun(
                run_id=int(rid),
                name=name,
                created_at=created,
                chain=chain,
                source=source,
                policy=policy,
                max_hops=int(hops),
                list_versions=tuple(versions),
                decisions=dict(Counter({str(d): int(n) for d, n in counts})),
                flagged=tuple(json.loads(r[0]) for r in worst),
            )
        )
    return out
