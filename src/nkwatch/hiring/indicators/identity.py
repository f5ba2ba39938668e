"""Identity reuse: one identifier behind several different names (laptop farms, rented IDs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz

from nkwatch.hiring import photohash
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
SINGULAR_KEYS = ("document_number", "photo_hash")
MAX_GROUP = 500  # beyond this a value is a placeholder ("N/A", a payroll provider's pool)


def same_person(a: Applicant, b: Applicant, names: dict[str, str]) -> bool:
    """A re-application (name variant, same birth date) is one person, not identity reuse."""
    x, y = names[a.id], names[b.id]
    score = max(fuzz.ratio(x, y), fuzz.token_sort_ratio(x, y))
    if a.date_of_birth and a.date_of_birth == b.date_of_birth:
        return score >= 75
    return score >= 92


def _column(apps: Sequence[Applicant], key: str) -> tuple[list[str], list[int]]:
    """(values, record positions) of one identifier over all records, each value once per
    record. Reads the models' ``__dict__`` directly: a million records, six keys."""
    fields = [vars(a)[key] for a in apps]
    if key in SINGULAR_KEYS:
        pos = [k for k, v in enumerate(fields) if v is not None]
        return [str(fields[k]) for k in pos], pos
    pairs = [(v, k) for k, vals in enumerate(fields) if vals for v in _once(vals)]
    return [v for v, _ in pairs], [k for _, k in pairs]


def _once(values: tuple[str, ...]) -> tuple[str, ...]:
    return values if len(values) < 2 else tuple(sorted(set(values)))


def _group(values: list[str], pos: list[int]) -> dict[str, list[int]]:
    """Value -> positions for values on 2..MAX_GROUP records (hash grouping in Arrow)."""
    if not values:
        return {}
    enc = pa.array(values, pa.string()).dictionary_encode()
    codes = enc.indices.to_numpy()
    counts = np.bincount(codes)
    chosen = np.flatnonzero(((counts > 1) & (counts <= MAX_GROUP))[codes])
    chosen = chosen[np.argsort(codes[chosen], kind="stable")]
    bounds = np.flatnonzero(np.diff(codes[chosen])) + 1
    where = np.asarray(pos, dtype=np.int64)
    out: dict[str, list[int]] = {}
    for part in np.split(chosen, bounds) if len(chosen) else []:
        out[enc.dictionary[int(codes[part[0]])].as_py()] = where[part].tolist()
    return out


def _build_groups(ctx: ScreeningContext) -> dict[str, dict[str, list[str]]]:
    ids = [a.id for a in ctx.applicants]
    return {
        key: {
            v: [ids[k] for k in where] for v, where in _group(*_column(ctx.applicants, key)).items()
        }
        for key in STRONG_KEYS
    }


def identifier_groups(ctx: ScreeningContext) -> dict[str, dict[str, list[str]]]:
    """Identifier kind -> value -> ids of the records carrying it (two or more records,
    at most MAX_GROUP), in record order; built once per run for the rules and the linker."""
    return ctx.memo("identity.groups", _build_groups)


def shared_groups(ctx: ScreeningContext, key: str) -> dict[str, list[str]]:
    """Value -> ids of the records carrying it, for values carried by two or more records."""
    return identifier_groups(ctx)[key]


@dataclass(frozen=True)
class PhotoPair:
    """Two records whose ID-photo hashes differ in a few bits: one photo, re-used."""

    a: str
    b: str
    hash_a: str
    hash_b: str
    distance: int


def _build_photo_pairs(ctx: ScreeningContext) -> list[PhotoPair]:
    owners: dict[str, list[str]] = defaultdict(list)
    for app in ctx.applicants:
        if app.photo_hash:
            owners[app.photo_hash.lower()].append(app.id)
    values = [v for v, ids in owners.items() if len(ids) <= MAX_GROUP]
    pos, hashes = photohash.parse(values)
    out = []
    for p in photohash.near_pairs(hashes):
        va, vb = values[int(pos[p.a])], values[int(pos[p.b])]
        out += [PhotoPair(a, b, va, vb, p.distance) for a in owners[va] for b in owners[vb]]
    return out


def photo_pairs(ctx: ScreeningContext) -> list[PhotoPair]:
    """Record pairs whose photo hashes are near (1..photohash.MAX_DISTANCE bits), not equal."""
    return ctx.memo("identity.photo_pairs", _build_photo_pairs)


@indicator(
    "identity.shared_identifier",
    family="identity",
    title="Identifier shared across different names",
    description="The same document number, email, phone, payment account, payout wallet or ID"
    f" photo hash (or a photo hash within {photohash.MAX_DISTANCE} bits: the same photo"
    " re-scanned) appears on records with different names.",
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
    yield from _near_photo_hits(ctx)


def _near_photo_hits(ctx: ScreeningContext) -> Iterator[Hit]:
    near: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for p in photo_pairs(ctx):
        if not same_person(ctx.by_id[p.a], ctx.by_id[p.b], ctx.name_key):
            near[p.a].append((p.b, p.hash_b, p.distance))
            near[p.b].append((p.a, p.hash_a, p.distance))
    for pid, others in near.items():
        own = ctx.by_id[pid].photo_hash
        closest = min(others, key=lambda o: o[2])
        yield Hit(
            "identity.shared_identifier",
            pid,
            f"photo_hash {own!r} is {closest[2]} bit(s) from {closest[1]!r} (the same photo"
            f" re-scanned) on {len(others)} record(s) under other names:"
            f" {', '.join(o for o, _, _ in others[:5])}",
            tuple(o for o, _, _ in others),
            {"kind": "photo_hash", "value": own, "near": True},
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
    homes = ctx.address_key
    for app in ctx.applicants:
        ship = ctx.shipping_key.get(app.id)
        if ship and ship != homes[app.id]:
            groups[ship].append(app)
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
        ship, home = ctx.shipping_key.get(app.id), ctx.address_key[app.id]
        if ship and home and ship != home and ship not in home and home not in ship:
            yield Hit(
                "logistics.ship_elsewhere",
                app.id,
                f"ships to {app.shipping_address!r}; ID address {app.address!r}",
            )
