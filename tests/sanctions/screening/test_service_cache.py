"""ScreeningService and ScreenerCache against a real store with small hand-made list versions."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from nkwatch.errors import UserError
from nkwatch.sanctions.model import (
    CryptoAddress,
    ListDocument,
    Party,
    PartyName,
    Relationship,
    Schema,
)
from nkwatch.sanctions.repository import import_document
from nkwatch.sanctions.service import NO_LISTS, ScreenerCache, ScreeningService
from nkwatch.store import Store, audit

WALLET = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"


def _doc(published: date, *parties: Party, rels: tuple[Relationship, ...] = ()) -> ListDocument:
    digest = hashlib.sha256(f"{published}{[p.entity_id for p in parties]}".encode()).hexdigest()
    return ListDocument(
        list_id="us_ofac_sdn",
        publisher="OFAC",
        published=published,
        sha256=digest,
        source_name="test.xml",
        parties=parties,
        relationships=rels,
    )


def _party(entity_id: str, name: str, programs: tuple[str, ...], *wallets: str) -> Party:
    return Party(
        entity_id=entity_id,
        list_id="us_ofac_sdn",
        schema=Schema.ORGANIZATION,
        names=(PartyName(name),),
        programs=programs,
        crypto_addresses=tuple(CryptoAddress("ETH", w) for w in wallets),
    )


def test_empty_store_is_a_user_error(store: Store) -> None:
    with pytest.raises(UserError, match="no lists imported"):
        ScreeningService(store, ScreenerCache()).screen_address(WALLET)
    assert NO_LISTS.startswith("no lists imported")
    assert audit.entries(store) == []


def test_cache_follows_the_active_versions_and_audits(store: Store) -> None:
    cache = ScreenerCache()
    helper = _party("ofac-2", "Helper Ltd", ("CYBER2",))
    lazarus = _party("ofac-1", "Lazarus Group", ("DPRK3",), WALLET)
    import_document(
        store,
        _doc(
            date(2025, 1, 1),
            lazarus,
            helper,
            rels=(Relationship("ofac-2", "ofac-1", "Providing support to"),),
        ),
    )
    service = ScreeningService(store, cache, actor="test")
    first = service.screen_address(WALLET.lower())
    assert first.hit and service.screener is cache.get(store)  # built once, reused
    (match,) = first.matches
    assert match.dprk_linked and match.related[0].name == "Helper Ltd"
    (entry,) = audit.entries(store, action="screen.address")
    assert entry.actor == "test" and entry.list_versions == list(first.list_versions)
    assert entry.result["matches"][0]["entity_id"] == "ofac-1"

    # a newer issue without the wallet becomes active: the cache must rebuild, not go stale
    import_document(
        store, _doc(date(2025, 6, 1), _party("ofac-1", "Lazarus Group", ("DPRK3",)), helper)
    )
    second = service.screen_address(WALLET)
    assert not second.hit
    assert second.list_versions != first.list_versions
    assert len(audit.entries(store)) == 2
