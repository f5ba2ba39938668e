"""Hiring screening: DPRK IT-worker indicators and linking of applications to one operator.

The public API other units use; every name loads on first use (PEP 562).
"""

from typing import TYPE_CHECKING

from nkwatch.capability import lazy_exports

if TYPE_CHECKING:
    from nkwatch.hiring.importers import read_applicants
    from nkwatch.hiring.model import Dataset
    from nkwatch.hiring.refdata import ReferenceData
    from nkwatch.hiring.screening import ScreeningOptions, ScreeningResult, screen

_EXPORTS = {
    "Dataset": "nkwatch.hiring.model",
    "read_applicants": "nkwatch.hiring.importers",
    "ReferenceData": "nkwatch.hiring.refdata",
    "ScreeningOptions": "nkwatch.hiring.screening",
    "ScreeningResult": "nkwatch.hiring.screening",
    "screen": "nkwatch.hiring.screening",
}
__all__ = [
    "Dataset",
    "ReferenceData",
    "ScreeningOptions",
    "ScreeningResult",
    "read_applicants",
    "screen",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
