"""Turn indicator hits into a score and a level per person and per cluster.

Score: noisy-OR of the distinct indicators that fired (weak 0.10, medium 0.30, strong
0.70). Level: "high" needs a strong indicator or medium indicators from three different
families; weak signals alone top out at "review", whatever their number. Nationality,
ethnicity or a Korean-looking name are never inputs (see docs/hiring.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from nkwatch.hiring.indicators.base import REGISTRY, Hit, IndicatorRegistry, Severity
from nkwatch.hiring.linking import Cluster

WEIGHT = {Severity.WEAK: 0.10, Severity.MEDIUM: 0.30, Severity.STRONG: 0.70}
REVIEW_SCORE = 0.25
HIGH_MEDIUM_FAMILIES = 3


class Level(StrEnum):
    LOW = "low"
    REVIEW = "review"
    HIGH = "high"


@dataclass(frozen=True)
class PersonRisk:
    person_id: str
    score: float
    level: Level
    hits: tuple[Hit, ...]
    verify: tuple[str, ...]
    cluster_id: str | None = None


@dataclass(frozen=True)
class ClusterRisk:
    cluster: Cluster
    score: float
    level: Level
    high_members: tuple[str, ...]


def assess(
    person_id: str,
    hits: Sequence[Hit],
    registry: IndicatorRegistry = REGISTRY,
    cluster_id: str | None = None,
) -> PersonRisk:
    fired = {h.indicator_id: registry.get(h.indicator_id) for h in hits}
    miss = 1.0
    for ind in fired.values():
        miss *= 1.0 - WEIGHT[ind.severity]
    score = round(1.0 - miss, 4)
    strong = any(i.severity is Severity.STRONG for i in fired.values())
    medium_families = {i.family for i in fired.values() if i.severity is Severity.MEDIUM}
    if strong or len(medium_families) >= HIGH_MEDIUM_FAMILIES:
        level = Level.HIGH
    elif medium_families or score >= REVIEW_SCORE:
        level = Level.REVIEW
    else:
        level = Level.LOW
    steps: list[str] = []
    for ind in sorted(fired.values(), key=lambda i: -WEIGHT[i.severity]):
        for step in ind.verify.split("; "):
            if step and step not in steps:
                steps.append(step)
    return PersonRisk(person_id, score, level, tuple(hits), tuple(steps), cluster_id)


def assess_all(
    person_ids: Iterable[str], hits: Iterable[Hit], cluster_of: dict[str, str] | None = None
) -> dict[str, PersonRisk]:
    grouped: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        grouped[h.person_id].append(h)
    cluster_of = cluster_of or {}
    return {
        pid: assess(pid, grouped[pid], cluster_id=cluster_of.get(pid))
        if pid in grouped
        else PersonRisk(pid, 0.0, Level.LOW, (), (), cluster_of.get(pid))  # what assess gives
        for pid in person_ids
    }


def assess_cluster(cluster: Cluster, people: dict[str, PersonRisk]) -> ClusterRisk:
    """A cluster is as risky as its riskiest member; the evidence edges say why it exists."""
    members = [people[m] for m in cluster.members if m in people]
    high = tuple(p.person_id for p in members if p.level is Level.HIGH)
    score = max((p.score for p in members), default=0.0)
    level = max((p.level for p in members), key=list(Level).index, default=Level.LOW)
    return ClusterRisk(cluster, score, level, high)
