"""Noise that is not stolen funds and must not be followed.

* **Fake tokens**: anyone can deploy a token called "ETH" or "stЕTH" (Cyrillic Е). A token
  is genuine only if its contract is the canonical one for its symbol (shipped list,
  ``data/chain/canonical_tokens.csv``); a symbol that *looks like* a canonical symbol or the
  native coin after folding homoglyphs (Cyrillic/Greek look-alikes, NFKC width forms) on
  another contract is fake; other unknown tokens are "unverified" and not traced unless
  asked for by name.
* **Address poisoning**: look-alike recipients that share the first 6 characters (``0x`` +
  4 hex) and the last 4 hex characters with a genuine counterparty, but differ in full.
* **Dust**: tainted flows below the threshold are booked to the dust bucket by the kernel.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from nkwatch.chains import find_chain
from nkwatch.trace.graph import TransferGraph

# Letters of other scripts that render like Latin ones (a focused subset of Unicode
# confusables: the ones seen in token-impersonation campaigns).
_CONFUSABLE = str.maketrans(
    "АВЕКМНОРСТХУЅІЈаеорсухѕіјтнкмвΑΒΕΗΙΚΜΝΟΡΤΧΥΖοντ",
    "ABEKMHOPCTXYSIJaeopcyxsijthkmbABEHIKMNOPTXYZovt",
)


def fold_symbol(symbol: str) -> str:
    """A token symbol as a reader sees it: NFKC, homoglyphs folded to Latin, case folded."""
    text = unicodedata.normalize("NFKC", symbol).translate(_CONFUSABLE)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("C", "Z"))).lower()


@dataclass(frozen=True)
class CanonicalToken:
    chain: str
    contract: str
    symbol: str
    decimals: int
    name: str


@cache
def canonical_tokens() -> tuple[CanonicalToken, ...]:
    text = (resources.files("nkwatch.data") / "chain" / "canonical_tokens.csv").read_text("utf-8")
    return tuple(
        CanonicalToken(
            r["chain"], r["contract"].lower(), r["symbol"], int(r["decimals"]), r["name"]
        )
        for r in csv.DictReader(text.splitlines())
    )


@dataclass(frozen=True)
class AssetVerdict:
    asset_id: int
    kind: str  # native | genuine | fake | unverified
    reason: str


def classify_asset(chain: str, symbol: str, contract: str | None) -> tuple[str, str]:
    if contract is None:
        return "native", "the chain's own coin"
    known = {t.contract: t for t in canonical_tokens() if t.chain == chain}
    if contract.lower() in known:
        return "genuine", f"canonical {known[contract.lower()].name} contract"
    folded = fold_symbol(symbol)
    imitated = {fold_symbol(t.symbol): t.symbol for t in known.values()}
    known_chain = find_chain(chain)
    native = known_chain.symbol if known_chain is not None else None
    if native:
        imitated.setdefault(fold_symbol(native), native)
    non_ascii = not symbol.isascii()
    for shape, real in imitated.items():
        if folded == shape or (non_ascii and folded.startswith(shape)):
            how = "homoglyph symbol" if non_ascii else "same symbol"
            return "fake", f"{how} imitating {real} on a non-canonical contract"
    if non_ascii:
        return "fake", "non-ASCII symbol on an unknown contract"
    return "unverified", "unknown token contract"


def classify_assets(graph: TransferGraph) -> list[AssetVerdict]:
    return [
        AssetVerdict(i, *classify_asset(graph.chain, a.symbol, a.contract))
        for i, a in enumerate(graph.assets)
    ]


def real_assets(graph: TransferGraph) -> list[int]:
    """Asset ids worth tracing by default: the native coin and canonical tokens."""
    return [v.asset_id for v in classify_assets(graph) if v.kind in ("native", "genuine")]


@dataclass(frozen=True)
class Lookalike:
    address: str
    imitates: str
    transfers: int  # noise transfers it received


def _shape(address: str, head: int, tail: int) -> tuple[str, str]:
    return address[:head].lower(), address[-tail:].lower()


def lookalikes(graph: TransferGraph, *, head: int = 6, tail: int = 4) -> list[Lookalike]:
    """Recipients of noise (fake tokens, zero-value) that imitate a genuine recipient."""
    real = np.zeros(len(graph.assets), np.bool_)
    real[real_assets(graph)] = True
    genuine_edge = real[graph.asset] & (graph.amount > 0)
    genuine = {graph.addresses[i] for i in np.unique(graph.dst[genuine_edge])}
    genuine |= {graph.addresses[i] for i in np.unique(graph.src[genuine_edge])}
    by_shape: dict[tuple[str, str], list[str]] = {}
    for address in genuine:
        by_shape.setdefault(_shape(address, head, tail), []).append(address)
    noise_dst, counts = np.unique(graph.dst[~genuine_edge], return_counts=True)
    found: list[Lookalike] = []
    for aid, n in zip(noise_dst.tolist(), counts.tolist(), strict=True):
        address = graph.addresses[aid]
        if address in genuine:
            continue
        twins = by_shape.get(_shape(address, head, tail))
        if twins:
            found.append(Lookalike(address, sorted(twins)[0], int(n)))
    return sorted(found, key=lambda x: x.address)
