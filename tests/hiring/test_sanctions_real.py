"""Employer and payout checks against the real bundled OFAC + UN lists."""

from __future__ import annotations

import pytest

from nkwatch.hiring.indicators import ScreeningContext
from nkwatch.hiring.sanctions_adapter import ScreenerChecker

from .helpers import app, fired_for, hits_of


@pytest.mark.slow
def test_yanbian_silverstar_as_employer_fires_with_list_provenance(
    checker: ScreenerChecker,
) -> None:
    ctx = ScreeningContext(
        [
            app("a", employers=("Yanbian Silverstar Network Technology Co., Ltd.",)),
            app("b", employers=("YANBIAN SILVER STAR",)),
            app("c", employers=("Stripe", "Shopify")),
        ],
        sanctions=checker,
    )
    hits = hits_of("payments.sanctioned_employer", ctx)
    assert {h.person_id for h in hits} == {"a", "b"}
    assert all("us_ofac_sdn" in h.evidence or "un_" in h.evidence for h in hits)
    assert checker.versions


@pytest.mark.slow
def test_listed_dprk_wallet_as_payout_fires(checker: ScreenerChecker) -> None:
    listed = next(
        c.address
        for p in checker.screener.lists.parties
        if p.dprk_program
        for c in p.crypto_addresses
        if c.currency in ("ETH", "XBT")
    )
    ctx = ScreeningContext(
        [app("a", payout_wallets=(listed,)), app("b", payout_wallets=("GB82WEST12345698765432",))],
        sanctions=checker,
    )
    assert fired_for("payments.sanctioned_payout", ctx) == {"a"}
