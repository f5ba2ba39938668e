"""Dashboard figures: each capability that has landed contributes its panel."""

from __future__ import annotations

from typing import Any

from nkwatch.service.state import ServiceState


def collect(state: ServiceState) -> dict[str, Any]:
    from nkwatch.intel import router as intel
    from nkwatch.sanctions import router_lists as lists

    store = state.access.view()
    audit_rows = store.query(
        "SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY 2 DESC"
    )
    data: dict[str, Any] = {"audit": [{"action": a, "count": int(n)} for a, n in audit_rows]}
    data["lists"] = [
        {
            "source": f"{v.publisher} ({v.list_id})",
            "version": v.version_id,
            "issued": v.published,
            "entries": v.party_count,
            "addresses": v.address_count,
            "active": v.active,
        }
        for v in lists.versions(state)
    ]
    data.update(intel.dashboard_panels(state))
    return data
