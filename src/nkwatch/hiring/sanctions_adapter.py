"""Adapter from nkwatch's sanctions :class:`Screener` to the hiring rules' small checker protocol.

Hiring rules only need "is this name / payout address designated, and is it DPRK-linked";
keeping that behind :class:`SanctionsChecker` keeps the rules pure and testable.
"""

from __future__ import annotations

from collections.abc import Sequence

from nkwatch.errors import UserError
from nkwatch.hiring.indicators.base import SanctionsMatch
from nkwatch.hiring.refdata import ReferenceData
from nkwatch.hiring.screening import ScreeningOptions
from nkwatch.sanctions import NameQuery, Schema, Screener

EMPLOYER_THRESHOLD = 0.85  # company names: a bit stricter than person names


class ScreenerChecker:
    def __init__(self, screener: Screener, threshold: float = EMPLOYER_THRESHOLD) -> None:
        self.screener = screener
        self.threshold = threshold
        self._names: dict[str, Sequence[SanctionsMatch]] = {}

    @property
    def versions(self) -> tuple[str, ...]:
        return self.screener.list_versions

    def check_name(self, name: str) -> Sequence[SanctionsMatch]:
        """Organisation-name screening, cached: employer names repeat across applicants."""
        if name not in self._names:
            self._names[name] = self._screen_name(name)
        return self._names[name]

    def _screen_name(self, name: str) -> Sequence[SanctionsMatch]:
        if not name.strip() or len(name) > 500:
            return ()
        result = self.screener.screen_name(
            NameQuery(name, schema=Schema.ORGANIZATION), threshold=self.threshold
        )
        return tuple(
            SanctionsMatch(
                name, m.matched_name, m.entity_id, m.list_version, m.score, m.dprk_linked
            )
            for m in result.matches
        )

    def check_address(self, address: str) -> Sequence[SanctionsMatch]:
        try:
            result = self.screener.screen_address(address)
        except UserError:
            return ()  # not a crypto address (an IBAN, an account number): nothing to match
        return tuple(
            SanctionsMatch(
                address, m.matched_name, m.entity_id, m.list_version, m.score, m.dprk_linked
            )
            for m in result.matches
        )


def screening_options(screener: Screener | None) -> ScreeningOptions:
    """Screening with the bundled reference data, against ``screener``'s active lists
    (``None``: no sanctions checks); the report names the list versions it used."""
    checker = ScreenerChecker(screener) if screener is not None else None
    return ScreeningOptions(
        refdata=ReferenceData.bundled(),
        sanctions=checker,
        sanctions_versions=checker.versions if checker else (),
    )
