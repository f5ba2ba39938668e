"""Importers: files users already have -> transfers in the store, in one transaction.

Each format registers an :class:`Importer` (the built-ins the same way a plug-in would).
A reader yields model values and raises :class:`~nkwatch.errors.UserError` naming the file
and line for bad input; :func:`import_files` writes everything in one store transaction,
so a bad row anywhere leaves the store exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from nkwatch.boundary import LIMITS
from nkwatch.chains import chain_id
from nkwatch.errors import UserError
from nkwatch.store import Store
from nkwatch.trace.bridges.abi import RawLog
from nkwatch.trace.model import Transfer, UtxoTx
from nkwatch.trace.repository import add_transfers, add_utxo_txs


@dataclass(frozen=True)
class ImportOptions:
    chain: str | None = None
    from_address: str | None = None  # for explorer exports that list one address's outflows
    token_decimals: dict[str, int] = field(default_factory=dict)  # contract -> decimals
    assume_decimals: int | None = None  # for unknown tokens (recorded in the source tag)


Reader = Callable[[Sequence[Path], ImportOptions], Iterable[Transfer | UtxoTx | RawLog]]


@dataclass(frozen=True)
class Importer:
    name: str
    model: str  # "account" | "utxo"
    read: Reader
    summary: str


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    if importer.name in _REGISTRY:
        raise ValueError(f"importer {importer.name!r} already registered")
    _REGISTRY[importer.name] = importer
    return importer


def get_importer(name: str) -> Importer:
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UserError(
            f"unknown import format {name!r} (known: {known})", where="FORMAT"
        ) from None


def importer_names() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def _load_builtins() -> None:
    from nkwatch.trace.importers import bitcoin_etl, btc_2009, ethereum_etl, etherscan_csv  # noqa: F401


def _check_store_range(transfers: Sequence[Transfer]) -> None:
    """The store keeps amounts as HUGEINT: a larger one is refused by name, never wrapped."""
    from nkwatch.trace.importers.common import STORE_MAX_AMOUNT

    for t in transfers:
        if t.amount > STORE_MAX_AMOUNT or t.fee > STORE_MAX_AMOUNT:
            raise UserError(
                f"transfer {t.tx_hash} (index {t.index}): amount {max(t.amount, t.fee)} is above"
                f" the largest the store keeps exactly (2**127 - 1); import it into the lake"
                " (nkwatch trace import --lake DIR), which keeps amounts up to 2**256 - 1",
                where="amount",
            )


@dataclass(frozen=True)
class ImportSummary:
    format: str
    read: int
    added: int


def import_files(
    store: Store, fmt: str, paths: Sequence[Path], options: ImportOptions | None = None
) -> ImportSummary:
    importer = get_importer(fmt)
    options = options or ImportOptions()
    if options.chain is not None:  # any spelling ("eth", "1") is stored under the chain's id
        options = replace(options, chain=chain_id(options.chain))
    if len(paths) > LIMITS.file_count:
        raise UserError(
            f"{len(paths):,} files given (limit file_count={LIMITS.file_count:,})", where="PATHS"
        )
    for path in paths:
        if not path.exists():
            raise UserError("no such file or directory", where=str(path))
    items = list(importer.read(paths, options))
    if not items:
        raise UserError(
            f"no transfers found: is this a {fmt} file?", where=",".join(map(str, paths))[:300]
        )
    source = f"{fmt}:" + ",".join(p.name for p in paths)
    if options.assume_decimals is not None:
        source += f" (unknown tokens: {options.assume_decimals} decimals assumed)"
    with store.transaction():
        if importer.model == "utxo":
            txs = [i for i in items if isinstance(i, UtxoTx)]
            added = add_utxo_txs(store, txs, source=source)
        else:
            transfers = [i for i in items if isinstance(i, Transfer)]
            _check_store_range(transfers)
            added = add_transfers(store, transfers, source=source)
        logs = [i for i in items if isinstance(i, RawLog)]
        if logs:
            from nkwatch.trace.logstore import add_logs

            added += add_logs(store, logs, source=source)
    return ImportSummary(fmt, len(items), added)
