"""Compact JSON form of a :class:`Party`, for storing one row per party per version.

Why not ``dataclasses.asdict``: loading the whole OFAC+UN corpus must take well under
a couple of seconds, so the stored form is positional arrays with empty fields left
out, and decoding builds the frozen values directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from nkwatch.sanctions.model import (
    CryptoAddress,
    Identifier,
    NameKind,
    Party,
    PartyName,
    PostalAddress,
    Schema,
)

_TUPLE_FIELDS = ("programs", "nationalities", "countries", "birth_dates", "birth_places")
# Enum lookups by value via ``Enum(...)`` dominate decoding time; plain dicts are 10x faster.
_KINDS = {k.value: k for k in NameKind}
_SCHEMAS = {s.value: s for s in Schema}


def encode(party: Party) -> str:
    doc: dict[str, Any] = {
        "id": party.entity_id,
        "list": party.list_id,
        "schema": party.schema.value,
        "names": [[n.value, n.script, n.kind.value, n.weak] for n in party.names],
    }
    for name in _TUPLE_FIELDS:
        values = getattr(party, name)
        if values:
            doc[name] = list(values)
    if party.addresses:
        doc["addresses"] = [[a.text, a.country] for a in party.addresses]
    if party.identifiers:
        doc["identifiers"] = [[i.kind, i.value, i.country] for i in party.identifiers]
    if party.crypto_addresses:
        doc["crypto"] = [[c.currency, c.address] for c in party.crypto_addresses]
    if party.properties:
        doc["properties"] = [list(p) for p in party.properties]
    if party.listed_on:
        doc["listed_on"] = party.listed_on
    if party.remarks:
        doc["remarks"] = party.remarks
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def decode(raw: str | bytes) -> Party:
    return from_dict(json.loads(raw))


def decode_many(raws: list[str]) -> list[Party]:
    """Decode many rows with one JSON parse (per-call overhead matters at 20k parties)."""
    if not raws:
        return []
    return [from_dict(doc) for doc in json.loads("[" + ",".join(raws) + "]")]


def from_dict(doc: dict[str, Any]) -> Party:
    kinds = _KINDS
    return Party(
        entity_id=doc["id"],
        list_id=doc["list"],
        schema=_SCHEMAS[doc["schema"]],
        names=tuple([PartyName(v, s, kinds[k], w) for v, s, k, w in doc["names"]]),
        programs=tuple(doc.get("programs", ())),
        nationalities=tuple(doc.get("nationalities", ())),
        countries=tuple(doc.get("countries", ())),
        birth_dates=tuple(doc.get("birth_dates", ())),
        birth_places=tuple(doc.get("birth_places", ())),
        addresses=tuple(PostalAddress(t, c) for t, c in doc.get("addresses", ())),
        identifiers=tuple(Identifier(k, v, c) for k, v, c in doc.get("identifiers", ())),
        crypto_addresses=tuple(CryptoAddress(c, a) for c, a in doc.get("crypto", ())),
        listed_on=doc.get("listed_on"),
        remarks=doc.get("remarks"),
        properties=tuple((k, v) for k, v in doc.get("properties", ())),
    )


class PartyRows(Sequence[Party]):
    """Encoded parties decoded one by one on first access (a cold lookup touches a few dozen
    of twenty thousand). Iterating decodes them all, in order."""

    def __init__(self, entity_ids: Sequence[str], raws: Sequence[str] | Sequence[bytes]) -> None:
        if len(entity_ids) != len(raws):
            raise ValueError("one entity id per encoded party")
        self.entity_ids = tuple(entity_ids)
        self._raws = raws
        self._decoded: list[Party | None] = [None] * len(raws)
        self._position = {e: i for i, e in enumerate(self.entity_ids)}

    def __len__(self) -> int:
        return len(self._raws)

    @overload
    def __getitem__(self, i: int) -> Party: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Party, ...]: ...
    def __getitem__(self, i: int | slice) -> Party | tuple[Party, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        found = self._decoded[i]
        if found is None:
            found = self._decoded[i] = decode(self._raws[i])
        return found

    def __iter__(self) -> Iterator[Party]:
        return (self[i] for i in range(len(self)))

    def __reduce__(self) -> tuple[type[PartyRows], tuple[tuple[str, ...], list[bytes]]]:
        """Pickled as plain ids and encoded rows (the rows may be views of a mapped file)."""
        raws = [r.encode() if isinstance(r, str) else bytes(r) for r in self._raws]
        return PartyRows, (self.entity_ids, raws)

    def by_id(self) -> Mapping[str, Party]:
        """entity id -> party, decoding only the parties looked up."""
        return _ById(self)

    def position(self, entity_id: str) -> int | None:
        return self._position.get(entity_id)


class _ById(Mapping[str, Party]):
    def __init__(self, rows: PartyRows) -> None:
        self._rows = rows

    def __getitem__(self, entity_id: str) -> Party:
        i = self._rows.position(entity_id)
        if i is None:
            raise KeyError(entity_id)
        return self._rows[i]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows.entity_ids)
