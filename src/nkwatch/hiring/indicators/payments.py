"""Payments and sanctions: payout wallets/accounts and employers against the sanctions lists."""

from __future__ import annotations

from collections.abc import Iterator

from nkwatch.hiring.indicators import verify
from nkwatch.hiring.indicators.base import Hit, ScreeningContext, Severity, indicator
from nkwatch.hiring.indicators.sources import ADVISORY_2022, DOJ_SILVERSTAR_2024


@indicator(
    "payments.sanctioned_payout",
    family="payments",
    title="Payout wallet or account on a sanctions list",
    description="A payout wallet or account matches a designated (or DPRK-linked) party's"
    " published address.",
    severity=Severity.STRONG,
    sources=(ADVISORY_2022,),
    verify=f"{verify.SANCTIONS}; {verify.PAYOUT_HOLDER}",
)
def sanctioned_payout(ctx: ScreeningContext) -> Iterator[Hit]:
    checker = ctx.sanctions
    if checker is None:
        return
    for app in ctx.applicants:
        for account in (*app.payout_wallets, *app.payment_accounts):
            for m in checker.check_address(account):
                yield Hit(
                    "payments.sanctioned_payout",
                    app.id,
                    f"payout {account!r} is listed for {m.matched!r} ({m.entity_id},"
                    f" {m.list_version}){' - DPRK-linked' if m.dprk_linked else ''}",
                    details={
                        "entity_id": m.entity_id,
                        "list_version": m.list_version,
                        "dprk_linked": m.dprk_linked,
                    },
                )


@indicator(
    "payments.sanctioned_employer",
    family="payments",
    title="Employer or payee is a sanctioned front company",
    description="A past employer or payee fuzzily matches (any script) a designated DPRK-linked"
    " front company such as Yanbian Silverstar or Volasys Silver Star.",
    severity=Severity.STRONG,
    sources=(ADVISORY_2022, DOJ_SILVERSTAR_2024),
    verify=f"{verify.SANCTIONS}; {verify.REFERENCES}",
)
def sanctioned_employer(ctx: ScreeningContext) -> Iterator[Hit]:
    checker = ctx.sanctions
    if checker is None:
        return
    cache: dict[str, list[str]] = {}
    for app in ctx.applicants:
        for employer in app.employers:
            if employer not in cache:
                cache[employer] = [
                    f"{m.matched!r} ({m.entity_id}, {m.list_version}, score {m.score:.2f})"
                    for m in checker.check_name(employer)
                    if m.dprk_linked
                ]
            for found in cache[employer]:
                yield Hit(
                    "payments.sanctioned_employer",
                    app.id,
                    f"employer/payee {employer!r} matches sanctioned {found}",
                )
