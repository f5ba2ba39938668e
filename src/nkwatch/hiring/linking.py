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
from nkwatch.hiring.fields import norm_text
from nkwatch.hiring.indicators.base import ScreeningContext
from nkwatch.hiring.indicators.identity import STRONG_KEYS, identifier_values

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
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for app in ctx.applicants:
        for key in STRONG_KEYS:
            for value in set(identifier_values(app, key)):
                groups[(key, value)].append(app.id)
    return [
        Evidence(_singular(k), v, tuple(ids))
        for (k, v), ids in groups.items()
        if 1 < len(ids) <= 500
    ]


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
    for app in ctx.applicants:
        if app.shipping_address:
            ship = norm_text(app.shipping_address)
            if ship != norm_text(app.address or ""):
                ships[ship].append(app.id)
    out += [
        Evidence("shipping_address", v, tuple(ids))
        for v, ids in ships.items()
        if 1 < len(ids) <= MAX_GROUP
    ]
    ips: dict[str, set[str]] = defaultdict(set)
    for pid, events in ctx.logins.items():
        for e in events:
            if not ctx.refdata.vpn.lookup(e.ip):
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
    medium = medium_evidence(ctx)
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ev in medium:
        for a, b in combinations(sorted(ev.members), 2):
            kinds[(a, b)].add(ev.kind)
    joined = {pair for pair, ks in kinds.items() if len({MEDIUM_CLASS[k] for k in ks}) >= 2}
    for a, b in joined:
        uf.union(a, b)
    for ev in medium:
        if any(pair in joined for pair in combinations(sorted(ev.members), 2)):
            kept.append(ev)
    if use_splink:
        for p in splink_predict(splink_model.person_table(ctx.applicants)):
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
