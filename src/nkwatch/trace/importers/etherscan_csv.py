"""Explorer transfer exports (Etherscan-style), as in ``chain/bybit_2025/hop*.csv``.

Columns: ``hash, timestamp_utc, to, amount, asset, kind, contract, block, is_error`` and
optionally ``from`` (else ``--from-address``: such exports list one address's outflows),
``decimals`` and ``chain_name``. ``amount`` is in whole units, so a token row needs its
decimals: from the file, the canonical token list, ``--token-decimals`` or an explicit
``--assume-decimals`` (recorded in the import's source). Token rows without a log index
get a stable index derived from sender, recipient, contract and amount.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from nkwatch.chains import chain_id, get_chain
from nkwatch.errors import UserError
from nkwatch.trace.importers import Importer, ImportOptions, register
from nkwatch.trace.importers.common import (
    address,
    base_units,
    integer,
    read_csv,
    timestamp,
    where,
)
from nkwatch.trace.importers.common import tx_hash as parse_tx_hash
from nkwatch.trace.model import Asset, Transfer, TransferKind
from nkwatch.trace.noise import canonical_tokens
from nkwatch.trace.params import MAX_DECIMALS

REQUIRED = (
    "hash",
    "timestamp_utc",
    "to",
    "amount",
    "asset",
    "kind",
    "contract",
    "block",
    "is_error",
)


def _decimals(chain: str, contract: str, row: dict[str, str], opts: ImportOptions, at: str) -> int:
    if row.get("decimals", "").strip():
        return integer(row["decimals"], at, "decimals", MAX_DECIMALS)
    if contract in opts.token_decimals:
        return opts.token_decimals[contract]
    for token in canonical_tokens():
        if token.chain == chain and token.contract == contract:
            return token.decimals
    if opts.assume_decimals is not None:
        return opts.assume_decimals
    raise UserError(
        f"token {contract} has no decimals (add a decimals column, --token-decimals or "
        "--assume-decimals)",
        where=at,
    )


def _token_index(
    seen: dict[tuple[str, int], int], tx_hash: str, sender: str, row: dict[str, str], contract: str
) -> int:
    """No log index in these exports: derive a stable one from what the row says, so the
    same event exported in two files (spoofed batch events are) is stored once."""
    if row.get("log_index", "").strip().isdigit():
        return int(row["log_index"])
    key = f"{sender.lower()}|{row['to'].strip().lower()}|{contract}|{row['amount'].strip()}"
    base = zlib.crc32(key.encode()) & 0x3FFFFFFF
    n = seen.get((tx_hash, base), 0)
    seen[(tx_hash, base)] = n + 1
    return base + n


def _read_file(path: Path, opts: ImportOptions) -> Iterator[Transfer]:
    token_pos: dict[tuple[str, int], int] = {}
    for n, row in read_csv(path, REQUIRED):
        at = where(path, n)
        chain = opts.chain or chain_id(row.get("chain_name") or "ethereum", where=at)
        sender = row.get("from") or opts.from_address
        if not sender:
            raise UserError("no 'from' column: pass --from-address", where=str(path))
        kind_text = row["kind"].strip().lower()
        if kind_text not in ("native", "token", "internal"):
            raise UserError(f"unknown kind {row['kind']!r}", where=at)
        kind = TransferKind(kind_text)
        tx_hash = parse_tx_hash(row["hash"], at)
        if kind is TransferKind.TOKEN:
            contract = address(chain, row["contract"], at, "contract")
            asset = Asset(chain, row["asset"], _decimals(chain, contract, row, opts, at), contract)
            index = _token_index(token_pos, tx_hash, sender, row, contract)
        else:
            native = get_chain(chain)
            asset = Asset(chain, native.symbol, native.decimals)
            index = 0
        yield Transfer(
            chain=chain,
            tx_hash=tx_hash,
            index=index,
            kind=kind,
            from_address=address(chain, sender, at, "from"),
            to_address=address(chain, row["to"], at, "to"),
            asset=asset,
            amount=base_units(row["amount"], asset.decimals, at),
            block=integer(row["block"], at, "block"),
            timestamp=timestamp(row["timestamp_utc"], at),
            failed=row["is_error"].strip() not in ("", "0"),
        )


def read(paths: Sequence[Path], opts: ImportOptions) -> Iterator[Transfer]:
    for path in paths:
        yield from _read_file(path, opts)


register(Importer("etherscan-csv", "account", read, "explorer transfer export (Bybit hop files)"))
