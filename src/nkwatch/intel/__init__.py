"""Threat-intel knowledge base: DPRK incidents, actors, addresses and published figures.

The public API other capabilities use (``from nkwatch.intel import Dataset``); every name
loads on first use (PEP 562), so importing the package costs nothing.
"""

from typing import TYPE_CHECKING

from nkwatch.capability import lazy_exports

if TYPE_CHECKING:
    from nkwatch.intel.model import (
        Actor,
        AddressRole,
        Dataset,
        Incident,
        IncidentAddress,
        address_key,
    )
    from nkwatch.intel.repository import ensure_bundled, load_dataset

_EXPORTS = {
    "Actor": "nkwatch.intel.model",
    "AddressRole": "nkwatch.intel.model",
    "Dataset": "nkwatch.intel.model",
    "Incident": "nkwatch.intel.model",
    "IncidentAddress": "nkwatch.intel.model",
    "address_key": "nkwatch.intel.model",
    "ensure_bundled": "nkwatch.intel.repository",
    "load_dataset": "nkwatch.intel.repository",
}
__all__ = [
    "Actor",
    "AddressRole",
    "Dataset",
    "Incident",
    "IncidentAddress",
    "address_key",
    "ensure_bundled",
    "load_dataset",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
