"""Dashboard figures: each capability that has landed contributes its panel."""

from __future__ import annotations

from typing import Any

from nkwatch import capabilities
from nkwatch.service.state import ServiceState


def collect(state: ServiceState) -> dict[str, Any]:
    """The host's audit panel, then each installed capability's declared panels."""
    store = state.access.view()
    audit_rows = store.query(
        "SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY 2 DESC"
    )
    data: dict[str, Any] = {"audit": [{"action": a, "count": int(n)} for a, n in audit_rows]}
    for cap in capabilities.load():
        if capabilities.installed(cap):
            for target in cap.dashboard:
                data.update(capabilities.resolve(target)(state))
    return data
