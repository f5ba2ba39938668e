"""Where risky addresses come from: sanctions lists, the intel knowledge base, labels, user lists.

The mapping from each dataset to :class:`RiskSource` values is pure; ``load_risk_sources`` is the
adapter that reads them from the store. Every source keeps its provenance (list version,
incident source, label pack) so an exposure decision can say why an address is risky.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nkwatch.boundary import csv_dicts, read_text
from nkwatch.chains import canonical_address, detect_chains
from nkwatch.errors import UserError
from nkwatch.exposure.model import RiskCategory, RiskSource
from nkwatch.intel import AddressRole, Dataset
from nkwatch.sanctions import LazyNameIndex, LoadedLists, Screener, build_index
from nkwatch.trace import Label

# Roles whose address holds or moves the attacker's funds. Victim wallets and exchange
# deposit addresses that received loot are not sources of dirty value themselves.
_ATTACKER_ROLES = frozenset(
    {
        AddressRole.EXPLOITER,
        AddressRole.THEFT_RECEIVER,
        AddressRole.LAUNDERING_HOP,
        AddressRole.MALICIOUS_CONTRACT,
    }
)


@dataclass(frozen=True)
class RiskBook:
    """All risk sources plus the addresses that bound a backward walk (services)."""

    sources: tuple[RiskSource, ...]
    services: tuple[str, ...]
    versions: tuple[str, ...]  # data versions behind the sources, for the audit log


def from_sanctions(lists: LoadedLists) -> list[RiskSource]:
    """Every published crypto address, grouped by its designated party."""
    screener = Screener(lists, LazyNameIndex(lists.parties), build_index(lists.parties))
    version_of = {v.list_id: v.version_id for v in lists.versions}
    found: list[RiskSource] = []
    for party in lists.parties:
        if not party.crypto_addresses:
            continue
        link = screener.dprk_link(party)
        for crypto in party.crypto_addresses:
            found.append(
                RiskSource(
                    address=canonical_address("", crypto.address),
                    category=RiskCategory.SANCTIONED,
                    label=f"{party.caption} ({', '.join(party.programs) or party.list_id})",
                    dprk_linked=link.linked,
                    program=",".join(party.programs),
                    source=version_of.get(party.list_id, party.list_id),
                    group=party.entity_id,
                )
            )
    return found


def from_intel(dataset: Dataset) -> list[RiskSource]:
    """Attacker-side addresses of attributed DPRK incidents."""
    found: list[RiskSource] = []
    for item in dataset.addresses:
        if item.role not in _ATTACKER_ROLES:
            continue
        incident = dataset.incident(item.incident_id)
        label = f"{incident.victim} theft {incident.theft_date}" if incident else item.incident_id
        found.append(
            RiskSource(
                address=canonical_address("", item.address),
                category=RiskCategory.DPRK_INCIDENT,
                label=label,
                dprk_linked=True,
                actor=incident.primary_actor if incident else None,
                incident_id=item.incident_id,
                source=item.source,
            )
        )
    return found


def from_labels(labels: Iterable[Label]) -> tuple[list[RiskSource], list[str]]:
    """Mixers become risk sources; exchanges, bridges and other services bound the walk."""
    sources: list[RiskSource] = []
    services: list[str] = []
    for label in labels:
        if label.category == "mixer":
            sources.append(
                RiskSource(
                    address=canonical_address(label.chain, label.address),
                    category=RiskCategory.MIXER,
                    label=label.service,
                    dprk_linked=False,
                    source=label.source,
                    group=f"mixer:{label.service}",
                )
            )
        elif label.is_endpoint:
            services.append(canonical_address(label.chain, label.address))
    return sources, services


def _risk_address(text: str, where: str) -> str:
    """The canonical form of a listed address on whichever chain accepts it (the one set of
    codecs: checksums verified); a look-alike letter or a broken checksum is refused."""
    bad = next((ch for ch in text if not ch.isascii() or not ch.isprintable()), None)
    if bad is not None:
        raise UserError(
            f"address has U+{ord(bad):04X} ({unicodedata.name(bad, 'a control character')}):"
            " addresses are plain ASCII (a look-alike letter?)",
            where=where,
        )
    found = detect_chains(text)
    if not found:
        shown = text if len(text) <= 80 else text[:80] + "..."
        raise UserError(
            f"not a valid address on any supported chain (a typo or a bad checksum?): {shown!r}",
            where=where,
        )
    return found[0][1].canonical


def from_user_csv(path: Path) -> list[RiskSource]:
    """A user list: CSV with ``address`` and optional ``label``, ``dprk_linked``, ``source``."""
    _, rows = csv_dicts(read_text(path, what="risk list"), where=str(path), required=("address",))
    found: list[RiskSource] = []
    for line, row in rows:
        address = (row.get("address") or "").strip()
        if not address:
            raise UserError("empty address", where=f"{path}:{line}")
        canonical = _risk_address(address, f"{path}:{line}")
        found.append(
            RiskSource(
                address=canonical,
                category=RiskCategory.USER_LIST,
                label=(row.get("label") or path.name).strip(),
                dprk_linked=(row.get("dprk_linked") or "").strip().lower() in {"1", "true", "yes"},
                source=(row.get("source") or str(path)).strip(),
                group=f"user:{path.name}",
            )
        )
    return found


def book(
    lists: LoadedLists | None,
    dataset: Dataset | None,
    labels: Sequence[Label],
    user: Sequence[RiskSource] = (),
) -> RiskBook:
    sources: list[RiskSource] = []
    versions: list[str] = []
    if lists is not None:
        sources += from_sanctions(lists)
        versions += [v.version_id for v in lists.versions]
    if dataset is not None:
        sources += from_intel(dataset)
        versions.append(f"intel:{len(dataset.incidents)} incidents")
    mixers, services = from_labels(labels)
    sources += mixers
    sources += user
    return RiskBook(tuple(sources), tuple(services), tuple(versions))
