"""One router per capability. Each module exposes ``router`` and is listed in ``ROUTERS``.

A capability's router is listed here once its core exists; the app includes them all the
same way, so a new capability is one line.
"""

from __future__ import annotations

ROUTERS: tuple[str, ...] = (
    "nkwatch.service.routers.health",
    "nkwatch.service.routers.access",
    "nkwatch.service.routers.audit",
    "nkwatch.service.routers.jobs",
    "nkwatch.service.routers.screening",
    "nkwatch.service.routers.batch",
    "nkwatch.service.routers.lists",
    "nkwatch.service.routers.intel",
    "nkwatch.service.web.screening_pages",
    "nkwatch.service.routers.hiring",
    "nkwatch.service.web.hiring_pages",
    "nkwatch.service.routers.trace",
    "nkwatch.service.web.trace_pages",
    "nkwatch.service.routers.exposure",
    "nkwatch.service.web.exposure_pages",
    "nkwatch.service.web.intel_pages",
)
