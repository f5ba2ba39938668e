"""Registered hiring indicators. Importing this package registers every built-in family."""

from nkwatch.hiring.indicators import (  # noqa: F401 - imported to register the rules
    behaviour,
    contact,
    devices,
    identity,
    network,
    payments,
    posthire,
)
from nkwatch.hiring.indicators.base import (
    REGISTRY,
    Hit,
    Indicator,
    SanctionsChecker,
    SanctionsMatch,
    ScreeningContext,
    Severity,
    Source,
    indicator,
    run_indicators,
)

__all__ = [
    "REGISTRY",
    "Hit",
    "Indicator",
    "SanctionsChecker",
    "SanctionsMatch",
    "ScreeningContext",
    "Severity",
    "Source",
    "indicator",
    "run_indicators",
]
