"""The store's contribution: its core schema (0001-0099) and ``nkwatch store``."""

from __future__ import annotations

from nkwatch.capability import Capability, Command

CAPABILITY = Capability(
    name="store",
    summary="The embedded DuckDB store: core schema and inspection.",
    commands=(Command("store", "nkwatch.store.cli:store_group", "Inspect the embedded store."),),
    migrations="nkwatch.store.migrations",
)
