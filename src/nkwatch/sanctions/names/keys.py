"""Index keys: what a name form is filed under, so a query meets its candidates without a scan.

A form is filed under the phonetic key of every distinctive token, of every pair of adjacent
tokens joined (``jong un`` -> ``jongun``) and of all its distinctive tokens joined (the
compact form: ``chon ma san`` -> ``chonmasan``). Keys are also cut into character trigrams,
so a misspelt query token still reaches the keys it nearly equals.

A joined key concatenates the token keys (cheap, and it keeps the surname folding: ``lee
jong`` = ``ri jong``). When a join includes syllables of a Hangul or Hanzi reading, it is
also filed under the key of the joined *text*: the other side may write those syllables as
one Latin word (``cui ying`` = ``Cuiying``), whose key is not the concatenation of the
syllable keys (``ki`` + ``ink`` != ``kuiink``). Runs of three or four syllables are
joined too: a foreign or brand name written in characters is one Latin word.
"""

from __future__ import annotations

from nkwatch.sanctions.names.normalize import NameForm, Token
from nkwatch.sanctions.names.variants import phonetic_key

MIN_FUZZY_LEN = 4
MAX_SYLLABLE_JOIN = 4  # longer runs are several words, met by the pair and whole-name keys


def _join(
    keys: dict[str, tuple[int, ...]], tokens: tuple[Token, ...], span: tuple[int, ...]
) -> None:
    keys.setdefault("".join(tokens[i].key for i in span), span)
    if any(tokens[i].syllabic for i in span):
        keys.setdefault(phonetic_key("".join(tokens[i].text for i in span)), span)


def form_keys(form: NameForm) -> dict[str, tuple[int, ...]]:
    """Key -> indexes of the form's tokens it stands for."""
    keys: dict[str, tuple[int, ...]] = {}
    tokens = form.tokens
    idx = [i for i, t in enumerate(tokens) if not t.legal and t.share > 0.1]
    if not idx:  # only generic words (``LLC MV``): they are all the name has
        idx = [i for i, t in enumerate(tokens) if not t.legal]
    for i in idx:
        keys.setdefault(tokens[i].key, (i,))
    for a, b in zip(idx, idx[1:], strict=False):
        _join(keys, tokens, (a, b))
    if len(idx) > 2:
        _join(keys, tokens, tuple(idx))
    _syllable_words(keys, tokens)
    return keys


def _syllable_words(keys: dict[str, tuple[int, ...]], tokens: tuple[Token, ...]) -> None:
    """Runs of three or four Han/Hangul syllables joined: a foreign or brand name written in
    characters (``薩利塔`` sa li ta = Salita, ``依明巴海`` = Yimingbahai) is one Latin word."""
    run: list[int] = []
    for i, tok in enumerate((*tokens, None)):
        if tok is not None and tok.syllabic and not tok.legal:
            run.append(i)
            continue
        for size in range(3, min(MAX_SYLLABLE_JOIN, len(run)) + 1):
            for start in range(len(run) - size + 1):
                _join(keys, tokens, tuple(run[start : start + size]))
        run = []


def trigrams(key: str) -> set[str]:
    padded = f"^{key}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}
