"""Everything one running service holds, created in the app's lifespan (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from nkwatch.service.access import StoreAccess
from nkwatch.service.auditlog import AuditWriter
from nkwatch.service.auth import KeyCache
from nkwatch.service.config import ServiceConfig
from nkwatch.service.jobs import JobManager
from nkwatch.service.security import LoginThrottle
from nkwatch.service.segments import SegmentIngester
from nkwatch.settings import Settings


@dataclass
class ServiceState:
    settings: Settings
    config: ServiceConfig
    access: StoreAccess
    keys: KeyCache
    audit: AuditWriter
    jobs: JobManager
    cache: dict[str, Any]  # capability indexes built once (e.g. the screening index)
    ingester: SegmentIngester | None = None  # set when worker processes write audit segments
    throttle: LoginThrottle = field(default_factory=LoginThrottle)  # failed web logins

    def drain_audit(self) -> None:
        """Before reading the audit log: pull in every entry the workers have answered."""
        if self.ingester is not None:
            self.ingester.drain()

    def close(self) -> None:
        self.jobs.shutdown()
        self.audit.close()
        self.access.close()


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.nk
    return state
