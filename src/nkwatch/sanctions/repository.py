"""List versions in the store: import (atomic, idempotent), list, load.

Every imported file is a version keyed by the sha256 of its uncompressed XML; importing
the same bytes again is a no-op. The newest import of a list becomes its active version,
all inside one transaction, so a failure (or Ctrl-C) half-way leaves the previous
version active and the store exactly as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from nkwatch.errors import NotFoundError, UserError
from nkwatch.sanctions import partycodec
from nkwatch.sanctions.diff import address_key
from nkwatch.sanctions.model import ListDocument, Party, Relationship
from nkwatch.store import Store


@dataclass(frozen=True)
class ImportResult:
    version_id: str
    created: bool  # False: this exact file was already imported (no-op)
    list_id: str = ""
    published: date | None = None
    party_count: int = 0
    address_count: int = 0
    relationship_count: int = 0
    active: bool = True


@dataclass(frozen=True)
class ListVersion:
    version_id: str
    list_id: str
    publisher: str
    published: date
    sha256: str
    imported_at: datetime
    active: bool
    party_count: int
    address_count: int
    relationship_count: int = 0
    source_name: str = ""


@dataclass(frozen=True)
class LoadedLists:
    """The active version of every list, in memory: what screening runs against."""

    versions: tuple[ListVersion, ...]
    parties: Sequence[Party]  # a tuple, or ``partycodec.PartyRows`` decoding on access
    relationships: tuple[Relationship, ...]
    by_id: Mapping[str, Party] = field(default_factory=dict, compare=False, repr=False)

    @property
    def version_ids(self) -> tuple[str, ...]:
        """The active version ids, sorted: what a built index is keyed by."""
        return tuple(sorted(v.version_id for v in self.versions))

    def party(self, entity_id: str) -> Party | None:
        return self.by_id.get(entity_id)

    def version_for(self, party: Party) -> ListVersion | None:
        """The list version a party was loaded from (one active version per list)."""
        return next((v for v in self.versions if v.list_id == party.list_id), None)


_VERSION_COLUMNS = (
    "version_id, list_id, publisher, published, sha256, imported_at, active,"
    " party_count, address_count, relationship_count, source_name"
)


def _version(row: Sequence[Any]) -> ListVersion:
    return ListVersion(
        version_id=row[0],
        list_id=row[1],
        publisher=row[2],
        published=row[3],
        sha256=row[4],
        imported_at=row[5],
        active=bool(row[6]),
        party_count=int(row[7]),
        address_count=int(row[8]),
        relationship_count=int(row[9]),
        source_name=row[10],
    )


def list_versions(store: Store) -> list[ListVersion]:
    """All imported versions, newest publication first within each list."""
    rows = store.query(
        f"SELECT {_VERSION_COLUMNS} FROM sanctions_list_version"  # noqa: S608 - constant
        " ORDER BY list_id, published DESC, imported_at DESC"
    )
    return [_version(r) for r in rows]


def _existing(store: Store, sha256: str) -> ListVersion | None:
    rows = store.query(
        f"SELECT {_VERSION_COLUMNS} FROM sanctions_list_version WHERE sha256 = ?",  # noqa: S608
        [sha256],
    )
    return _version(rows[0]) if rows else None


def _distinct_addresses(doc: ListDocument) -> int:
    return len(
        {(c.currency, address_key(c.address)) for p in doc.parties for c in p.crypto_addresses}
    )


def _unchanged(v: ListVersion) -> ImportResult:
    return ImportResult(
        v.version_id, False, v.list_id, v.published, v.party_count, v.address_count,
        v.relationship_count, v.active,
    )  # fmt: skip


def import_document(store: Store, doc: ListDocument, *, activate: bool = True) -> ImportResult:
    """Store ``doc`` as a new version and make it its list's active one (unless told not to)."""
    _check_unique_ids(doc)
    with store.transaction() as conn:
        found = _existing(store, doc.sha256)
        if found is not None:
            return _unchanged(found)
        version_id = doc.version_id
        addresses = _distinct_addresses(doc)
        conn.execute(
            "INSERT INTO sanctions_list_version (version_id, list_id, publisher, published,"
            " sha256, source_name, source_sha256, active, party_count, address_count,"
            " relationship_count, notes) VALUES (?, ?, ?, ?, ?, ?, ?, false, ?, ?, ?, ?)",
            [
                version_id, doc.list_id, doc.publisher, doc.published, doc.sha256,
                doc.source_name, doc.source_sha256, len(doc.parties), addresses,
                len(doc.relationships), list(doc.notes),
            ],
        )  # fmt: skip
        _insert_rows(store, version_id, doc)
        if activate:
            conn.execute(
                "UPDATE sanctions_list_version SET active = (version_id = ?) WHERE list_id = ?",
                [version_id, doc.list_id],
            )
    return ImportResult(
        version_id, True, doc.list_id, doc.published, len(doc.parties), addresses,
        len(doc.relationships), activate,
    )  # fmt: skip


def _check_unique_ids(doc: ListDocument) -> None:
    """A list that repeats an entry id is refused by name (it was a DuckDB constraint error)."""
    seen: set[str] = set()
    for party in doc.parties:
        if party.entity_id in seen:
            raise UserError(
                f"entry id {party.entity_id[:80]!r} appears more than once in the list",
                where=doc.source_name,
            )
        seen.add(party.entity_id)


def _bulk_insert(
    store: Store, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows in one statement: each column travels as one list parameter."""
    if not rows:
        return
    cols = [list(c) for c in zip(*rows, strict=True)]
    select = ", ".join(f"unnest(?) AS {c}" for c in columns)
    store.conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select}",
        cols,
    )


def _insert_rows(store: Store, version_id: str, doc: ListDocument) -> None:
    parties = doc.parties
    _bulk_insert(
        store,
        "sanctions_party",
        ("version_id", "entity_id", "ordinal", "schema", "caption", "programs", "data"),
        [
            (
                version_id,
                p.entity_id,
                i,
                p.schema.value,
                p.caption,
                list(p.programs),
                partycodec.encode(p),
            )
            for i, p in enumerate(parties)
        ],
    )
    _bulk_insert(
        store,
        "sanctions_name",
        ("version_id", "entity_id", "name", "script", "kind", "weak"),
        [
            (version_id, p.entity_id, n.value, n.script, n.kind.value, n.weak)
            for p in parties
            for n in p.names
        ],
    )
    _bulk_insert(
        store,
        "sanctions_crypto_address",
        ("version_id", "entity_id", "currency", "address", "address_key"),
        [
            (version_id, p.entity_id, c.currency, c.address, address_key(c.address))
            for p in parties
            for c in p.crypto_addresses
        ],
    )
    _bulk_insert(
        store,
        "sanctions_relationship",
        ("version_id", "ordinal", "source_id", "target_id", "kind"),
        [
            (version_id, i, r.source_id, r.target_id, r.kind)
            for i, r in enumerate(doc.relationships)
        ],
    )


def _parties(store: Store, where: str, params: list[Any]) -> tuple[Party, ...]:
    rows = store.query(
        f"SELECT data FROM sanctions_party WHERE {where} ORDER BY version_id, ordinal",  # noqa: S608
        params,
    )
    return tuple(partycodec.decode_many([r[0] for r in rows]))


def _relationships(store: Store, where: str, params: list[Any]) -> tuple[Relationship, ...]:
    rows = store.query(
        f"SELECT source_id, target_id, kind FROM sanctions_relationship WHERE {where}"  # noqa: S608
        " ORDER BY version_id, ordinal",
        params,
    )
    return tuple(Relationship(r[0], r[1], r[2]) for r in rows)


_ACTIVE = "version_id IN (SELECT version_id FROM sanctions_list_version WHERE active)"


def active_relationships(store: Store) -> tuple[Relationship, ...]:
    return _relationships(store, _ACTIVE, [])


def load_active(store: Store, *, lazy: bool = False) -> LoadedLists:
    """Parties and relationships of every active list version.

    ``lazy``: parties are decoded when first used (``partycodec.PartyRows``): a single lookup
    needs a few of them, and decoding all twenty thousand costs about a CPU-second.
    """
    versions = tuple(v for v in list_versions(store) if v.active)
    if lazy:
        rows = store.query(
            f"SELECT entity_id, data FROM sanctions_party WHERE {_ACTIVE}"  # noqa: S608
            " ORDER BY version_id, ordinal"
        )
        lazy_parties = partycodec.PartyRows([r[0] for r in rows], [r[1] for r in rows])
        parties: Sequence[Party] = lazy_parties
        by_id: Mapping[str, Party] = lazy_parties.by_id()
    else:
        parties = _parties(store, _ACTIVE, [])
        by_id = {p.entity_id: p for p in parties}
    return LoadedLists(versions, parties, _relationships(store, _ACTIVE, []), by_id)


def resolve_version(store: Store, ref: str) -> ListVersion:
    """A version by id, unique id prefix, or sha256 prefix."""
    ref = ref.strip()
    if not ref:
        raise UserError("empty list version reference")
    matches = [v for v in list_versions(store) if v.version_id == ref]
    if not matches:
        matches = [
            v
            for v in list_versions(store)
            if v.version_id.startswith(ref) or v.sha256.startswith(ref)
        ]
    if not matches:
        raise NotFoundError(f"no list version matches {ref!r} (see `nkwatch lists show`)")
    if len(matches) > 1:
        ids = ", ".join(v.version_id for v in matches[:5])
        raise UserError(f"list version {ref!r} is ambiguous: {ids}")
    return matches[0]


def load_version(store: Store, version_id_or_prefix: str) -> ListDocument:
    """One stored version back as the document it was imported from."""
    version = resolve_version(store, version_id_or_prefix)
    row = store.query(
        "SELECT publisher, source_name, source_sha256, notes FROM sanctions_list_version"
        " WHERE version_id = ?",
        [version.version_id],
    )[0]
    return ListDocument(
        list_id=version.list_id,
        publisher=row[0],
        published=version.published,
        sha256=version.sha256,
        source_name=row[1],
        parties=_parties(store, "version_id = ?", [version.version_id]),
        relationships=_relationships(store, "version_id = ?", [version.version_id]),
        notes=tuple(row[3] or ()),
        source_sha256=row[2],
    )


def import_path(store: Store, path: Path, *, activate: bool = True) -> ImportResult:
    """Parse a list file and import it (parsing happens before the store is touched)."""
    from nkwatch.sanctions.parsers import parse_list  # lxml: only when a file is imported

    return import_document(store, parse_list(path), activate=activate)


def ensure_bundled(store: Store) -> list[ImportResult]:
    """Import the bundled snapshots once; never demote a newer version already active."""
    from nkwatch.sanctions.parsers import bundled_list_paths, parse_list
    from nkwatch.sanctions.xmlsafe import file_sha256

    results: list[ImportResult] = []
    for path in bundled_list_paths():
        rows = store.query(
            f"SELECT {_VERSION_COLUMNS} FROM sanctions_list_version"  # noqa: S608 - constant
            " WHERE source_sha256 = ?",
            [file_sha256(path)],
        )
        if rows:
            results.append(_unchanged(_version(rows[0])))
            continue
        doc = parse_list(path)
        newer = store.query(
            "SELECT count(*) FROM sanctions_list_version WHERE list_id = ? AND active"
            " AND published > ?",
            [doc.list_id, doc.published],
        )[0][0]
        results.append(import_document(store, doc, activate=not newer))
    return results
