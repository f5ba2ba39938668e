"""Values of the name-screening API: the query, a ranked match and the features that explain it."""

from __future__ import annotations

from dataclasses import dataclass

from nkwatch.sanctions.model import Identifier, PartyName, Schema

# Score at or above which a candidate is reported as a hit. Chosen on the labelled name bench
# (see docs/benchmarks.md); a weak alias alone is capped below it (see score.WEAK_ALIAS_CAP).
DEFAULT_THRESHOLD = 0.75


@dataclass(frozen=True, slots=True)
class NameQuery:
    """A name to screen, with the optional facts that confirm or contradict a candidate."""

    name: str
    schema: Schema | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    birth_date: str | None = None  # ISO 8601, possibly partial ("1984", "1984-01")
    identifiers: tuple[Identifier, ...] = ()


@dataclass(frozen=True, slots=True)
class Feature:
    """One reason behind a score: a name, a signed weight or value, and a readable detail."""

    name: str
    weight_or_value: float
    detail: str


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A candidate party, its score in [0, 1], the name variant that matched and why."""

    entity_id: str
    score: float
    matched_name: PartyName
    explanation: tuple[Feature, ...]
