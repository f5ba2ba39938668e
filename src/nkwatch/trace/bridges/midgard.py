"""THORChain's indexer (Midgard) ``/v2/actions`` JSON, when an analyst has exported it.

Each swap or refund action lists its inbound (``in``: txID, address, coins) and outbound
(``out``) transactions with their assets and amounts (1e8 units for every asset), plus the
inbound memo. An action with an outbound txID is an exact inbound -> outbound link.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nkwatch.errors import UserError
from nkwatch.trace.bridges.thorchain import MemoError, PoolAsset, normalise_hash, parse_asset


@dataclass(frozen=True, slots=True)
class MidgardTx:
    tx_id: str  # normalised hash; "" for an outbound not yet sent or a THORChain-internal one
    address: str
    asset: PoolAsset
    amount: int  # 1e8 units


@dataclass(frozen=True, slots=True)
class MidgardAction:
    kind: str  # swap | refund | ...
    status: str  # success | pending
    date_ns: int
    inbound: tuple[MidgardTx, ...]
    outbound: tuple[MidgardTx, ...]
    memo: str | None


def _mapping(value: Any, what: str, at: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UserError(f"{what} is not an object: {str(value)[:60]!r}", where=at)
    return value


def _list(value: Any, what: str, at: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise UserError(f"{what} is not a list: {str(value)[:60]!r}", where=at)
    return value


def _txs(items: Any, at: str) -> tuple[MidgardTx, ...]:
    out = []
    for item in _list(items, "in/out", at):
        tx = _mapping(item, "a transaction", at)
        for entry in _list(tx.get("coins"), "coins", at):
            coin = _mapping(entry, "a coin", at)
            try:
                asset = parse_asset(str(coin["asset"]))
                amount = int(str(coin["amount"]))
            except (KeyError, ValueError, MemoError) as exc:
                raise UserError(f"bad coin {str(coin)[:120]!r}: {exc}", where=at) from None
            out.append(MidgardTx(normalise_hash(str(tx.get("txID") or "")),
                                 str(tx.get("address") or ""), asset, amount))  # fmt: skip
    return tuple(out)


def parse_actions(doc: Any, at: str = "actions") -> list[MidgardAction]:
    """The ``actions`` list of a Midgard answer (or the list itself)."""
    items = doc.get("actions") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise UserError("expected a Midgard actions document ({'actions': [...]})", where=at)
    found = []
    for n, item in enumerate(items):
        here = f"{at}: action {n}"
        if not isinstance(item, dict) or "type" not in item:
            raise UserError("an action needs a type", where=here)
        meta = _mapping(item.get("metadata"), "metadata", here)
        memo = _mapping(meta.get("swap") or meta.get("refund"), "metadata", here).get("memo")
        try:
            date = int(str(item.get("date") or 0))
        except ValueError:
            raise UserError(
                f"date is not an integer: {str(item.get('date'))[:40]!r}", where=here
            ) from None
        found.append(MidgardAction(str(item["type"]), str(item.get("status") or ""), date,
                                   _txs(item.get("in"), here), _txs(item.get("out"), here),
                                   None if memo is None else str(memo)))  # fmt: skip
    return found


def read_actions(path: Path) -> list[MidgardAction]:
    """A saved Midgard answer, read through the shared bounded readers (UTF-8, nesting,
    integer size)."""
    from nkwatch.boundary import load_json, read_text

    return parse_actions(load_json(read_text(path), where=str(path)), str(path))
