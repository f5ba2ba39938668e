"""Index keys: what a name form is filed under, so a query meets its candidates without a scan.

A form is filed under the phonetic key of every distinctive token, of every pair of adjacent
tokens joined (``jong un`` -> ``jongun``) and of all its distinctive tokens joined (the
compact form: ``chon ma san`` -> ``chonmasan``). Keys are also cut into character trigrams,
so a misspelt query token still reaches the keys it nearly equals.
"""

from __future__ import annotations

from nkwatch.sanctions.names.normalize import NameForm

MIN_FUZZY_LEN = 4


def form_keys(form: NameForm) -> dict[str, tuple[int, ...]]:
    """Key -> indexes of the form's tokens it stands for."""
    keys: dict[str, tuple[int, ...]] = {}
    idx = [i for i, t in enumerate(form.tokens) if not t.legal and t.share > 0.1]
    for i in idx:
        keys.setdefault(form.tokens[i].key, (i,))
    # Joined keys concatenate token keys: cheap, and the query side is built the same way.
    for a, b in zip(idx, idx[1:], strict=False):
        keys.setdefault(form.tokens[a].key + form.tokens[b].key, (a, b))
    if len(idx) > 2:
        keys.setdefault("".join(form.tokens[i].key for i in idx), tuple(idx))
    return keys


def trigrams(key: str) -> set[str]:
    padded = f"^{key}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}
