"""Identity reuse: one identifier behind several different names (laptop farms, rented IDs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rapidfuzz import fuzz

from nkwatch.hiring.fields import norm_text
from nkwatch.hiring.indicators import verify
from nkwatch.hiring.indicators.base import Hit, ScreeningContext, Severity, indicator
from nkwatch.hiring.indicators.sources import (
    ADVISORY_2022,
    ADVISORY_2023,
    DOJ_CHAPMAN_2024,
    MICROSOFT_2025,
)
from nkwatch.hiring.model import Applicant

# Identifiers that belong to one person; sharing them across names is the strong signal.
STRONG_KEYS = (
    "document_number",
    "emails",
    "phones",
    "payment_accounts",
    "payout_wallets",
    "photo_hash",
)
MAX_GROUP = 500  # beyond this a value is a placeholder ("N/A", a payroll provider's pool)


def same_person(a: Applicant, b: Applicant, names: dict[str, str]) -> bool:
    """A re-application (name variant, same birth date) is one person, not identity reuse."""
    x, y = names[a.id], names[b.id]
    score = max(fuzz.ratio(x, y), fuzz.token_sort_ratio(x, y))
    if a.date_of_birth and a.date_of_birth == b.date_of_birth:
        return score >= 75
    return score >= 92


def identifier_values(app: Applicant, key: str) -> tuple[str, ...]:
    value = getattr(app, key)
    if value is None:
        return ()
    return tuple(value) if isinstance(value, tuple) else (str(value),)


def shared_groups(ctx: ScreeningContext, key: str) -> dict[str, list[str]]:
    """Value -> ids of the records carrying it, for values carried by two or more records."""
    groups: dict[str, list[str]] = defaultdict(list)
    for app in ctx.applicants:
        for value in set(identifier_values(app, key)):
            groups[value].append(app.id)
    return {v: ids for v, ids in groups.items() if 1 < len(ids) <= MAX_GROUP}


@indicator(
    "identity.shared_identifier",
    family="identity",
    title="Identifier shared across different names",
    description="The same document number, email, phone, payment account, payout wallet or ID"
    " photo hash appears on records with different names.",
    severity=Severity.STRONG,
    sources=(ADVISORY_2022, ADVISORY_2023, DOJ_CHAPMAN_2024, MICROSOFT_2025),
    verify=f"{verify.LIVE_ID}; {verify.PAYOUT_HOLDER}",
)
def shared_identifier(ctx: ScreeningContext) -> Iterator[Hit]:
    names, by_id = ctx.name_key, ctx.by_id
    for key in STRONG_KEYS:
        for value, ids in shared_groups(ctx, key).items():
            if len({names[i] for i in ids}) < 2:
                continue  # the same person applying twice is a duplicate, not reuse
            for pid in ids:
                others = tuple(
                    i for i in ids if i != pid and not same_person(by_id[pid], by_id[i], names)
                )
                if others:
                    yield Hit(
                        "identity.shared_identifier",
                        pid,
                        f"{key} {value!r} also on {len(others)} record(s) under other"
                        f" names: {', '.join(others[:5])}",
                        others,
                        {"kind": key, "value": value},
                    )


@indicator(
    "identity.shared_shipping_address",
    family="logistics",
    title="Equipment shipping address shared by several identities",
    description="Laptops for records with different names go to one address that is not their"
    " own: the laptop-farm pattern. Shared offices look the same, hence medium.",
    severity=Severity.MEDIUM,
    sources=(DOJ_CHAPMAN_2024, ADVISORY_2023),
    verify=verify.SHIP_TO_ID,
)
def shared_shipping(ctx: ScreeningContext) -> Iterator[Hit]:
    groups: dict[str, list[Applicant]] = defaultdict(list)
    for app in ctx.applicants:
        if app.shipping_address and norm_text(app.shipping_address) != norm_text(app.address or ""):
            groups[norm_text(app.shipping_address)].append(app)
    names = ctx.name_key
    for addr, apps in groups.items():
        if not 1 < len(apps) <= MAX_GROUP or len({names[a.id] for a in apps}) < 2:
            continue
        for app in apps:
            others = tuple(a.id for a in apps if names[a.id] != names[app.id])
            yield Hit(
                "identity.shared_shipping_address",
                app.id,
                f"laptop shipping address {app.shipping_address!r} (not the ID address) is"
                f" shared with {len(others)} other identities",
                others,
                {"address": addr},
            )


@indicator(
    "logistics.ship_elsewhere",
    family="logistics",
    title="Laptop shipped to an address other than the identity's",
    description="The equipment shipping address differs from the address on the identity"
    " (common and usually innocent on its own).",
    severity=Severity.WEAK,
    sources=(ADVISORY_2023, DOJ_CHAPMAN_2024),
    verify=verify.SHIP_TO_ID,
)
def ship_elsewhere(ctx: ScreeningContext) -> Iterator[Hit]:
    for app in ctx.applicants:
        if app.shipping_address and app.address:
            ship, home = norm_text(app.shipping_address), norm_text(app.address)
            if ship != home and ship not in home and home not in ship:
                yield Hit(
                    "logistics.ship_elsewhere",
                    app.id,
                    f"ships to {app.shipping_address!r}; ID address {app.address!r}",
                )
