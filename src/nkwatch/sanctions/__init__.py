"""Sanctions screening: list parsing, list versions, name and crypto-address screening.

The public API other capabilities use (``from nkwatch.sanctions import Screener``); every
name loads on first use (PEP 562), so importing the package costs nothing.
"""

from typing import TYPE_CHECKING

from nkwatch.capability import lazy_exports

if TYPE_CHECKING:
    from nkwatch.sanctions.addresses import AddressIndex, build_index
    from nkwatch.sanctions.indexfiles import open_name_index
    from nkwatch.sanctions.model import Identifier, Party, Relationship, Schema
    from nkwatch.sanctions.names import NameIndex, NameQuery
    from nkwatch.sanctions.repository import (
        ListVersion,
        LoadedLists,
        ensure_bundled,
        list_versions,
        load_active,
    )
    from nkwatch.sanctions.router_screen import (
        AddressRequest,
        NameRequest,
        name_query,
        result_out,
        sanctions_by_address,
    )
    from nkwatch.sanctions.screening import Screener, ScreeningResult
    from nkwatch.sanctions.service import (
        DEFAULT_CACHE,
        LazyNameIndex,
        ScreenerCache,
        decision_summary,
    )

_EXPORTS = {
    "AddressIndex": "nkwatch.sanctions.addresses",
    "build_index": "nkwatch.sanctions.addresses",
    "open_name_index": "nkwatch.sanctions.indexfiles",
    "Identifier": "nkwatch.sanctions.model",
    "Party": "nkwatch.sanctions.model",
    "Relationship": "nkwatch.sanctions.model",
    "Schema": "nkwatch.sanctions.model",
    "NameIndex": "nkwatch.sanctions.names",
    "NameQuery": "nkwatch.sanctions.names",
    "ListVersion": "nkwatch.sanctions.repository",
    "LoadedLists": "nkwatch.sanctions.repository",
    "ensure_bundled": "nkwatch.sanctions.repository",
    "list_versions": "nkwatch.sanctions.repository",
    "load_active": "nkwatch.sanctions.repository",
    "sanctions_by_address": "nkwatch.sanctions.router_screen",
    "AddressRequest": "nkwatch.sanctions.router_screen",
    "NameRequest": "nkwatch.sanctions.router_screen",
    "name_query": "nkwatch.sanctions.router_screen",
    "result_out": "nkwatch.sanctions.router_screen",
    "Screener": "nkwatch.sanctions.screening",
    "ScreeningResult": "nkwatch.sanctions.screening",
    "DEFAULT_CACHE": "nkwatch.sanctions.service",
    "LazyNameIndex": "nkwatch.sanctions.service",
    "ScreenerCache": "nkwatch.sanctions.service",
    "decision_summary": "nkwatch.sanctions.service",
}
__all__ = [
    "AddressIndex",
    "build_index",
    "AddressRequest",
    "DEFAULT_CACHE",
    "Identifier",
    "LazyNameIndex",
    "ListVersion",
    "LoadedLists",
    "NameIndex",
    "NameQuery",
    "NameRequest",
    "Party",
    "Relationship",
    "Schema",
    "Screener",
    "ScreenerCache",
    "ScreeningResult",
    "decision_summary",
    "ensure_bundled",
    "list_versions",
    "load_active",
    "name_query",
    "open_name_index",
    "result_out",
    "sanctions_by_address",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
