"""Link the applications one operator hides behind, with the evidence for every link.

Three kinds of evidence, from strongest to weakest:

* **shared identifiers** (document number, email, phone, payment account, payout wallet,
  ID photo hash): one value on two records joins them (union-find);
* **shared infrastructure** (laptop shipping address that is not the ID address, a
  near-duplicate resume, a non-VPN login IP): each alone happens to honest people (shared
  offices, templates, office NAT), so a pair is joined only when it shares a place
  (shipping address or IP) *and* content (resume);
* **the same person again** under a name variant: the Splink model in
  :mod:`nkwatch.hiring.splink_model` at match probability >= 0.95.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from nkwatch.hiring import splink_model
from nkwatch.hiring.indicators.base import ScreeningContext
from nkwatch.hiring.indicators.identity import identifier_groups, photo_pairs

MAX_GROUP = 50  # an address/IP shared by more records is an office or a VPN, not a farm
# Two kinds of co-location (same shipping address, same IP) are one fact: colleagues at an
# office share both. A link needs co-location *and* shared content (the same resume).
MEDIUM_CLASS = {"shipping_address": "place", "login_ip": "place", "resume_text": "content"}


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent.setdefault(x, x)
        while parent != x:
            grand = self.parent[parent]
            self.parent[x] = grand
            x, parent = parent, grand
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class Evidence:
    """One reason records belong together: a shared value, or a probabilistic match."""

    kind: str
    value: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Cluster:
    id: str
    members: tuple[str, ...]
    evidence: tuple[Evidence, ...]

    @property
    def summary(self) -> str:
        counts = Counter(e.kind for e in self.evidence)
        parts = [
            f"{n} {kind.replace('_', ' ')}{'s' if n > 1 else ''}"
            for kind, n in sorted(counts.items())
        ]
        return f"these {len(self.members)} applications share " + ", ".join(parts)


@dataclass
class LinkResult:
    clusters: list[Cluster]
    cluster_of: dict[str, str] = field(default_factory=dict)


def strong_evidence(ctx: ScreeningContext) -> list[Evidence]:
    out = [
        Evidence(_singular(key), value, tuple(ids))
        for key, groups in identifier_groups(ctx).items()
        for value, ids in groups.items()
    ]
    out += [
        Evidence("photo_hash", f"{p.hash_a} ~ {p.hash_b} ({p.distance} bits apart)", (p.a, p.b))
        for p in photo_pairs(ctx)
    ]
    return out


def _singular(key: str) -> str:
    return {
        "emails": "email",
        "phones": "phone",
        "payment_accounts": "payment_account",
        "payout_wallets": "payout_wallet",
    }.get(key, key)


def medium_evidence(ctx: ScreeningContext) -> list[Evidence]:
    out: list[Evidence] = []
    ships: dict[str, list[str]] = defaultdict(list)
    for pid, ship in ctx.shipping_key.items():
        if ship != ctx.address_key[pid]:
            ships[ship].append(pid)
    out += [
        Evidence("shipping_address", v, tuple(ids))
        for v, ids in ships.items()
        if 1 < len(ids) <= MAX_GROUP
    ]
    ips: dict[str, set[str]] = defaultdict(set)
    for pid, events in ctx.logins.items():
        for e in events:
            if not ctx.ip_labels[e.ip][1]:
                ips[e.ip].add(pid)
    out += [
        Evidence("login_ip", ip, tuple(sorted(ids)))
        for ip, ids in ips.items()
        if 1 < len(ids) <= MAX_GROUP
    ]
    for p in ctx.resume_pairs:
        a, b = ctx.applicants[p.a].id, ctx.applicants[p.b].id
        out.append(Evidence("resume_text", f"~{p.similarity:.0%} identical", (a, b)))
    return out


def place_and_content(medium: Sequence[Evidence]) -> tuple[set[tuple[str, str]], list[Evidence]]:
    """Pairs that share a place *and* content, and the evidence that joined them.

    Content evidence is pairwise and rare, place groups are many and large (offices), so
    each content pair is checked against the places of its two records instead of
    expanding every place group into pairs.
    """
    places: dict[str, set[int]] = defaultdict(set)
    for k, ev in enumerate(medium):
        if MEDIUM_CLASS[ev.kind] == "place":
            for m in ev.members:
                places[m].add(k)
    joined: set[tuple[str, str]] = set()
    used: set[int] = set()
    for k, ev in enumerate(medium):
        if MEDIUM_CLASS[ev.kind] != "content":
            continue
        for a, b in combinations(sorted(ev.members), 2):
            shared = places.get(a, set()) & places.get(b, set())
            if shared:
                joined.add((a, b))
                used |= shared | {k}
    return joined, [medium[k] for k in sorted(used)]


def link(
    ctx: ScreeningContext,
    *,
    use_splink: bool = True,
    splink_predict: Callable[..., list[splink_model.ProbPair]] = splink_model.predict,
) -> LinkResult:
    """Cluster records; each cluster keeps the evidence edges that joined it."""
    uf = UnionFind()
    kept: list[Evidence] = []
    for ev in strong_evidence(ctx):
        kept.append(ev)
        for other in ev.members[1:]:
            uf.union(ev.members[0], other)
    joined, medium_kept = place_and_content(medium_evidence(ctx))
    for a, b in sorted(joined):
        uf.union(a, b)
    kept += medium_kept
    if use_splink:
        table = splink_model.person_table(ctx.applicants, ctx.name_key, ctx.address_key)
        for p in splink_predict(table):
            uf.union(p.a, p.b)
            kept.append(
                Evidence("probable_same_person", f"Splink p={p.probability:.3f}", (p.a, p.b))
            )
    return _clusters(uf, kept)


def _clusters(uf: UnionFind, evidence: Iterable[Evidence]) -> LinkResult:
    members: dict[str, list[str]] = defaultdict(list)
    for x in list(uf.parent):
        members[uf.find(x)].append(x)
    by_root: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        by_root[uf.find(ev.members[0])].append(ev)
    clusters, cluster_of = [], {}
    for n, root in enumerate(sorted(members, key=lambda r: (-len(members[r]), r)), start=1):
        if len(members[root]) < 2:
            continue
        cid = f"C{n:05d}"
        clusters.append(Cluster(cid, tuple(sorted(members[root])), tuple(by_root[root])))
        for m in members[root]:
            cluster_of[m] = cid
    return LinkResult(clusters, cluster_of)


def pairwise_scores(
    predicted: Sequence[Sequence[str]], truth: dict[str, str]
) -> tuple[float, float]:
    """Pairwise precision and recall of predicted clusters against true cluster labels."""
    true_pairs = Counter(truth.values())
    n_true = sum(k * (k - 1) // 2 for k in true_pairs.values())
    n_pred = tp = 0
    for members in predicted:
        n_pred += len(members) * (len(members) - 1) // 2
        labels = Counter(truth[m] for m in members if m in truth)
        tp += sum(k * (k - 1) // 2 for k in labels.values())
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_true if n_true else 1.0
    return precision, recall
