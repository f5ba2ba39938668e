"""Exposure screening and live watch: how much of a deposit comes from DPRK-linked sources.

The public API other units use; every name loads on first use (PEP 562).
"""

from typing import TYPE_CHECKING

from nkwatch.capability import lazy_exports

if TYPE_CHECKING:
    from nkwatch.exposure.batch import screen_deposits
    from nkwatch.exposure.model import Decision, ExposureResult
    from nkwatch.exposure.service import ExposureConfig, ExposureService

_EXPORTS = {
    "ExposureConfig": "nkwatch.exposure.service",
    "ExposureService": "nkwatch.exposure.service",
    "Decision": "nkwatch.exposure.model",
    "ExposureResult": "nkwatch.exposure.model",
    "screen_deposits": "nkwatch.exposure.batch",
}
__all__ = [
    "Decision",
    "ExposureConfig",
    "ExposureResult",
    "ExposureService",
    "screen_deposits",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
