"""Dashboard figures: each capability that has landed contributes its panel."""

from __future__ import annotations

from typing import Any

from nkwatch import capabilities
from nkwatch.service.state import ServiceState
from nkwatch.store import audit


def collect(state: ServiceState) -> dict[str, Any]:
    """The host's audit panel, then each installed capability's declared panels."""
    counts = audit.action_counts(state.access.view())
    data: dict[str, Any] = {"audit": [{"action": a, "count": n} for a, n in counts]}
    for cap in capabilities.load():
        if capabilities.installed(cap):
            for target in cap.dashboard:
                data.update(capabilities.resolve(target)(state))
    return data
