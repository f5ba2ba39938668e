"""Service configuration: one frozen value built at the edge (``nkwatch serve`` or a test)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceConfig:
    """How the service serves HTTP.

    ``workers``: under ``nkwatch serve``, the number of HTTP worker processes on the public
    port (each with its own screening indexes); DuckDB allows one read-write process, so a
    separate owner process holds the store and runs blocking store work on that many
    threads (see docs/service.md). In-process (tests) only the thread count.
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
    key_cache_ttl_s: float = 5.0  # workers: a revoked key stops working within this time
    list_poll_s: float = 1.0  # workers: how often they check for new active list versions
    store_threads: int = 1  # owner behind workers: DuckDB threads (0: DuckDB's default)
    # Owner behind workers: how much lower than the workers' its request handling runs
    # (nice steps, Linux), so screening keeps its latency when the cores are saturated.
    owner_nice: int = 5
    # Comma-separated addresses of reverse proxies (TLS terminators) whose X-Forwarded-For /
    # X-Forwarded-Proto are believed; empty: none, the connection itself says http or https.
    trusted_proxies: str = ""
    # Workers: "write" answers once the audit entry is written to the segment (survives a
    # killed process; synced every 20 ms, so a power cut loses at most that window);
    # "sync" answers only after the entry's fdatasync (power-cut safe, the disk's latency).
    audit_sync: str = "write"
