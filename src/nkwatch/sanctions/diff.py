"""What changed between two issues of a list (pure: two documents in, a diff out).

Compliance teams re-screen on change: a removed designation (Tornado Cash's addresses in
2025) or a new address matters more than the full list. Parties are matched by their
stable ``entity_id``; fields are compared as sets of rendered values, so re-ordering in
the file is not a change. Digital-currency addresses are compared per currency, EVM hex
case-insensitively (OFAC publishes both EIP-55 and lower-case spellings).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from nkwatch.sanctions.model import ListDocument, Party

_EVM = re.compile(r"^0x[0-9a-fA-F]{40}$")


def address_key(address: str) -> str:
    """The form addresses are compared in: EVM hex lower-cased, everything else verbatim."""
    address = address.strip()
    return address.lower() if _EVM.match(address) else address


@dataclass(frozen=True)
class PartyRef:
    entity_id: str
    caption: str
    schema: str
    programs: tuple[str, ...]


@dataclass(frozen=True)
class FieldChange:
    field: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class PartyChange:
    party: PartyRef
    changes: tuple[FieldChange, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.changes)


@dataclass(frozen=True)
class AddressChange:
    currency: str
    address: str
    entity_id: str
    caption: str


@dataclass(frozen=True)
class ListDiff:
    old_version: str
    new_version: str
    added: tuple[PartyRef, ...]
    removed: tuple[PartyRef, ...]
    changed: tuple[PartyChange, ...]
    addresses_added: tuple[AddressChange, ...]
    addresses_removed: tuple[AddressChange, ...]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for change, raw in zip(self.changed, data["changed"], strict=True):
            raw["fields"] = list(change.fields)
        return data


def _names(p: Party) -> set[str]:
    return {f"{n.value} [{n.script}, {n.kind.value}{', weak' if n.weak else ''}]" for n in p.names}


_FIELDS: dict[str, Callable[[Party], set[str]]] = {
    "schema": lambda p: {p.schema.value},
    "names": _names,
    "programs": lambda p: set(p.programs),
    "nationalities": lambda p: set(p.nationalities),
    "countries": lambda p: set(p.countries),
    "birth_dates": lambda p: set(p.birth_dates),
    "birth_places": lambda p: set(p.birth_places),
    "addresses": lambda p: {a.text for a in p.addresses},
    "identifiers": lambda p: {
        f"{i.kind}: {i.value}" + (f" ({i.country})" if i.country else "") for i in p.identifiers
    },
    "crypto_addresses": lambda p: {
        f"{c.currency} {address_key(c.address)}" for c in p.crypto_addresses
    },
    "listed_on": lambda p: {p.listed_on} if p.listed_on else set(),
    "remarks": lambda p: {p.remarks} if p.remarks else set(),
    "properties": lambda p: {f"{k}: {v}" for k, v in p.properties},
}


def _ref(p: Party) -> PartyRef:
    return PartyRef(p.entity_id, p.caption, p.schema.value, p.programs)


def diff_parties(old: Party, new: Party) -> tuple[FieldChange, ...]:
    """Field-by-field differences between two issues of the same party."""
    changes: list[FieldChange] = []
    for name, values in _FIELDS.items():
        before, after = values(old), values(new)
        if before != after:
            changes.append(
                FieldChange(name, tuple(sorted(after - before)), tuple(sorted(before - after)))
            )
    return tuple(changes)


def _addresses(doc: ListDocument) -> dict[tuple[str, str], AddressChange]:
    found: dict[tuple[str, str], AddressChange] = {}
    for p in doc.parties:
        for c in p.crypto_addresses:
            key = (c.currency, address_key(c.address))
            found.setdefault(key, AddressChange(c.currency, c.address, p.entity_id, p.caption))
    return found


def diff_documents(old: ListDocument, new: ListDocument) -> ListDiff:
    """Designations and addresses added, removed and changed from ``old`` to ``new``."""
    before = {p.entity_id: p for p in old.parties}
    after = {p.entity_id: p for p in new.parties}
    changed = []
    for entity_id in sorted(before.keys() & after.keys()):
        changes = diff_parties(before[entity_id], after[entity_id])
        if changes:
            changed.append(PartyChange(_ref(after[entity_id]), changes))
    old_addr, new_addr = _addresses(old), _addresses(new)
    return ListDiff(
        old_version=old.version_id,
        new_version=new.version_id,
        added=tuple(_ref(after[k]) for k in sorted(after.keys() - before.keys())),
        removed=tuple(_ref(before[k]) for k in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
        addresses_added=tuple(new_addr[k] for k in sorted(new_addr.keys() - old_addr.keys())),
        addresses_removed=tuple(old_addr[k] for k in sorted(old_addr.keys() - new_addr.keys())),
    )
