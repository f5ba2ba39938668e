"""Screening adapter: loads the active lists from the store, caches the built screener and
writes every decision to the append-only audit log with the list versions it used."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from nkwatch.errors import UserError
from nkwatch.sanctions.indexfiles import load_index, open_name_index, with_index
from nkwatch.sanctions.model import Party
from nkwatch.sanctions.names import NameIndex, NameMatch, NameQuery
from nkwatch.sanctions.repository import (
    ListVersion,
    active_relationships,
    list_versions,
    load_active,
)
from nkwatch.sanctions.screening import NameSearcher, Screener, ScreeningResult
from nkwatch.store import Store, audit

if TYPE_CHECKING:
    from nkwatch.sanctions.addresses import AddressIndex, AddressLookup

NO_LISTS = "no lists imported; run `nkwatch lists import` or `nkwatch demo`"


class LazyNameIndex:
    """Makes the name index on the first name query: address-only runs never pay for it.

    ``load`` (default: build from ``parties``) is how: the CLI and the service read the
    persisted index file (``indexfiles.open_name_index``), building it only when it is missing.
    """

    def __init__(
        self, parties: Sequence[Party], load: Callable[[], NameIndex] | None = None
    ) -> None:
        self._parties = parties
        self._load = load
        self._index: NameIndex | None = None
        self._lock = threading.Lock()

    def search(
        self, query: NameQuery, limit: int = 10, floor: float | None = None
    ) -> Sequence[NameMatch]:
        return self.index.search(query, limit, floor)

    @property
    def index(self) -> NameIndex:
        with self._lock:
            if self._index is None:
                load = self._load
                self._index = load() if load is not None else NameIndex.build(self._parties)
            return self._index


class LazyAddressIndex:
    """Builds the address index on the first address query: name lookups never decode the
    twenty thousand parties it is built from."""

    def __init__(self, parties: Sequence[Party]) -> None:
        self._parties = parties
        self._index: AddressIndex | None = None
        self._lock = threading.Lock()

    def lookup(self, text: str, chain: str | None = None) -> AddressLookup:
        with self._lock:
            if self._index is None:
                from nkwatch.sanctions.addresses import build_index

                self._index = build_index(self._parties)
        return self._index.lookup(text, chain)


class ScreenerCache:
    """The built screener for the store's current active versions, rebuilt when they change."""

    def __init__(self) -> None:
        self._key: tuple[str, ...] | None = None
        self._screener: Screener | None = None
        self._lock = threading.Lock()

    def get(self, store: Store) -> Screener:
        active = [v for v in list_versions(store) if v.active]
        key = tuple(sorted(v.version_id for v in active))
        if not key:
            raise UserError(NO_LISTS)
        with self._lock:
            if self._screener is None or key != self._key:
                self._screener = _screener(store, active)
                self._key = key
            return self._screener


def _screener(store: Store, active: Sequence[ListVersion]) -> Screener:
    """Read the persisted name index (and its parties) when there is one; otherwise load the
    lists and build the index on the first name query, writing it for the next process."""
    names: NameSearcher
    index = load_index(store.path, [v.version_id for v in active])
    if index is not None:
        lists, names = with_index(index, active, active_relationships(store)), index
    else:
        lists = load_active(store, lazy=True)
        names = LazyNameIndex(lists.parties, functools.partial(open_name_index, store.path, lists))
    return Screener(lists, names, LazyAddressIndex(lists.parties))


# Process-wide cache for the CLI: keyed by immutable version ids (list + date + sha256), so
# two stores holding the same versions share one screener.
DEFAULT_CACHE = ScreenerCache()


class ScreeningService:
    """Screens and audit-logs. One per request/command; the cache may be shared."""

    def __init__(self, store: Store, cache: ScreenerCache | None = None, *, actor: str = "cli"):
        self.store = store
        self.cache = cache or DEFAULT_CACHE
        self.actor = actor

    @property
    def screener(self) -> Screener:
        return self.cache.get(self.store)

    def screen_name(self, query: NameQuery, *, threshold: float | None = None) -> ScreeningResult:
        result = self.screener.screen_name(query, threshold=threshold)
        self.record("screen.name", result)
        return result

    def screen_address(self, address: str, chain: str | None = None) -> ScreeningResult:
        result = self.screener.screen_address(address, chain)
        self.record("screen.address", result)
        return result

    def record_many(self, action: str, results: Sequence[ScreeningResult]) -> None:
        """Append many decisions in order (a batch), as ``record`` would one by one."""
        audit.record_many(
            self.store,
            actor=self.actor,
            action=action,
            decisions=[(r.query, decision_summary(r), r.list_versions) for r in results],
        )

    def record(self, action: str, result: ScreeningResult) -> int:
        """Append the decision: query, outcome summary and the list versions it used."""
        return audit.record(
            self.store,
            actor=self.actor,
            action=action,
            query=result.query,
            result=decision_summary(result),
            list_versions=result.list_versions,
        )


def decision_summary(result: ScreeningResult) -> dict[str, Any]:
    return {
        "hit": result.hit,
        "threshold": result.threshold,
        "matches": [
            {
                "entity_id": m.entity_id,
                "list_version": m.list_version,
                "name": m.name,
                "score": round(m.score, 4),
                "dprk_linked": m.dprk_linked,
            }
            for m in result.matches
        ],
    }
