"""Dashboard figures gathered from the store (each capability adds its panel here)."""

from __future__ import annotations

from typing import Any

from nkwatch.store import Store


def collect(store: Store) -> dict[str, Any]:
    audit_rows = store.query(
        "SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY 2 DESC"
    )
    return {"audit": [{"action": a, "count": int(n)} for a, n in audit_rows]}
