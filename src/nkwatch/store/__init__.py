"""Shared storage adapter: one embedded DuckDB file with versioned migrations.

Exports load lazily: reading the store's manifest (every CLI start) must not import DuckDB.
"""

from typing import TYPE_CHECKING

from nkwatch.capability import lazy_exports

if TYPE_CHECKING:
    from nkwatch.store.db import Store, open_store

__all__ = ["Store", "open_store"]
__getattr__ = lazy_exports(
    __name__, {"Store": "nkwatch.store.db", "open_store": "nkwatch.store.db"}
)
