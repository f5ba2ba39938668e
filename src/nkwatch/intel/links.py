"""Links from intel actors and addresses to sanctions designations.

Pure core: :func:`link_parties` matches actors to designated parties by name and lists
their designated addresses plus those of parties "providing support to" them. The adapter
:func:`active_parties` reads the active list versions through the sanctions package; with
no list imported it returns nothing and a note saying so, and intel works without links.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nkwatch.intel.model import Actor, address_key
from nkwatch.sanctions import Party, Relationship, load_active
from nkwatch.store import Store


@dataclass(frozen=True)
class SanctionsLink:
    """A designated party tied to an actor, and how (designated itself or supporting it)."""

    actor_id: str
    entity_id: str
    list_id: str
    caption: str
    relation: str  # "designated as" or the list's relationship, e.g. "Providing support to"
    addresses: tuple[tuple[str, str], ...]  # (currency, address)
    listed_on: str | None


def link_parties(
    actors: Iterable[Actor], parties: Sequence[Any], relationships: Sequence[Any]
) -> list[SanctionsLink]:
    """Designations of each actor (by name) and of parties related to those designations."""
    by_id = {p.entity_id: p for p in parties}
    links: list[SanctionsLink] = []
    for actor in actors:
        wanted = {n.casefold() for n in actor.sanctions_names}
        if not wanted:
            continue
        hits = [p for p in parties if any(n.value.casefold() in wanted for n in p.names)]
        for party in hits:
            links.append(_link(actor.actor_id, party, "designated as"))
            for rel in relationships:
                if rel.target_id == party.entity_id and rel.source_id in by_id:
                    links.append(_link(actor.actor_id, by_id[rel.source_id], rel.kind))
    return links


def _link(actor_id: str, party: Party, relation: str) -> SanctionsLink:
    return SanctionsLink(
        actor_id=actor_id,
        entity_id=party.entity_id,
        list_id=party.list_id,
        caption=party.caption,
        relation=relation,
        addresses=tuple((a.currency, a.address) for a in party.crypto_addresses),
        listed_on=party.listed_on,
    )


def addresses_index(links: Iterable[SanctionsLink]) -> dict[str, list[SanctionsLink]]:
    index: dict[str, list[SanctionsLink]] = {}
    for link in links:
        for _, address in link.addresses:
            index.setdefault(address_key(address), []).append(link)
    return index


def active_parties(store: Store) -> tuple[list[Party], list[Relationship], str | None]:
    """(parties, relationships, note) from the imported sanctions lists.

    The note explains an empty result: no list has been imported yet.
    """
    loaded = load_active(store)
    if not loaded.versions:
        note = (
            "no sanctions list imported (nkwatch lists import/update): shown without designations"
        )
        return [], [], note
    return list(loaded.parties), list(loaded.relationships), None
