"""Name-to-name score: weighted token alignment over transliterated, phonetically keyed forms.

1. Pair tokens one to one, best similarity first: exact text (1.0), same phonetic key
   (0.92, a romanisation variant); then for the leftovers an initial against a word (0.8) or
   an edit distance within the allowance for the length (OSA, -0.1 per edit, on the text or
   the key). Hangul/Hanzi syllables are a closed set and never match fuzzily.
2. Join adjacent leftovers (up to four) to meet a single token on the other side:
   ``CHON MA SAN`` = ``CHONMASAN``, ``yan bian`` = ``Yanbian``, ``PLA`` = People's Liberation Army.
3. Coverage on each side is the weight-summed similarity of aligned tokens (weight = lexicon
   share x corpus IDF). The score starts from the better-covered side, then loses the missing
   penalty x the share one side has and the other simply lacks (a middle name left out) and
   ``CONFLICT_PENALTY`` x the share both sides leave unexplained (``Un`` against ``Man``),
   which is what separates ``KIM JONG UN`` from ``KIM Jong Man``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from nkwatch.sanctions.names.model import Feature
from nkwatch.sanctions.names.normalize import NameForm, Token
from nkwatch.sanctions.names.translit import NATIVE_HANGUL
from nkwatch.sanctions.names.variants import phonetic_key

PHONETIC_SIM = 0.92
INITIAL_SIM = 0.8
ACRONYM_SIM = 0.85  # 'PLA' = People's Liberation Army, 'JC' = Jean-Claude
FUZZY_STEP = 0.1  # similarity lost per edit
MISSING_PENALTY = 0.3  # people: a left-out middle name or patronymic is normal
MISSING_PENALTY_ORG = 0.8  # organisations: an extra word usually names another body
CONFLICT_PENALTY = 0.9
ORDER_PENALTY = 0.04  # surname first or last: both are published
SYLLABLE_ORDER_PENALTY = 0.3  # 은정 is not 정은
MAX_JOIN = 4

Weigher = Callable[[Token], float]


def flat_weight(token: Token) -> float:
    """Weights without corpus statistics (pairwise scoring): the lexicon share alone."""
    return token.share


@dataclass(frozen=True, slots=True)
class Comparison:
    score: float
    features: tuple[Feature, ...]


@dataclass(frozen=True, slots=True)
class _Pair:
    q: tuple[int, ...]
    c: tuple[int, ...]
    sim: float
    how: str


def edit_allowance(length: int) -> int:
    """Edits tolerated in a token of this length: none up to 3, one up to 5, then two."""
    return 0 if length <= 3 else 1 if length <= 5 else 2


def token_similarity(
    a_text: str, a_key: str, b_text: str, b_key: str, *, fuzzy: bool = True
) -> tuple[float, str]:
    """Similarity of two (possibly joined) tokens and how it was established."""
    if a_text == b_text:
        return 1.0, "exact"
    if a_text.isdigit() or b_text.isdigit():
        return 0.0, ""
    if a_key == b_key:
        return PHONETIC_SIM, "phonetic"
    if not fuzzy:
        return 0.0, ""
    if len(a_text) == 1 or len(b_text) == 1:
        if len(a_text) != len(b_text) and (b_text.startswith(a_text) or a_text.startswith(b_text)):
            return INITIAL_SIM, "initial"
        return 0.0, ""
    allowed = edit_allowance(min(len(a_text), len(b_text)))
    if allowed == 0:
        return 0.0, ""
    edits = OSA.distance(a_text, b_text, score_cutoff=allowed + 1)
    if edits <= allowed:
        return 1.0 - FUZZY_STEP * edits, "fuzzy"
    key_edits = OSA.distance(a_key, b_key, score_cutoff=allowed + 1)
    if key_edits <= allowed:
        return PHONETIC_SIM - FUZZY_STEP * key_edits, "fuzzy phonetic"
    return 0.0, ""


def _align(q: tuple[Token, ...], c: tuple[Token, ...]) -> list[_Pair]:
    """Exact/phonetic pairs first, then joins, then fuzzy pairs and fuzzy joins of the rest."""
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[_Pair] = []
    for fuzzy in (False, True):
        pairs.extend(_pair_singles(q, c, used_q, used_c, fuzzy=fuzzy))
        pairs.extend(_join_leftovers(q, c, used_q, used_c, swap=False, fuzzy=fuzzy))
        pairs.extend(_join_leftovers(c, q, used_c, used_q, swap=True, fuzzy=fuzzy))
    return pairs


def _pair_singles(
    q: tuple[Token, ...], c: tuple[Token, ...], used_q: set[int], used_c: set[int], *, fuzzy: bool
) -> list[_Pair]:
    scored: list[_Pair] = []
    for i, qt in enumerate(q):
        if i in used_q:
            continue
        for j, ct in enumerate(c):
            if j in used_c:
                continue
            # Syllables of Hangul/Hanzi readings are a closed set: one letter off is another syllable.
            closed = qt.syllabic or ct.syllabic
            sim, how = token_similarity(
                qt.text, qt.key, ct.text, ct.key, fuzzy=fuzzy and not closed
            )
            if sim > 0:
                scored.append(_Pair((i,), (j,), sim, how))
    scored.sort(key=lambda p: (-p.sim, -(q[p.q[0]].share + c[p.c[0]].share)))
    pairs: list[_Pair] = []
    for p in scored:
        if p.q[0] not in used_q and p.c[0] not in used_c:
            pairs.append(p)
            used_q.add(p.q[0])
            used_c.add(p.c[0])
    return pairs


def _join_leftovers(
    a: tuple[Token, ...],
    b: tuple[Token, ...],
    used_a: set[int],
    used_b: set[int],
    *,
    swap: bool,
    fuzzy: bool,
) -> list[_Pair]:
    """Adjacent unused tokens of ``a`` joined to meet one unused token of ``b``."""
    found: list[_Pair] = []
    free_b = [j for j in range(len(b)) if j not in used_b]
    if not free_b or len(a) - len(used_a) < 2:
        return found
    lengths = {len(b[j].text) for j in free_b}
    near_totals = _near(lengths)
    longest = max(lengths) + 2
    offsets = [0]
    for t in a:
        offsets.append(offsets[-1] + len(t.text))
    for size in range(min(MAX_JOIN, len(a)), 1, -1):
        for start in range(len(a) - size + 1):
            total = offsets[start + size] - offsets[start]
            # a join is tried only when its length is within 2 of a free token's (or, fuzzy,
            # when it has as many words as that token has letters: an acronym)
            if total not in near_totals and not (fuzzy and size in lengths):
                continue
            if not used_a.isdisjoint(range(start, start + size)):
                continue
            span = tuple(range(start, start + size))
            joined = "".join(a[k].text for k in span)
            hit = _meet(joined, span, a, b, free_b, fuzzy=fuzzy, longest=longest)
            if hit is None:
                continue
            j, sim, how = hit
            found.append(_Pair((j,), span, sim, how) if swap else _Pair(span, (j,), sim, how))
            used_a.update(span)
            used_b.add(j)
            free_b.remove(j)
            if not free_b:
                return found
            lengths = {len(b[j].text) for j in free_b}
            near_totals = _near(lengths)
    return found


def _near(lengths: set[int]) -> set[int]:
    """Joined lengths close enough (within 2 letters) to one of these token lengths."""
    return {n + d for n in lengths for d in range(-2, 3)}


def _meet(
    joined: str,
    span: tuple[int, ...],
    a: tuple[Token, ...],
    b: tuple[Token, ...],
    free_b: list[int],
    *,
    fuzzy: bool,
    longest: int,
) -> tuple[int, float, str] | None:
    """The first free token of ``b`` that a joined span of ``a`` spells (or abbreviates)."""
    if fuzzy:
        initials = "".join(a[k].text[0] for k in span)
        for j in free_b:
            if b[j].text == initials:
                return j, ACRONYM_SIM, "acronym"
    if len(joined) > longest:
        return None
    key = "".join(a[k].key for k in span) if not fuzzy else phonetic_key(joined)
    for j in free_b:
        bt = b[j]
        if abs(len(bt.text) - len(joined)) > 2:
            continue
        if not fuzzy:
            if bt.text == joined:
                return j, 1.0, "spacing"
            if bt.key == key or bt.key == phonetic_key(joined):
                return j, PHONETIC_SIM, "spacing+phonetic"
            continue
        sim, how = token_similarity(joined, key, bt.text, bt.key)
        if sim > 0:
            return j, sim, f"spacing+{how}"
    return None


def compare(
    q: NameForm,
    c: NameForm,
    weigh: Weigher = flat_weight,
    *,
    person: bool = True,
    explain: bool = True,
) -> Comparison:
    """Score one query form against one candidate form, with the features that made it.

    ``explain=False`` skips building the features (candidate ranking); the score is the same.
    """
    qw = [weigh(t) for t in q.tokens]
    cw = [weigh(t) for t in c.tokens]
    total_q, total_c = sum(qw) or 1.0, sum(cw) or 1.0
    pairs = _align(q.tokens, c.tokens)
    feats: list[Feature] = []
    cov_q = cov_c = 0.0
    for p in pairs:
        mq, mc = sum(qw[i] for i in p.q), sum(cw[j] for j in p.c)
        cov_q += mq * p.sim
        cov_c += mc * p.sim
        if not explain:
            continue
        qtext = " ".join(q.tokens[i].text for i in p.q)
        ctext = " ".join(c.tokens[j].text for j in p.c)
        feats.append(
            Feature(
                f"token {p.how}",
                round(p.sim * mq / total_q, 3),
                f"{qtext!r} ~ {ctext!r} ({p.sim:.2f})",
            )
        )
    qcov, ccov = cov_q / total_q, cov_c / total_c
    # Agreement is weighted by rarity (IDF); disagreement by the plain lexicon share: a common
    # surname that differs (Ri vs Choe) is still a difference.
    miss_q, miss_c = (
        _unmatched_share(q, pairs, query_side=True),
        _unmatched_share(c, pairs, query_side=False),
    )
    conflict = min(miss_q, miss_c)
    missing = max(miss_q, miss_c) - conflict
    syllabic = any(t.syllabic for t in q.tokens) or any(t.syllabic for t in c.tokens)
    # A syllable left out of a Korean or Chinese name changes the name: no cheap omission.
    missing_penalty = (
        CONFLICT_PENALTY if syllabic else MISSING_PENALTY if person else MISSING_PENALTY_ORG
    )
    score = max(qcov, ccov) - missing_penalty * missing - CONFLICT_PENALTY * conflict
    order_penalty = (
        SYLLABLE_ORDER_PENALTY if syllabic and _inverted(pairs, syllables_only=q) else ORDER_PENALTY
    )
    if not explain:
        score -= order_penalty if _inverted(pairs) else 0.0
        return Comparison(min(1.0, max(0.0, score)), ())
    feats.extend(_leftover_features(q, c, pairs, qw, cw))
    if conflict > 0:
        feats.append(
            Feature(
                "conflict penalty",
                round(-CONFLICT_PENALTY * conflict, 3),
                "both names have words the other lacks",
            )
        )
    if missing > 0:
        side = "query" if miss_q > miss_c else "candidate"
        feats.append(
            Feature(
                "missing penalty", round(-missing_penalty * missing, 3), f"{side} has extra words"
            )
        )
    if _inverted(pairs):
        score -= order_penalty
        feats.append(
            Feature("word order", -order_penalty, "matched words appear in a different order")
        )
    legal = sorted({t.text for t in (*q.tokens, *c.tokens) if t.legal})
    if legal:
        feats.append(Feature("legal form", 0.0, f"weighted low: {', '.join(legal)}"))
    return Comparison(min(1.0, max(0.0, score)), tuple(feats))


def _leftover_features(
    q: NameForm, c: NameForm, pairs: list[_Pair], qw: list[float], cw: list[float]
) -> list[Feature]:
    used_q = {i for p in pairs for i in p.q}
    used_c = {j for p in pairs for j in p.c}
    feats = [
        Feature("unmatched query token", -round(qw[i], 3), repr(t.text))
        for i, t in enumerate(q.tokens)
        if i not in used_q and qw[i] > 0.15
    ]
    feats += [
        Feature("unmatched candidate token", -round(cw[j], 3), repr(t.text))
        for j, t in enumerate(c.tokens)
        if j not in used_c and cw[j] > 0.15
    ]
    return feats


def _unmatched_share(form: NameForm, pairs: list[_Pair], *, query_side: bool) -> float:
    used = {i for p in pairs for i in (p.q if query_side else p.c)}
    total = sum(t.share for t in form.tokens) or 1.0
    return sum(t.share for i, t in enumerate(form.tokens) if i not in used) / total


def _inverted(pairs: list[_Pair], syllables_only: NameForm | None = None) -> bool:
    """Matched tokens out of order; with ``syllables_only``, among that query form's syllables
    after the first (a surname may be written first or last; given-name syllables may not move)."""
    if syllables_only is not None:
        pairs = [
            p for p in pairs if p.q[0] > 0 and all(syllables_only.tokens[i].syllabic for i in p.q)
        ]
    ordered = [p.c[0] for p in sorted(pairs, key=lambda p: p.q[0])]
    return any(a > b for a, b in zip(ordered, ordered[1:], strict=False))


def _native(form: NameForm) -> bool:
    return form.translit == NATIVE_HANGUL


def best_comparison(
    q_forms: tuple[NameForm, ...],
    c_forms: tuple[NameForm, ...],
    weigh: Weigher = flat_weight,
    *,
    person: bool = True,
    explain: bool = True,
    pairs: list[tuple[NameForm, NameForm]] | None = None,
) -> tuple[Comparison, NameForm, NameForm] | None:
    """The best-scoring pair of readings, with the transliteration used named in the features.

    Two Hangul names are compared letter for letter only: every romanisation merges some
    distinct syllables (``종``/``정`` are both "jong" without breves). ``pairs`` restricts the
    readings compared (the index passes those sharing a key).
    """
    native_only = any(map(_native, q_forms)) and any(map(_native, c_forms))
    best: tuple[Comparison, NameForm, NameForm] | None = None
    if pairs is None:
        pairs = [(qf, cf) for qf in q_forms for cf in c_forms]
    for qf, cf in pairs:
        if native_only and not (_native(qf) and _native(cf)):
            continue
        comp = compare(qf, cf, weigh, person=person, explain=explain)
        if best is None or comp.score > best[0].score:
            best = (comp, qf, cf)
    if best is None:
        return None
    comp, qf, cf = best
    if not explain:
        return best
    extra = [
        Feature("transliteration", 0.0, f"{f.translit}: {f.text}")
        for f in (qf, cf)
        if f.translit and not _native(f)
    ]
    return Comparison(comp.score, (*extra, *comp.features)), qf, cf
