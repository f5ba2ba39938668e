"""The fast search path returns exactly what scoring every candidate one by one returns.

``NameIndex.search`` shares work across candidates (identical readings compared once, token
similarities and fuzzy key expansions memoised, party facts once per party, features built
from the ranking pass's alignment). The reference here scores each candidate name on its own
through ``score_entry`` (fresh query state, explained) and ranks the parties itself.
"""

from __future__ import annotations

import random

import pytest

from nkwatch.sanctions.model import Party
from nkwatch.sanctions.names import NameIndex, NameMatch, NameQuery

LIMIT = 10


def _queries(parties: tuple[Party, ...]) -> list[str]:
    rng = random.Random(11)
    latin = [n.value for p in parties for n in p.names if n.script == "Latn"]
    other = [n.value for p in parties for n in p.names if n.script not in ("Latn", "")]
    typed = []
    for name in rng.sample(latin, 200):
        words = name.split()
        if len(words) > 1 and rng.random() < 0.3:
            words = words[1:] + words[:1]
        text = " ".join(words)
        if len(text) > 4:
            i = rng.randrange(1, len(text) - 1)
            text = text[:i] + text[i + 1 :]
        typed.append(text.lower())
    made_up = ["김민준", "이영철", "刘娟", "张伟", "Иван Петров", "John Smith", "Kim Jong"]
    return typed + rng.sample(other, 100) + made_up


def _reference(index: NameIndex, query: NameQuery) -> list[NameMatch]:
    best: dict[str, NameMatch] = {}
    for eid in index._candidates(index.query_forms(query)):
        match = index.score_entry(query, eid)
        if match is not None and match.score > best.get(match.entity_id, _NONE).score:
            best[match.entity_id] = match
    return sorted(best.values(), key=lambda m: (-m.score, m.entity_id))[:LIMIT]


_NONE = NameMatch("", -1.0, None, ())  # type: ignore[arg-type]


@pytest.mark.timeout(120)
def test_search_equals_one_by_one_scoring(
    real_index: NameIndex, real_parties: tuple[Party, ...]
) -> None:
    queries = _queries(real_parties)
    assert len(queries) > 300
    shown = 0
    for text in queries:
        query = NameQuery(text)
        fast = real_index.search(query, limit=LIMIT)
        ref = _reference(real_index, query)
        assert [(m.entity_id, m.score, m.matched_name, m.explanation) for m in fast] == [
            (m.entity_id, m.score, m.matched_name, m.explanation) for m in ref
        ], text
        shown += len(fast)
    assert shown > 1000  # the comparison covered real candidate lists, not empty results


def test_fuzzy_key_cache_changes_nothing(real_index: NameIndex) -> None:
    queries = [NameQuery(q) for q in ("Kim Jong Un", "Sergey Lavrov", "Yanbian Silvrstar")]
    warm = [real_index._candidates(real_index.query_forms(q)) for q in queries]
    real_index._fuzzy_cache.clear()
    cold = [real_index._candidates(real_index.query_forms(q)) for q in queries]
    assert warm == cold and all(warm)
