"""The sanctioned-address index: canonical key -> the listings that publish that address.

Built once from the parties of the active list versions. Lookups canonicalise the query
(so ``0xABC..`` finds ``0xabc..`` and a BCH legacy address finds its CashAddr listing);
a published spelling that was validated at build time is answered from a dict without
re-running its checksum, since the same text can only have the same checksum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nkwatch.chains import InvalidAddress
from nkwatch.chains.codecs import evm
from nkwatch.sanctions.addresses.model import ParsedAddress
from nkwatch.sanctions.addresses.registry import ChainRegistry, ChainValidator
from nkwatch.sanctions.addresses.validate import check_listed, detect, parse_address
from nkwatch.sanctions.model import Party


@dataclass(frozen=True, slots=True)
class AddressListing:
    """One address as one list publishes it for one party."""

    entity_id: str
    list_id: str
    currency: str
    published: str
    canonical: str
    problem: str | None = None  # why the published address is odd (None: valid)


@dataclass(frozen=True, slots=True)
class AddressLookup:
    query: str
    parsed: ParsedAddress | None  # None only for an exact match of an odd listed text
    listings: tuple[AddressListing, ...]

    @property
    def hit(self) -> bool:
        return bool(self.listings)


class AddressIndex:
    def __init__(self, registry: ChainRegistry) -> None:
        self._registry = registry
        self._by_key: dict[str, list[AddressListing]] = {}
        # verified spelling -> (parsed, chain codes that accept it)
        self._exact: dict[str, tuple[ParsedAddress | None, frozenset[str]]] = {}
        self._anomalies: list[AddressListing] = []
        self._count = 0

    @classmethod
    def build(cls, parties: Iterable[Party], registry: ChainRegistry) -> AddressIndex:
        index = cls(registry)
        for party in parties:
            for address in party.crypto_addresses:
                index.add(party, address.currency, address.address)
        return index

    def add(self, party: Party, currency: str, published: str) -> AddressListing:
        check = check_listed(self._registry, currency, published)
        text = published.strip()
        keys = check.parsed.keys if check.parsed else (f"raw:{text}",)
        listing = AddressListing(
            party.entity_id, party.list_id, currency.upper(), published, keys[0], check.problem
        )
        for key in keys:
            self._by_key.setdefault(key, []).append(listing)
        if check.parsed is not None:
            accepting = frozenset(v.code for v in self._registry if _accepts(v, text))
            # report the chain detection would name (XBT, not USDT-on-Omni) for this text
            shown = next(iter(detect(self._registry, text, first=True)), check.parsed)
            self._exact[text] = (shown, accepting)
            self._exact.setdefault(shown.canonical, (shown, accepting))
        else:
            self._exact[text] = (None, frozenset({currency.upper()}))
        self._count += 1
        if check.problem is not None:
            self._anomalies.append(listing)
        return listing

    def lookup(self, text: str, chain: str | None = None) -> AddressLookup:
        """Listings of the address ``text``; :class:`UserError` if it is not a valid address."""
        query = text.strip()
        known = self._exact.get(query) or self._exact.get(_fast_key(query))
        if known is not None:
            parsed, accepting = known
            if chain is None or self._registry.get(chain).code in accepting:
                keys = parsed.keys if parsed else (f"raw:{query}",)
                return AddressLookup(query, parsed, self._collect(keys))
        parsed = parse_address(self._registry, query, chain)
        return AddressLookup(query, parsed, self._collect(parsed.keys))

    def _collect(self, keys: tuple[str, ...]) -> tuple[AddressListing, ...]:
        if len(keys) == 1:
            return tuple(self._by_key.get(keys[0], ()))
        seen: dict[int, AddressListing] = {}
        for key in keys:
            for listing in self._by_key.get(key, ()):
                seen.setdefault(id(listing), listing)
        return tuple(seen.values())

    @property
    def anomalies(self) -> tuple[AddressListing, ...]:
        """Listed addresses that are not valid for their currency (flagged, still indexed)."""
        return tuple(self._anomalies)

    def __len__(self) -> int:
        return self._count


_CASE_FREE_PREFIXES = ("bc1", "tb1", "ltc1", "btg1", "bnb1", "zs1", "bitcoincash:")


def _fast_key(query: str) -> str:
    """The canonical spelling of a query, by shape alone (no checksum), for the dict probe.

    Only ever used to find an already-validated listed spelling: a case variant of a
    validated bech32/cashaddr text is the same valid address, and an EVM variant is
    accepted only if it is single-case or its EIP-55 checksum verifies.
    """
    if len(query) == 42 and query[:2] == "0x":
        return query.lower() if evm.checksum_ok(query) else query
    lowered = query.lower()
    if lowered.startswith(_CASE_FREE_PREFIXES) and (query == lowered or query == query.upper()):
        return lowered
    if len(query) == 42 and lowered[0] in "qp" and (query == lowered or query == query.upper()):
        return "bitcoincash:" + lowered
    return query


def _accepts(validator: ChainValidator, text: str) -> bool:
    try:
        return validator.parse(text) is not None
    except InvalidAddress:
        return False
