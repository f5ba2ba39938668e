"""Service configuration: one frozen value built at the edge (``nkwatch serve`` or a test)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceConfig:
    """How the one store-owning process serves HTTP.

    ``workers`` is the number of threads that run store and screening work: DuckDB allows
    one read-write process, so the service is one process that owns the store and fans
    blocking work out to a bounded thread pool (see docs/service.md).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    max_body_bytes: int = 5 * 1024 * 1024
    max_json_bytes: int = 256 * 1024
    request_timeout_s: float = 30.0
    session_ttl_s: int = 8 * 3600
    secure_cookies: bool | None = None  # None: Secure when the request came over https
    max_batch_rows: int = 10_000
    access_log: bool = False
    warm_indexes: bool = True  # build the name index at start-up, not on the first query
