"""Token alignment of two prepared readings: which tokens stand for which, and how alike they are.

1. Pair tokens one to one, best similarity first: exact text (1.0), same phonetic key
   (0.92, a romanisation variant); then for the leftovers an initial against a word (0.8) or
   an edit distance within the allowance for the length (OSA, -0.1 per edit, on the text or
   the key). Hangul/Hanzi syllables are a closed set and never match fuzzily. Look-alikes
   are kept apart: a Chinese given-name syllable meets a word only as spelt, a lone letter
   ending a vessel's name is no initial, acronyms and lone letters are not folded by sound,
   two patronymics are compared by the fathers' names, and personal names get a narrower
   fuzzy rule on the phonetic key (the first sound kept; two key edits from eight letters).
2. Join adjacent leftovers (up to four) to meet a single token on the other side:
   ``CHON MA SAN`` = ``CHONMASAN``, ``yan bian`` = ``Yanbian``, ``PLA`` = People's Liberation
   Army. In a person's syllable name a surname is never joined to a given-name syllable
   (``xu na`` is not ``Shona``) and one syllable is never spelt by several words (``chun`` is
   not ``Choe Un``); joined given-name syllables meet a word exactly or syllable by syllable.

Two Arabic-script names are aligned on their folded letters (``arabic.similarity``), with
exact joins only (``عبد الرحمن`` = ``عبدالرحمن``).

``strict`` (two Hanzi names, compared by pinyin) allows exact tokens and exact joins only:
Wade-Giles and phonetic keys merge distinct characters (``晶`` jing, ``青`` qing: both ching),
and a syllable pair must also be the same character (``何`` and ``贺`` are both ``he``).
A per-query ``SimMemo`` keeps token similarities, which repeat across the candidates.
"""

from __future__ import annotations

import re
from typing import Final

from rapidfuzz.distance import OSA

from nkwatch.sanctions.names.arabic import similarity as arabic_similarity
from nkwatch.sanctions.names.han import pinyin_syllables, same_character
from nkwatch.sanctions.names.lexicon import lexicon
from nkwatch.sanctions.names.prepared import GIVEN, OTHER, SURNAME, Prepared
from nkwatch.sanctions.names.variants import phonetic_key

PHONETIC_SIM = 0.92
INITIAL_SIM = 0.8
ACRONYM_SIM = 0.85  # 'PLA' = People's Liberation Army, 'JC' = Jean-Claude
FUZZY_STEP = 0.1  # similarity lost per edit
LONG_KEY_FUZZY = 8  # letters from which two edits on the phonetic key are tolerated
MAX_JOIN = 4
_FIRST_PASS = frozenset({"exact", "phonetic", "article"})
_VOWELLESS = re.compile(r"^[^aeiouy]+$")
ANYASCII = "anyascii"  # label of the generic romanisation (translit registry)
# Russian/Ukrainian/Belarusian patronymic endings as romanised (-ovich, -yevna, -ichna ...)
_PATRONYMIC_END = re.compile(r"(?:ov|ev|yev|iev)(?:itch|ich|ych|na)$|ichna$")

# (query text, candidate text, comparison kind: _LOOSE, _CLOSED or _PERSONAL) -> similarity
SimMemo = dict[tuple[str, str, int], tuple[float, str]]
_LOOSE, _CLOSED, _PERSONAL = 0, 1, 2


class Pair:
    """Query tokens ``q`` stand for candidate tokens ``c`` with similarity ``sim`` (``how``).

    Immutable by contract (``Final``: mypy rejects reassignment). Not a frozen dataclass: the
    aligner makes ~50 per query, and mypyc compiles a plain class to a native one, whose
    construction is several times cheaper than a frozen dataclass's ``__init__``.
    """

    __slots__ = ("c", "how", "q", "sim")

    def __init__(self, q: tuple[int, ...], c: tuple[int, ...], sim: float, how: str) -> None:
        self.q: Final = q
        self.c: Final = c
        self.sim: Final = sim
        self.how: Final = how

    def __repr__(self) -> str:
        return f"Pair(q={self.q}, c={self.c}, sim={self.sim}, how={self.how!r})"


def edit_allowance(length: int) -> int:
    """Edits tolerated in a token of this length: none up to 3, one up to 5, then two."""
    return 0 if length <= 3 else 1 if length <= 5 else 2


def token_similarity(
    a_text: str, a_key: str, b_text: str, b_key: str, *, fuzzy: bool = True, person: bool = False
) -> tuple[float, str]:
    """Similarity of two (possibly joined) tokens and how it was established; ``person``:
    two words of personal names (see ``LONG_KEY_FUZZY``)."""
    if a_text == b_text:
        return 1.0, "exact"
    if a_text.isdigit() or b_text.isdigit():
        return 0.0, ""
    if a_key == b_key and _by_sound(a_text, b_text):
        return PHONETIC_SIM, "phonetic"
    if not fuzzy:
        return 0.0, ""
    if len(a_text) == 1 or len(b_text) == 1:
        if len(a_text) != len(b_text) and (b_text.startswith(a_text) or a_text.startswith(b_text)):
            return INITIAL_SIM, "initial"
        return 0.0, ""
    if _other_fathers(a_text, b_text):
        return 0.0, ""
    allowed = edit_allowance(min(len(a_text), len(b_text)))
    if allowed == 0:
        return 0.0, ""
    edits = OSA.distance(a_text, b_text, score_cutoff=allowed + 1)
    if edits <= allowed:
        return 1.0 - FUZZY_STEP * edits, "fuzzy"
    # The key already folds spellings: in personal names, two more edits on it only for long
    # words (``Aleksandr`` ~ ``Alexander``, not ``Jordan`` ~ ``Kurian``). Company words keep
    # them (``energy`` ~ ``energies``, ``lei ming`` ~ ``Rayming``).
    if person and min(len(a_text), len(b_text)) < LONG_KEY_FUZZY:
        allowed = min(allowed, 1)
    if (person and a_key[:1] != b_key[:1]) or not _by_sound(a_text, b_text):
        return 0.0, ""  # ... and keep the first sound (as Soundex does): Darya is not Maria
    key_edits = OSA.distance(a_key, b_key, score_cutoff=allowed + 1)
    if key_edits <= allowed:
        return PHONETIC_SIM - FUZZY_STEP * key_edits, "fuzzy phonetic"
    return 0.0, ""


def _by_sound(a_text: str, b_text: str) -> bool:
    """Two lone letters are two names, not spellings of one sound (Korean ``O`` and ``U`` are
    two surnames; ``I`` still meets ``Ri``)."""
    return len(a_text) > 1 or len(b_text) > 1


def _skeleton(p: Prepared, i: int) -> bool:
    """A vowelless word of a generic (anyascii) romanisation: the consonant skeleton of an
    abjad spelling (Arabic ``غامد`` -> ``ghmd``), which matches only as written (not ``KMT``)."""
    return ANYASCII in p.form.translit and _VOWELLESS.match(p.texts[i]) is not None


def _other_fathers(a_text: str, b_text: str) -> bool:
    """Two patronymics naming different fathers: the shared ending must not carry a fuzzy
    match (``Igorevich`` is not ``Nikolaevich``; ``Yuryevich`` is ``Yurevich``)."""
    ma, mb = _PATRONYMIC_END.search(a_text), _PATRONYMIC_END.search(b_text)
    if ma is None or mb is None or ma.start() < 3 or mb.start() < 3:
        return False
    a_stem, b_stem = a_text[: ma.start()], b_text[: mb.start()]
    a_key, b_key = phonetic_key(a_stem), phonetic_key(b_stem)
    if a_stem == b_stem or a_key == b_key:
        return False
    allowed = edit_allowance(min(len(a_stem), len(b_stem)))
    return (
        OSA.distance(a_stem, b_stem, score_cutoff=allowed + 1) > allowed
        and OSA.distance(a_key, b_key, score_cutoff=allowed + 1) > allowed
    )


def align(
    q: Prepared, c: Prepared, memo: SimMemo | None = None, *, strict: bool = False
) -> list[Pair]:
    """Exact/phonetic pairs first, then joins, then fuzzy pairs and fuzzy joins of the rest."""
    memo = {} if memo is None else memo
    used_q: set[int] = set()
    used_c: set[int] = set()
    arabic = q.arabic and c.arabic
    singles = _singles(q, c, memo, strict=strict, arabic=arabic)
    pairs = _greedy([p for p in singles if p.how in _FIRST_PASS], q, c, used_q, used_c)
    strict = strict or arabic  # Arabic words: exact joins only
    for fuzzy in (False, True):
        if fuzzy:
            if strict and not arabic:
                break
            rest = [p for p in singles if p.how not in _FIRST_PASS]
            pairs.extend(_greedy(rest, q, c, used_q, used_c))
            if arabic:
                break
        if len(used_q) == len(q.texts) or len(used_c) == len(c.texts):
            break  # nothing left to join on one side
        if len(q.texts) - len(used_q) >= 2:
            pairs.extend(
                _join_leftovers(q, c, used_q, used_c, swap=False, fuzzy=fuzzy, strict=strict)
            )
        if len(c.texts) - len(used_c) >= 2 and len(used_q) < len(q.texts):
            pairs.extend(
                _join_leftovers(c, q, used_c, used_q, swap=True, fuzzy=fuzzy, strict=strict)
            )
    return pairs


def _singles(q: Prepared, c: Prepared, memo: SimMemo, *, strict: bool, arabic: bool) -> list[Pair]:
    """Every one-to-one token pair with a similarity, in query-then-candidate order."""
    out: list[Pair] = []
    if arabic:
        for i, qt in enumerate(q.texts):
            for j, ct in enumerate(c.texts):
                found = memo.get((qt, ct, _LOOSE))
                if found is None:
                    found = memo[(qt, ct, _LOOSE)] = arabic_similarity(qt, ct)
                if found[0] > 0:
                    out.append(Pair((i,), (j,), found[0], found[1]))
        return out
    personal = q.person and c.person
    for i, (qt, qk, q_closed) in enumerate(zip(q.texts, q.keys, q.closed, strict=True)):
        for j, (ct, ck, c_closed) in enumerate(zip(c.texts, c.keys, c.closed, strict=True)):
            closed = q_closed or c_closed
            if strict and closed:
                if qt == ct and same_character(q.han, i, c.han, j):
                    out.append(Pair((i,), (j,), 1.0, "exact"))
                continue
            kind = _CLOSED if closed else _PERSONAL if personal else _LOOSE
            mkey = (qt, ct, kind)
            found = memo.get(mkey)
            if found is None:
                found = memo[mkey] = token_similarity(
                    qt, qk, ct, ck, fuzzy=not closed, person=kind == _PERSONAL
                )
            if found[0] > 0 and (
                found[1] == "exact"
                or (
                    not _series_letter(q, i)
                    and not _series_letter(c, j)
                    and not _skeleton(q, i)
                    and not _skeleton(c, j)
                    and not _han_bound(q, i, ct)
                    and not _han_bound(c, j, qt)
                )
            ):
                out.append(Pair((i,), (j,), found[0], found[1]))
    return out


def _series_letter(p: Prepared, i: int) -> bool:
    """A lone letter ending a vessel's or company's name is a series or hull letter, not an
    initial (``MONICA S`` is not Monica Schaefer, ``SONIA I`` is not Sonia Lee)."""
    return not p.person and i == len(p.texts) - 1 and len(p.texts[i]) == 1


def _han_given(p: Prepared, i: int) -> bool:
    return (p.hanzi or p.sino_korean) and p.roles[i] == GIVEN


def _han_bound(p: Prepared, i: int, other: str) -> bool:
    """Whether a syllable of a Chinese personal name may meet ``other`` only as spelt.

    In a Mandarin reading (pinyin, Wade-Giles) a given-name syllable meets a word only as
    spelt, never through the phonetic key, which folds Korean surname spellings, vowels and
    voicing (``li`` ~ ``yi``, ``rui`` ~ ``yi``, ``tung`` ~ ``tong``). A surname keeps its
    spelling variants (``li`` ~ ``Lee``) but not another pinyin syllable, which is another
    surname (``zhou`` is not ``Chu``, ``chang`` not ``Zhang``). Hong Kong (Cantonese)
    spellings vary (``Kei``/``Ki``): that reading keeps the phonetic key. A Korean reading of
    Han characters (``translit.hanja``) is bound the same way, its surname keeping only the
    spellings of the surname table (洪东 read ``hong tong`` is not ``TONG HUNG``): a Chinese
    name read in Korean must not gain the looser folds of Korean romanisations.
    """
    if p.roles[i] == OTHER:
        return False
    if p.sino_korean:
        return p.roles[i] == GIVEN or not _same_surname(p.texts[i], other)
    if not p.hanzi:
        return False
    return p.roles[i] == GIVEN or other in pinyin_syllables()


def _same_surname(a: str, b: str) -> bool:
    """Two spellings of one Korean surname in the surname table (``ri`` ~ ``Lee``)."""
    surname = lexicon().surname
    return surname.get(a, a) == surname.get(b, b)


def _greedy(
    scored: list[Pair], q: Prepared, c: Prepared, used_q: set[int], used_c: set[int]
) -> list[Pair]:
    scored = [p for p in scored if p.q[0] not in used_q and p.c[0] not in used_c]
    scored.sort(key=lambda p: (-p.sim, -(q.shares[p.q[0]] + c.shares[p.c[0]])))
    pairs: list[Pair] = []
    for p in scored:
        if p.q[0] not in used_q and p.c[0] not in used_c:
            pairs.append(p)
            used_q.add(p.q[0])
            used_c.add(p.c[0])
    return pairs


def _join_leftovers(
    a: Prepared,
    b: Prepared,
    used_a: set[int],
    used_b: set[int],
    *,
    swap: bool,
    fuzzy: bool,
    strict: bool,
) -> list[Pair]:
    """Adjacent unused tokens of ``a`` joined to meet one unused token of ``b``."""
    found: list[Pair] = []
    n = len(a.texts)
    run = _joinable_runs(a, used_a)
    if max(run, default=0) < 2:
        return found
    free_b = [j for j in range(len(b.texts)) if j not in used_b and b.roles[j] == OTHER]
    if not free_b:
        return found
    lengths = {len(b.texts[j]) for j in free_b}
    near_totals = _near(lengths)
    offsets = a.offsets
    for size in range(min(MAX_JOIN, n), 1, -1):
        for start in range(n - size + 1):
            if run[start] < size:  # a used token or a surname inside the span
                continue
            total = offsets[start + size] - offsets[start]
            # a join is tried only when its length is within 2 of a free token's (or, fuzzy,
            # when it has as many words as that token has letters: an acronym)
            acronym = fuzzy and size in lengths
            if total not in near_totals and not acronym:
                continue
            span = tuple(range(start, start + size))
            hit = _meet(a, span, b, free_b, fuzzy=fuzzy, strict=strict, lengths=lengths)
            if hit is None:
                continue
            j, sim, how = hit
            found.append(Pair((j,), span, sim, how) if swap else Pair(span, (j,), sim, how))
            used_a.update(span)
            used_b.add(j)
            free_b.remove(j)
            if not free_b:
                return found
            run = _joinable_runs(a, used_a)
            lengths = {len(b.texts[j]) for j in free_b}
            near_totals = _near(lengths)
    return found


def _joinable_runs(a: Prepared, used: set[int]) -> list[int]:
    """For each token, how many tokens from it on are unused and not a surname (joinable)."""
    run = [0] * (len(a.texts) + 1)
    for k in range(len(a.texts) - 1, -1, -1):
        run[k] = 0 if k in used or a.roles[k] == SURNAME else run[k + 1] + 1
    return run


def _near(lengths: set[int]) -> set[int]:
    """Joined lengths close enough (within 2 letters) to one of these token lengths."""
    return {n + d for n in lengths for d in range(-2, 3)}


def _meet(
    a: Prepared,
    span: tuple[int, ...],
    b: Prepared,
    free_b: list[int],
    *,
    fuzzy: bool,
    strict: bool,
    lengths: set[int],
) -> tuple[int, float, str] | None:
    """The first free token of ``b`` that a joined span of ``a`` spells (or abbreviates)."""
    if fuzzy and len(span) in lengths:
        initials = "".join(a.texts[k][0] for k in span)
        for j in free_b:
            if b.texts[j] == initials:
                return j, ACRONYM_SIM, "acronym"
    joined = "".join(a.texts[k] for k in span)
    if len(joined) > max(lengths) + 2:
        return None
    # Joined given-name syllables meet a word as spelt, or as a variant of each syllable, never
    # by re-keying the letters across syllable bounds (``gui ying`` is not ``Cuiying``).
    syllables = any(a.roles[k] != OTHER for k in span)
    if fuzzy and syllables:
        return None
    # Chinese given syllables (read in Mandarin or Korean) and consonant skeletons: as spelt
    spelt_only = any(_han_given(a, k) or _skeleton(a, k) for k in span)
    key = "".join(a.keys[k] for k in span) if not fuzzy else phonetic_key(joined)
    for j in free_b:
        bt = b.texts[j]
        if abs(len(bt) - len(joined)) > 2:
            continue
        if strict and b.han and b.han[j] and a.han and any(a.han[k] for k in span):
            continue  # several characters never spell one
        as_spelt = spelt_only or _skeleton(b, j)
        if not fuzzy:
            if bt == joined:
                return j, 1.0, "spacing"
            if (
                not strict
                and not as_spelt
                and (b.keys[j] == key or (not syllables and b.keys[j] == phonetic_key(joined)))
            ):
                return j, PHONETIC_SIM, "spacing+phonetic"
            continue
        if as_spelt:
            continue
        sim, how = token_similarity(joined, key, bt, b.keys[j])
        if sim > 0:
            return j, sim, f"spacing+{how}"
    return None
