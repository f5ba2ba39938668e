"""The bundled example applicant book: a small seeded synthetic population, screened once.

Why: on a fresh ``nkwatch serve`` the Applicants page shows a real review queue (flagged
people with evidence and sources, linked clusters) instead of an empty table, as the Bybit
case does for tracing. The book is the hiring generator's output (fake people, planted
operator identities), so nothing about a real person is shipped; its screening uses the
store's active sanctions lists when there are any, like ``nkwatch hiring screen``.
"""

from __future__ import annotations

import hashlib
import json

from nkwatch.hiring import repository
from nkwatch.hiring.screening import screen
from nkwatch.store import Store

EXAMPLE_SOURCE = "bundled example: synthetic applicant book (200 records, seed 7)"
EXAMPLE_SIZE = 200
EXAMPLE_SEED = 7
EXAMPLE_POOL = 120  # fake names/places drawn per kind: enough for 200 records, quick to build


def ensure_example_book(store: Store) -> int:
    """The id of the stored example screening, generating and screening it on first use."""
    found = repository.screening_ids(store, source=EXAMPLE_SOURCE, limit=1)
    if found:
        return found[0]
    from nkwatch.hiring.sanctions_adapter import screening_options
    from nkwatch.hiring.synthetic import SyntheticConfig, generate, to_bundle
    from nkwatch.sanctions import DEFAULT_CACHE, list_versions

    data = generate(
        SyntheticConfig(n=EXAMPLE_SIZE, seed=EXAMPLE_SEED, pool_size=EXAMPLE_POOL)
    ).dataset
    active = any(v.active for v in list_versions(store))
    result = screen(data, screening_options(DEFAULT_CACHE.get(store) if active else None))
    digest = hashlib.sha256(
        json.dumps(to_bundle(data), ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
    return repository.save(
        store, result, source=EXAMPLE_SOURCE, sha256=digest, actor="bundle", audited=False
    )
