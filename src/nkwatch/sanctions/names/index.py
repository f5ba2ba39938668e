"""NameIndex: the whole OFAC + UN name corpus in memory, searched by key, scored by alignment.

``build`` analyses every published name into its readings (``normalize``), files each reading
under its keys (``keys``) and counts key document frequencies for IDF weights. ``search``
gathers candidates from the exact and trigram-fuzzy key postings and from the keys of written
words one edit away (a SymSpell-style deletion table, ``key_spellings``) with numpy, scores only the
best few hundred readings with ``score.compare``, applies party facts (weak alias, schema,
date of birth, country, identifiers) and returns candidates best first, not cut at a threshold.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA

from nkwatch.errors import UserError
from nkwatch.sanctions.model import Party, PartyName, Schema
from nkwatch.sanctions.names import arabic, han
from nkwatch.sanctions.names.align import SimMemo
from nkwatch.sanctions.names.facts import (
    has_facts,
    korea_linked,
    party_facts,
    weak_alias,
    weak_capped,
)
from nkwatch.sanctions.names.keys import MIN_FUZZY_LEN, form_keys, trigrams
from nkwatch.sanctions.names.model import Feature, NameMatch, NameQuery
from nkwatch.sanctions.names.normalize import NameForm, Token, analyze
from nkwatch.sanctions.names.postings import Postings
from nkwatch.sanctions.names.prepared import PINYIN, Idf, Prepared, personal_shape, prepare
from nkwatch.sanctions.names.score import Scored, best_pair, explain

MAX_QUERY_CHARS = 1000
CANDIDATES = 24  # names scored in full per query
TIED_CANDIDATES = 48  # ... and those tied with the last of them, up to this many in all
CANDIDATE_FLOOR = 0.4  # share of a query reading's key weight a candidate must reach
RELATIVE_FLOOR = 0.3  # ... and share of the best candidate's key weight
FUZZY_DICE = 0.6  # trigram Dice overlap for a fuzzy key hit
FUZZY_PER_TOKEN = 24
IDF_FLOOR = 0.3
FUZZY_CACHE = 100_000  # query keys whose fuzzy expansions are kept
MIN_EDIT_KEY, MAX_EDIT_KEY = 4, 9  # keys also met at one edit through their deletions
MIN_SPELL, MAX_SPELL = 4, 16  # written words met at one edit through their deletions
NEAR_EXISTING = 5  # letters from which a word names are filed under is also met at one edit
PERSON, KOREA = 1, 2  # party flags: a person; Korean readings of Han names may name it
_MISSING = np.empty(0, dtype=np.int32)  # fuzzy cache: not looked up yet

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One indexed name: its party (position), the name, its readings and their index keys."""

    party: int
    name: PartyName
    forms: tuple[NameForm, ...]
    keys: tuple[frozenset[str], ...]  # index keys of each form
    sig: int  # same number for entries with identical readings (a name on OFAC and UN lists)
    arabic: NameForm | None  # folded Arabic-letter reading of an all-Arabic-script name


class _QueryContext:
    """One query's readings, their index keys, prepared forms and token-similarity memo.

    With no schema given, a person candidate is compared with the query read as a person's
    name and any other candidate with the query read as an organisation's (candidates are
    gathered with both readings); a query shaped like a Korean or Chinese personal name
    (``personal_shape``) keeps its surname/given-name roles in the organisation reading.
    """

    def __init__(self, query: NameQuery, forms: tuple[NameForm, ...], idf: Idf) -> None:
        self.forms = forms
        self.memo: SimMemo = {}
        self._name = query.name.strip()
        self._schema = query.schema
        self._idf = idf
        # a personal-name-shaped query keeps its name roles against any candidate
        self._shaped = query.schema is None and personal_shape(self._name)
        self._prepared: dict[bool, tuple[tuple[Prepared, ...], list[frozenset[str]]]] = {}
        self._plain: dict[bool, tuple[tuple[Prepared, ...], list[frozenset[str]]]] = {}
        self._arabic_form = arabic.reading(self._name)
        self._arabic: dict[bool, Prepared | None] = {}
        # a Han query compares a Han name's characters; others never need them (nor OpenCC)
        self.han = any(f.translit == PINYIN for f in forms)

    def prepared(self, person: bool) -> tuple[tuple[Prepared, ...], list[frozenset[str]]]:
        """Prepared readings compared with a (non-)person candidate, and their index keys."""
        found = self._prepared.get(person)
        if found is None:
            forms = (
                self.forms if self._schema is not None else analyze(self._name, is_person=person)
            )
            found = self._prepared[person] = (
                tuple(prepare(f, person or self._shaped, self._idf, self._name) for f in forms),
                [frozenset(form_keys(f)) for f in forms],
            )
        return found

    def without_korean(self, person: bool) -> tuple[tuple[Prepared, ...], list[frozenset[str]]]:
        """``prepared`` without the Korean readings of Han characters."""
        found = self._plain.get(person)
        if found is None:
            forms, keys = self.prepared(person)
            kept = [k for k, f in enumerate(forms) if not (f.sino_korean or f.hanja)]
            found = self._plain[person] = (tuple(forms[k] for k in kept), [keys[k] for k in kept])
        return found

    def arabic(self, person: bool) -> Prepared | None:
        """The folded Arabic-letter reading of an all-Arabic-script query (else ``None``)."""
        if person not in self._arabic:
            form = self._arabic_form
            self._arabic[person] = (
                None if form is None else prepare(form, person, self._idf, self._name)
            )
        return self._arabic[person]


def analyze_for(name: str, schema: Schema | None) -> tuple[NameForm, ...]:
    """Readings of a name; with no schema given, both the personal and the organisation reading."""
    if schema is not None:
        return analyze(name, is_person=schema is Schema.PERSON)
    forms = {f.text: f for f in analyze(name, is_person=True)}
    for f in analyze(name, is_person=False):
        forms.setdefault(f.text, f)
    return tuple(forms.values())


class NameIndex:
    """Name index over parties; build once per set of active list versions.

    ``parties`` and ``entries`` may be sequences that decode on access (a persisted index,
    ``persist.load``): a search touches only its candidates. Such an index also brings each
    party's entity id and flags (``party_flags``), so that ranking candidates decodes none of
    their parties: only those shown are.
    """

    def __init__(
        self,
        parties: Sequence[Party],
        entries: Sequence[IndexEntry],
        postings: Postings,
        grams: Postings | None = None,
        deletes: Postings | None = None,
        spelled: Postings | None = None,
        spelled_deletes: Postings | None = None,
        party_ids: Sequence[str] | None = None,
        flags: Sequence[int] | None = None,
    ) -> None:
        if (party_ids is not None and len(party_ids) != len(parties)) or (
            flags is not None and len(flags) != len(parties)
        ):
            raise ValueError("one entity id and one flag set per party")
        self._parties = parties
        self._party_ids = party_ids
        self._flags = flags
        self._entries = entries
        self._prepared: dict[tuple[int, bool, bool], tuple[Prepared, ...]] = {}
        self._plain: dict[
            tuple[int, bool, bool], tuple[tuple[Prepared, ...], tuple[frozenset[str], ...]]
        ] = {}
        self._arabic: dict[tuple[int, bool], Prepared | None] = {}
        self._fuzzy_cache: dict[tuple[str, bool, str], IntArray | None] = {}
        self._postings = postings
        self._vocab = postings.keys
        self._vocab_len = np.fromiter(map(len, self._vocab), dtype=np.int32, count=len(postings))
        self._grams = grams if grams is not None else key_trigrams(self._vocab)
        self._deletes = deletes if deletes is not None else key_deletions(self._vocab)
        if spelled is None or spelled_deletes is None:
            spelled, spelled_deletes = key_spellings(entries, postings)
        self._spelled = spelled
        self._spelled_deletes = spelled_deletes
        self._korean: dict[int, bool] = {}  # party -> whether Korean readings of Han names apply
        n = max(1, len(entries))
        self._idf_full = math.log((n + 1) / (max(3.0, n * 0.0005) + 1))
        # IDF factor per key, 1.0 for keys in <= 0.05% of names, floored for very common ones
        # (Kim, Ri, Mohammed). Flat below 1,000 names, where frequencies mean nothing.
        self._idf: dict[str, float] = {}
        if n >= 1000:
            sizes = postings.sizes()
            # only keys filed more often than the full-weight count can weigh less than 1.0
            for vid in np.flatnonzero(sizes > max(3.0, n * 0.0005) - 1).tolist():
                idf = math.log((n + 1) / (int(sizes[vid]) + 1)) / self._idf_full
                if idf < 1.0:
                    self._idf[self._vocab[vid]] = max(IDF_FLOOR, idf)

    @classmethod
    def build(cls, parties: Iterable[Party]) -> NameIndex:
        plist = list(parties)
        entries: list[IndexEntry] = []
        postings: dict[str, list[int]] = defaultdict(list)
        sigs: dict[tuple[tuple[NameForm, ...], str, str], int] = {}
        for pi, party in enumerate(plist):
            for name in party.names:
                forms = analyze(name.value, is_person=party.schema is Schema.PERSON)
                if not forms:
                    continue
                eid = len(entries)
                form_key_sets = tuple(frozenset(form_keys(form)) for form in forms)
                letters = arabic.reading(name.value)
                own = (han.signature(name.value), letters.text if letters is not None else "")
                sig = sigs.setdefault((forms, *own), len(sigs))
                entries.append(IndexEntry(pi, name, forms, form_key_sets, sig, letters))
                # sorted: the vocabulary order (and so every tie below) must not follow string hashes
                for key in sorted(frozenset().union(*form_key_sets)):
                    postings[key].append(eid)
        return cls(plist, entries, Postings.from_lists(postings))

    def __len__(self) -> int:
        return len(self._parties)

    @property
    def parties(self) -> Sequence[Party]:
        return self._parties

    @property
    def entries(self) -> Sequence[IndexEntry]:
        """Every indexed name, in filing order (what ``persist`` writes)."""
        return self._entries

    @property
    def postings(self) -> Postings:
        return self._postings

    @property
    def grams(self) -> Postings:
        """Trigram -> vocabulary ids of the fuzzy-searchable keys."""
        return self._grams

    @property
    def spelled(self) -> Postings:
        """Distinctive written word of the indexed names -> vocabulary ids of its keys."""
        return self._spelled

    @property
    def spelled_deletes(self) -> Postings:
        """One-letter deletion of a written word (and the word itself) -> ids in ``spelled``."""
        return self._spelled_deletes

    @property
    def deletes(self) -> Postings:
        """One-letter deletion of a short key (and the key itself) -> vocabulary ids."""
        return self._deletes

    def _korea(self, party: int) -> bool:
        """Whether Korean readings of Han names may name this party (``korea_linked``)."""
        found = self._korean.get(party)
        if found is None:
            flags = self._flags
            found = self._korean[party] = (
                bool(flags[party] & KOREA)
                if flags is not None
                else korea_linked(self._parties[party])
            )
        return found

    def _person(self, party: int) -> bool:
        if self._flags is not None:
            return bool(self._flags[party] & PERSON)
        return self._parties[party].schema is Schema.PERSON

    def _entity_id(self, party: int) -> str:
        ids = self._party_ids
        return ids[party] if ids is not None else self._parties[party].entity_id

    def party_flags(self) -> list[int]:
        """Each party's ``PERSON`` and ``KOREA`` flags (what ``persist`` stores)."""
        return [party_flags(p) for p in self._parties]

    def weight(self, token: Token) -> float:
        """Token weight: lexicon share x IDF of its phonetic key over the indexed names."""
        return token.share * self._idf.get(token.key, 1.0)

    def idf(self, token: Token) -> float:
        """IDF factor of a token's phonetic key over the indexed names (1.0 for rare keys)."""
        return self._idf.get(token.key, 1.0)

    def search(
        self, query: NameQuery, limit: int = 10, floor: float | None = None
    ) -> list[NameMatch]:
        """Candidates ranked best first, each with its explanation: the best ``limit`` of
        them, and of those only the ones scoring at least ``floor`` (given a threshold, the
        others are neither explained nor their parties decoded: what is returned is what the
        search without ``floor`` returns, cut at it)."""
        ctx = _QueryContext(query, self.query_forms(query), self.idf)
        # party -> (score, entry, scored reading pair), ranked without features
        best: dict[int, tuple[float, int, Scored]] = {}
        # Identical readings score identically: compare them once per query (party facts differ
        # and are applied per entry in ``_finish``).
        memo: dict[tuple[int, bool, bool], Scored | None] = {}
        facts: dict[int, float] = {}  # party -> score adjustment from the query's other facts
        weigh_facts = has_facts(query)
        for eid in self._candidates(ctx.forms):
            entry = self._entries[eid]
            person = self._person(entry.party)
            mkey = (entry.sig, person, self._korea(entry.party))
            if mkey not in memo:
                memo[mkey] = self._compare(ctx, entry, person)
            found = memo[mkey]
            if found is None:
                continue
            adjust = facts.get(entry.party) if weigh_facts else 0.0
            if adjust is None:
                party_feats = party_facts(query, self._parties[entry.party])
                adjust = facts[entry.party] = sum(f.weight_or_value for f in party_feats)
            score = _final_score(entry.name, found.score, adjust)
            if score > best.get(entry.party, (-1.0, -1, None))[0]:
                best[entry.party] = (score, eid, found)
        ranked = sorted(
            best.values(),
            key=lambda se: (-se[0], self._entity_id(self._entries[se[1]].party)),
        )[:limit]
        # Features are built for the shown candidates only, from the alignment that won above
        # (its final score is the ranking score: the same party facts, applied the same way).
        return [
            self._finish(query, self._entries[eid], found.score, explain(found).features)
            for score, eid, found in ranked
            if floor is None or score >= floor
        ]

    def candidate_names(self, query: NameQuery) -> list[tuple[Party, PartyName]]:
        """The names a search scores in full (for benchmarks and debugging), best key hits first."""
        entries = (self._entries[e] for e in self._candidates(self.query_forms(query)))
        return [(self._parties[e.party], e.name) for e in entries]

    def query_forms(self, query: NameQuery) -> tuple[NameForm, ...]:
        """Validated readings of a query name (``UserError`` for empty or oversized input)."""
        name = query.name.strip()
        if not name:
            raise UserError("name query is empty")
        if len(name) > MAX_QUERY_CHARS:
            raise UserError(
                f"name query is {len(name):,} characters long; the limit is {MAX_QUERY_CHARS:,}"
            )
        forms = analyze_for(name, query.schema)
        if not forms:
            raise UserError(f"name query {name[:60]!r} has no letters or digits to match")
        return forms

    def score_entry(self, query: NameQuery, eid: int) -> NameMatch | None:
        """Full score of one indexed name against the query, explained, with party facts."""
        entry = self._entries[eid]
        person = self._person(entry.party)
        ctx = _QueryContext(query, self.query_forms(query), self.idf)
        found = self._compare(ctx, entry, person)
        if found is None:
            return None
        return self._finish(query, entry, found.score, explain(found).features)

    def _compare(self, ctx: _QueryContext, entry: IndexEntry, person: bool) -> Scored | None:
        q_arabic = ctx.arabic(person)
        if q_arabic is not None:  # two Arabic-script names: compared on their letters only
            c_arabic = self._arabic_entry(entry, person)
            if c_arabic is not None:
                return best_pair((q_arabic,), (c_arabic,), person=person, memo=ctx.memo)
        if self._korea(entry.party):
            q_forms, q_keys = ctx.prepared(person)
            c_forms, c_keys = self._prepared_entry(entry, person, ctx.han), entry.keys
        else:  # Han characters read in Korean name Korea-linked parties only
            q_forms, q_keys = ctx.without_korean(person)
            c_forms, c_keys = self._plain_entry(entry, person, ctx.han)
        pairs = [
            (qf, cf)
            for qf, qk in zip(q_forms, q_keys, strict=True)
            for cf, ck in zip(c_forms, c_keys, strict=True)
            if qk & ck
        ]
        return best_pair(q_forms, c_forms, pairs or None, person=person, memo=ctx.memo)

    def _prepared_entry(self, entry: IndexEntry, person: bool, chars: bool) -> tuple[Prepared, ...]:
        """The entry's prepared readings; ``chars``: with the Han characters behind a pinyin
        reading (only a Han query compares them)."""
        key = (entry.sig, person, chars)
        found = self._prepared.get(key)
        if found is None:
            name = entry.name.value if chars else ""
            found = self._prepared[key] = tuple(
                prepare(f, person, self.idf, name) for f in entry.forms
            )
        return found

    def _plain_entry(
        self, entry: IndexEntry, person: bool, chars: bool
    ) -> tuple[tuple[Prepared, ...], tuple[frozenset[str], ...]]:
        """The entry's prepared readings and keys without Korean readings of Han characters."""
        key = (entry.sig, person, chars)
        found = self._plain.get(key)
        if found is None:
            forms = self._prepared_entry(entry, person, chars)
            kept = [k for k, f in enumerate(forms) if not (f.sino_korean or f.hanja)]
            found = self._plain[key] = (
                tuple(forms[k] for k in kept),
                tuple(entry.keys[k] for k in kept),
            )
        return found

    def _arabic_entry(self, entry: IndexEntry, person: bool) -> Prepared | None:
        key = (entry.sig, person)
        if key not in self._arabic:
            form = entry.arabic
            self._arabic[key] = (
                None if form is None else prepare(form, person, self.idf, entry.name.value)
            )
        return self._arabic[key]

    def _finish(
        self, query: NameQuery, entry: IndexEntry, score: float, feats: tuple[Feature, ...]
    ) -> NameMatch:
        party = self._parties[entry.party]
        _, weak_feats = weak_alias(score, entry.name)
        facts = party_facts(query, party)
        final = _final_score(entry.name, score, sum(f.weight_or_value for f in facts))
        return NameMatch(party.entity_id, final, entry.name, (*feats, *weak_feats, *facts))

    def _candidates(self, q_forms: tuple[NameForm, ...]) -> list[int]:
        """Readings sharing the most of one query reading's key weight (exact or fuzzy hits).

        Each query reading is weighed on its own: a candidate's share is the best share of any
        one reading's key weight it carries, so a name that fully meets a short reading (托爾幹
        read as one word, Torgan) is not cut because another reading of the query is long.
        Candidates are ranked by ``_reading_weights``' rank share and cut at the word share
        (``CANDIDATE_FLOOR``); those tied with the last one kept are kept too, up to
        ``TIED_CANDIDATES``.
        """
        share: npt.NDArray[np.float64] | None = None
        rank: npt.NDArray[np.float64] | None = None
        for form in q_forms:
            found = self._reading_weights(form)
            if found is not None:
                share = found[0] if share is None else np.maximum(share, found[0])
                rank = found[1] if rank is None else np.maximum(rank, found[1])
        if share is None or rank is None:
            return []
        top = _top_k(rank, CANDIDATES, TIED_CANDIDATES)
        if not len(top):
            return []
        floor = max(CANDIDATE_FLOOR, RELATIVE_FLOOR * float(share.max()))
        return [int(e) for e in top if share[e] >= floor]

    def _reading_weights(self, form: NameForm) -> tuple[FloatArray, FloatArray] | None:
        """Per entry: the share of this reading's word-key weight its exact and fuzzy hits
        carry (joined keys add to it), and the share it is ranked by.

        A Latin reading is ranked by its share of all its keys, joined ones included, capped at
        1: the person and organisation readings of one name differ in their keys (legal forms
        fold in the latter only), and the person reading of ``Joint Stock Company Iliadis``
        would otherwise rank every joint stock company (``joint stock`` joined) above the
        Iliadis its organisation reading meets in full. A reading from another script keeps
        its word share as rank: its syllables are joined in many runs, and ranking by all of
        them lost Han names on the cross-script bench.
        """
        total = whole = 0.0
        ids: list[IntArray] = []
        weights: list[FloatArray] = []
        for key, idx in form_keys(form).items():
            w = sum(self.weight(form.tokens[i]) for i in idx)
            single = len(idx) == 1
            whole += w
            if single:
                total += w
            posting = self._postings.get(key)
            if posting is not None:
                ids.append(posting)
                weights.append(np.full(len(posting), w))
            terms = _near_terms(form, idx, posting is None)
            fuzzy_posting = None if terms is None else self._fuzzy_postings(key, *terms)
            if fuzzy_posting is not None:
                ids.append(fuzzy_posting)
                weights.append(np.full(len(fuzzy_posting), 0.7 * w))
        if not ids or total <= 0.0:
            return None
        acc = np.bincount(
            np.concatenate(ids), weights=np.concatenate(weights), minlength=len(self._entries)
        )
        share = acc / total
        return share, share if form.translit else np.minimum(acc / whole, 1.0)

    def _fuzzy_postings(self, key: str, near: bool, spelling: str) -> IntArray | None:
        """Entries filed under keys that nearly equal ``key`` (``near``: also those one edit
        away) or under the keys of words one edit from the written ``spelling``, concatenated
        in key order.

        Cached per key: names share surnames and syllables, so batches repeat keys a lot.
        """
        found = self._fuzzy_cache.get((key, near, spelling), _MISSING)
        if found is not _MISSING:
            return found
        vids = self._fuzzy(key, near)
        if spelling:
            own = self._postings.key_id(key)
            vids = [*vids, *(v for v in self._spelled_near(spelling) if v != own and v not in vids)]
        found = np.concatenate([self._postings.at(v) for v in vids]) if vids else None
        if len(self._fuzzy_cache) >= FUZZY_CACHE:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[(key, near, spelling)] = found
        return found

    def _fuzzy(self, key: str, near: bool) -> list[int]:
        """Keys one edit away (short keys, ``near``), then keys sharing most trigrams."""
        close = self._one_edit(key) if near else []
        found = self._trigram_fuzzy(key)
        if not close:
            return found
        return [*close, *(v for v in found if v not in close)][:FUZZY_PER_TOKEN]

    def _one_edit(self, key: str) -> list[int]:
        """Vocabulary keys at one edit (substitution, insertion, deletion, adjacent swap)."""
        if not MIN_EDIT_KEY <= len(key) <= MAX_EDIT_KEY + 1 or not key.isalpha():
            return []
        exact = self._postings.key_id(key)
        seen: set[int] = set()
        near: list[int] = []
        for variant in (key, *_deletions(key)):
            posting = self._deletes.get(variant)
            for vid in () if posting is None else posting.tolist():
                if vid != exact and vid not in seen:
                    seen.add(vid)
                    if OSA.distance(key, self._vocab[vid], score_cutoff=1) <= 1:
                        near.append(vid)
        near.sort()  # vocabulary order: stable across processes
        return near[:FUZZY_PER_TOKEN]

    def _spelled_near(self, spelling: str) -> list[int]:
        """Keys of the indexed words one edit (OSA: a letter replaced, left out, added or two
        swapped) from the written word ``spelling``, found through shared deletions."""
        if not MIN_SPELL <= len(spelling) <= MAX_SPELL + 1 or not spelling.isalpha():
            return []
        seen: set[int] = set()
        out: list[int] = []
        for variant in (spelling, *_deletions(spelling)):
            posting = self._spelled_deletes.get(variant)
            for sid in () if posting is None else posting.tolist():
                if sid in seen:
                    continue
                seen.add(sid)
                other = self._spelled.keys[sid]
                if other != spelling and OSA.distance(spelling, other, score_cutoff=1) <= 1:
                    out.extend(v for v in self._spelled.at(sid).tolist() if v not in out)
        out.sort()  # vocabulary order: stable across processes
        return out[:FUZZY_PER_TOKEN]

    def _trigram_fuzzy(self, key: str) -> list[int]:
        if len(key) < MIN_FUZZY_LEN or not key.isalpha():
            return []
        grams = [p for g in trigrams(key) if (p := self._grams.get(g)) is not None]
        if not grams:
            return []
        counts = np.bincount(np.concatenate(grams))
        cand = np.flatnonzero(counts >= max(2, int(FUZZY_DICE * (len(key) + 2) / 2)))
        if cand.size == 0:
            return []
        q_n = len(key)
        dice = 2 * counts[cand] / (q_n + self._vocab_len[cand])
        keep = cand[dice >= FUZZY_DICE]
        exact = self._postings.key_id(key)
        order = keep[np.argsort(-dice[dice >= FUZZY_DICE], kind="stable")][:FUZZY_PER_TOKEN]
        return [int(v) for v in order if v != exact]


def party_flags(party: Party) -> int:
    """``PERSON`` and ``KOREA`` (``korea_linked``) of one party, as one number."""
    return (PERSON if party.schema is Schema.PERSON else 0) | (KOREA if korea_linked(party) else 0)


def key_trigrams(vocab: Sequence[str]) -> Postings:
    """Trigram -> ids of the vocabulary keys long and alphabetic enough for fuzzy hits."""
    grams: dict[str, list[int]] = defaultdict(list)
    for vid, key in enumerate(vocab):
        if len(key) >= MIN_FUZZY_LEN and key.isalpha():
            for g in trigrams(key):
                grams[g].append(vid)
    return Postings.from_lists(grams)


def key_deletions(vocab: Sequence[str]) -> Postings:
    """Each one-letter deletion of a short key -> ids of the keys it comes from (and each such
    key under itself): keys one edit apart share an entry (``sogn``/``song`` share ``sog``)."""
    deletes: dict[str, list[int]] = defaultdict(list)
    for vid, key in enumerate(vocab):
        if MIN_EDIT_KEY <= len(key) <= MAX_EDIT_KEY and key.isalpha():
            for variant in sorted(_deletions(key) | {key}):
                deletes[variant].append(vid)
    return Postings.from_lists(deletes)


def key_spellings(entries: Sequence[IndexEntry], postings: Postings) -> tuple[Postings, Postings]:
    """Each distinctive written word of the indexed names (folded, not keyed) -> vocabulary
    ids of its keys; and each one-letter deletion of such a word (and the word) -> its id."""
    spelled: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        for form in entry.forms:
            for key, span in form_keys(form).items():
                token = form.tokens[span[0]]
                if len(span) == 1 and _spelling(token.text) and not token.syllabic:
                    vid = postings.key_id(key)
                    if vid is not None:
                        spelled[token.text].add(vid)
    words = sorted(spelled)
    deletes: dict[str, list[int]] = defaultdict(list)
    for sid, word in enumerate(words):
        for variant in sorted(_deletions(word) | {word}):
            deletes[variant].append(sid)
    return (
        Postings.from_lists({w: sorted(spelled[w]) for w in words}),
        Postings.from_lists(deletes),
    )


def _spelling(text: str) -> bool:
    """A written word long enough (and short enough) to be met at one edit."""
    return MIN_SPELL <= len(text) <= MAX_SPELL and text.isalpha()


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _near_terms(form: NameForm, idx: tuple[int, ...], missing: bool) -> tuple[bool, str] | None:
    """How a query key is met fuzzily: (one key edit, the written word met at one edit); None:
    not at all (a joined key). A single word's key is met by trigrams in any case.

    Never at one edit: a romanised Han/Hangul syllable (a closed set).
    Keys one edit away only for a key no name is filed under; the written word one edit away
    also for a word some name has, from ``NEAR_EXISTING`` letters: ``Siidki`` keys as a name
    some party has, yet is ``Sidiki`` with two letters swapped; a four-letter word is too
    often another name (from four letters, ``Sara Tran`` met ``IRAN SADRA`` at 0.86 on the
    false-positive bench).
    """
    if len(idx) != 1:
        return None
    if form.tokens[idx[0]].syllabic:
        return False, ""
    text = form.tokens[idx[0]].text
    return missing, text if missing or len(text) >= NEAR_EXISTING else ""


def _final_score(name: PartyName, score: float, adjust: float) -> float:
    """Name score with the weak-alias cap and the party facts' adjustment, rounded as shown."""
    capped = weak_capped(score, name)
    final = min(1.0, max(0.0, capped + adjust))
    return round(min(final, capped) if name.weak else final, 4)


def _top_k(acc: npt.NDArray[Any], k: int, tied: int) -> IntArray:
    """Ids of the ``k`` largest non-zero values and those tied with the ``k``-th, at most
    ``tied`` in all, best first; ties beyond that go to the lower id (stable across processes,
    unlike an order that follows string hashes)."""
    ids = np.flatnonzero(acc > 0)  # acc >= 0; a boolean scan is 4x faster than a float one
    vals = acc[ids]
    if len(ids) > k:
        kth = np.partition(vals, len(vals) - k)[len(vals) - k]
        above = ids[vals > kth]
        ids = np.concatenate([above, ids[vals == kth][: max(k, tied) - len(above)]])
    return ids[np.lexsort((ids, -acc[ids]))].astype(np.int32)


def match_names(query: str, candidate: str, schema: Schema | None = None) -> NameMatch:
    """Pairwise score through the same code path as a search: a one-party index, no cut-off."""
    party = Party("pair", "pair", schema or Schema.PERSON, (PartyName(candidate),))
    index = NameIndex.build([party])
    q = NameQuery(query, schema)
    return index.score_entry(q, 0) or NameMatch("pair", 0.0, party.names[0], ())
