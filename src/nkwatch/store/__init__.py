"""Shared storage adapter: one embedded DuckDB file with versioned migrations."""

from nkwatch.store.db import Store, open_store

__all__ = ["Store", "open_store"]
