"""Name-to-name score over an alignment (``align``) of two prepared readings (``prepared``).

Coverage on each side is the weight-summed similarity of aligned tokens (weight = lexicon
share x corpus IDF). The score starts from the better-covered side, then loses the missing
penalty x the share one side has and the other simply lacks (a middle name left out) and
``CONFLICT_PENALTY`` x the share both sides leave unexplained (``Un`` against ``Man``), which
is what separates ``KIM JONG UN`` from ``KIM Jong Man``. A given name read from Hangul or
Hanzi syllables counts as unexplained as a whole when only part of it is matched.

Scoring and explaining are split: a search ranks on ``score_pair`` results and builds the
features (``explain``) for the shown candidates only, from the alignment it already has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from nkwatch.sanctions.names.align import Pair, SimMemo, align
from nkwatch.sanctions.names.model import Feature
from nkwatch.sanctions.names.prepared import Prepared

MISSING_PENALTY = 0.3  # people: a left-out middle name or patronymic is normal
MISSING_PENALTY_ORG = 0.8  # organisations: an extra word usually names another body
CONFLICT_PENALTY = 0.9
ORDER_PENALTY = 0.04  # surname first or last: both are published
SYLLABLE_ORDER_PENALTY = 0.3  # 은정 is not 정은
PATRONYMIC_PENALTY = 0.3  # the names on either side of "bin" swapped: father and son swapped
PATRONYMIC = frozenset({"bin", "ibn", "bint", "binti", "ould", "بن", "ابن", "بنت", "ولد"})


@dataclass(frozen=True, slots=True)
class Comparison:
    score: float
    features: tuple[Feature, ...]


class Scored:
    """A reading pair's score and the alignment behind it (explained later, if shown).

    Immutable by contract (``Final``); a plain class for the reason given at ``align.Pair``.
    """

    __slots__ = ("c", "pairs", "person", "q", "score")

    def __init__(
        self, score: float, q: Prepared, c: Prepared, pairs: tuple[Pair, ...], person: bool
    ) -> None:
        self.score: Final = score
        self.q: Final = q
        self.c: Final = c
        self.pairs: Final = pairs
        self.person: Final = person


def score_pair(
    q: Prepared,
    c: Prepared,
    *,
    person: bool = True,
    memo: SimMemo | None = None,
    strict: bool = False,
) -> Scored:
    pairs = tuple(align(q, c, memo, strict=strict))
    cov_q = cov_c = 0.0
    for p in pairs:
        cov_q += sum(q.weights[i] for i in p.q) * p.sim
        cov_c += sum(c.weights[j] for j in p.c) * p.sim
    miss_q, miss_c = _misses(q, c, pairs)
    # Agreement is weighted by rarity (IDF); disagreement by the plain lexicon share: a common
    # surname that differs (Ri vs Choe) is still a difference.
    conflict = min(miss_q, miss_c)
    missing = max(miss_q, miss_c) - conflict
    score = (
        max(cov_q / q.weight_total, cov_c / c.weight_total)
        - _missing_penalty(q, c, person) * missing
        - CONFLICT_PENALTY * conflict
        - _order_penalty(q, c, pairs)
    )
    return Scored(min(1.0, max(0.0, score)), q, c, pairs, person)


def _korean_han(p: Prepared) -> bool:
    """A person's name in Han characters read in Korean (``translit.hanja``)."""
    return p.sino_korean and p.person


def _misses(q: Prepared, c: Prepared, pairs: tuple[Pair, ...]) -> tuple[float, float]:
    """Unexplained share of each side. Against a person's name read in Korean from Han
    characters, every word the other side leaves unmatched counts in full, whatever its
    share: a Korean name is a surname and a given name, so a Latin ``O`` or ``In`` left over
    is a name the characters do not have (吴俊 read ``o chun`` is not ``O In Chun``)."""
    miss_q = _unmatched_share(q, pairs, query_side=True)
    miss_c = _unmatched_share(c, pairs, query_side=False)
    if _korean_han(q) and not c.syllabic:
        miss_c = _unmatched_words(c, pairs, query_side=False)
    elif _korean_han(c) and not q.syllabic:
        miss_q = _unmatched_words(q, pairs, query_side=True)
    return miss_q, miss_c


def _unmatched_words(form: Prepared, pairs: tuple[Pair, ...], *, query_side: bool) -> float:
    used = {i for p in pairs for i in (p.q if query_side else p.c)}
    words = [i for i, t in enumerate(form.form.tokens) if not t.legal]
    return sum(1 for i in words if i not in used) / max(1, len(words))


def _missing_penalty(q: Prepared, c: Prepared, person: bool) -> float:
    # A syllable left out of a Korean or Chinese name changes the name: no cheap omission.
    if q.syllabic or c.syllabic:
        return CONFLICT_PENALTY
    return MISSING_PENALTY if person else MISSING_PENALTY_ORG


def _order_penalty(q: Prepared, c: Prepared, pairs: tuple[Pair, ...]) -> float:
    if not _inverted(pairs):
        return 0.0
    if _korean_han(q) or _korean_han(c):  # Korean names are listed surname first
        return SYLLABLE_ORDER_PENALTY
    if q.syllabic or c.syllabic:
        return SYLLABLE_ORDER_PENALTY if _inverted(pairs, q) else ORDER_PENALTY
    return PATRONYMIC_PENALTY if _patronymic_swapped(q, c, pairs) else ORDER_PENALTY


def _patronymic_swapped(q: Prepared, c: Prepared, pairs: tuple[Pair, ...]) -> bool:
    """``Salman bin Muhammad`` is not ``Muhammad bin Salman``: the word after a matched
    "son of" particle must meet the word after the other side's particle (``Usama bin Laden``
    = ``BIN LADEN, Usama`` keeps it)."""
    if PATRONYMIC.isdisjoint(q.texts) or PATRONYMIC.isdisjoint(c.texts):
        return False
    single = {p.q[0]: p.c for p in pairs if len(p.q) == 1}
    for i, text in enumerate(q.texts[:-1]):
        j = single.get(i)
        if text not in PATRONYMIC or j is None or len(j) != 1 or j[0] + 1 >= len(c.texts):
            continue
        after = single.get(i + 1)
        if after is not None and j[0] + 1 not in after:
            return True
    return False


def _unmatched_share(form: Prepared, pairs: tuple[Pair, ...], *, query_side: bool) -> float:
    used = {i for p in pairs for i in (p.q if query_side else p.c)}
    miss = sum((s for i, s in enumerate(form.shares) if i not in used), 0.0)
    for group in form.given:
        if not used.issuperset(group):  # a given name matched in part is another given name
            miss += sum((form.shares[i] for i in group if i in used), 0.0)
    return miss / form.share_total


def _inverted(pairs: tuple[Pair, ...], syllables_only: Prepared | None = None) -> bool:
    """Matched tokens out of order; with ``syllables_only``, among that query form's syllables
    after the first (a surname may be written first or last; given-name syllables may not move)."""
    if len(pairs) < 2:
        return False
    if syllables_only is not None:
        closed = syllables_only.closed
        pairs = tuple(p for p in pairs if p.q[0] > 0 and all(closed[i] for i in p.q))
    ordered = [p.c[0] for p in sorted(pairs, key=lambda p: p.q[0])]
    return any(a > b for a, b in zip(ordered, ordered[1:], strict=False))


def explain(s: Scored) -> Comparison:
    """The features behind a score: aligned tokens, leftovers, penalties, transliteration."""
    q, c, pairs = s.q, s.c, s.pairs
    feats = [
        Feature("transliteration", 0.0, f"{p.form.translit}: {p.form.text}")
        for p in (q, c)
        if p.form.translit and not p.native
    ]
    for p in pairs:
        mq = sum(q.weights[i] for i in p.q)
        qtext = " ".join(q.texts[i] for i in p.q)
        ctext = " ".join(c.texts[j] for j in p.c)
        feats.append(
            Feature(
                f"token {p.how}",
                round(p.sim * mq / q.weight_total, 3),
                f"{qtext!r} ~ {ctext!r} ({p.sim:.2f})",
            )
        )
    feats.extend(_leftover_features(q, c, pairs))
    miss_q, miss_c = _misses(q, c, pairs)
    conflict = min(miss_q, miss_c)
    missing = max(miss_q, miss_c) - conflict
    if conflict > 0:
        detail = "both names have words the other lacks"
        feats.append(Feature("conflict penalty", round(-CONFLICT_PENALTY * conflict, 3), detail))
    if missing > 0:
        side = "query" if miss_q > miss_c else "candidate"
        penalty = _missing_penalty(q, c, s.person)
        feats.append(
            Feature("missing penalty", round(-penalty * missing, 3), f"{side} has extra words")
        )
    order = _order_penalty(q, c, pairs)
    if order and not (q.syllabic or c.syllabic) and _patronymic_swapped(q, c, pairs):
        detail = "the names on either side of a 'bin'/'ibn' particle are swapped"
        feats.append(Feature("patronymic order", -order, detail))
    elif order:
        feats.append(Feature("word order", -order, "matched words appear in a different order"))
    legal = sorted({t.text for t in (*q.form.tokens, *c.form.tokens) if t.legal})
    if legal:
        feats.append(Feature("legal form", 0.0, f"weighted low: {', '.join(legal)}"))
    return Comparison(s.score, tuple(feats))


def _leftover_features(q: Prepared, c: Prepared, pairs: tuple[Pair, ...]) -> list[Feature]:
    used_q = {i for p in pairs for i in p.q}
    used_c = {j for p in pairs for j in p.c}
    feats = [
        Feature("unmatched query token", -round(q.weights[i], 3), repr(t))
        for i, t in enumerate(q.texts)
        if i not in used_q and q.weights[i] > 0.15
    ]
    feats += [
        Feature("unmatched candidate token", -round(c.weights[j], 3), repr(t))
        for j, t in enumerate(c.texts)
        if j not in used_c and c.weights[j] > 0.15
    ]
    for side, form, used in (("query", q, used_q), ("candidate", c, used_c)):
        for group in form.given:
            if used.intersection(group) and not used.issuperset(group):
                name = " ".join(form.texts[i] for i in group)
                detail = f"{side} given name {name!r} matched in part: it is another given name"
                feats.append(Feature("partial given name", 0.0, detail))
    return feats


def best_pair(
    q_forms: tuple[Prepared, ...],
    c_forms: tuple[Prepared, ...],
    pairs: list[tuple[Prepared, Prepared]] | None = None,
    *,
    person: bool = True,
    memo: SimMemo | None = None,
) -> Scored | None:
    """The best-scoring pair of readings (first wins a tie); ``pairs`` restricts those compared.

    Two Hangul names are compared letter for letter only and two Hanzi names by their pinyin
    only, exact syllables: every romanisation merges some distinct syllables (``종``/``정``
    are both "jong" without breves, ``晶``/``青`` are both Wade-Giles "ching"); a Hanzi name
    and a Hangul name by the Korean reading of the characters, letter for letter; two
    Arabic-script names by their folded letters only (``arabic``).
    """
    if pairs is None:
        pairs = [(q, c) for q in q_forms for c in c_forms]
    strict = False
    if any(q.arabic for q in q_forms) and any(c.arabic for c in c_forms):
        pairs = [(q, c) for q, c in pairs if q.arabic and c.arabic]
    elif any(q.native for q in q_forms) and any(c.native for c in c_forms):
        pairs = [(q, c) for q, c in pairs if q.native and c.native]
    elif any(q.pinyin for q in q_forms) and any(c.pinyin for c in c_forms):
        pairs, strict = [(q, c) for q, c in pairs if q.pinyin and c.pinyin], True
    elif any(q.native or q.hanja for q in q_forms) and any(c.native or c.hanja for c in c_forms):
        # Han characters read in Korean against a Hangul name: letter for letter too
        pairs = [(q, c) for q, c in pairs if (q.native or q.hanja) and (c.native or c.hanja)]
    best: Scored | None = None
    memo = {} if memo is None else memo
    for q, c in pairs:
        s = score_pair(q, c, person=person, memo=memo, strict=strict)
        if best is None or s.score > best.score:
            best = s
    return best
