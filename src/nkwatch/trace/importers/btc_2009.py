"""The index-based CSV layout of ``chain/btc_2009`` (taintedtx sample of BlockSci data).

Give the folder (or any of its five files). ``output_index = tx_index * 10 + n``; inputs
are listed by the output they spend (in output-index order, the only order available).
Quirks handled: float ``spent_index``, 63-character txids (kept as published; look them up
by prefix), output addresses missing from ``adr_hash.csv`` (recorded as unknown). The
files carry block heights but no block times: the recorded time is approximate, the
genesis time plus ten minutes per block, and the import's source says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nkwatch.errors import UserError
from nkwatch.trace.importers import Importer, ImportOptions, register
from nkwatch.trace.importers.common import integer, read_csv, where
from nkwatch.trace.model import TxInput, TxOutput, UtxoTx

GENESIS = datetime(2009, 1, 3, 18, 15, 5, tzinfo=UTC)
FILES = ("tx_hash.csv", "tx_height.csv", "tx_output.csv", "tx_input.csv", "adr_hash.csv")


def approx_time(height: int) -> datetime:
    return GENESIS + timedelta(minutes=10 * height)


def _folder(paths: Sequence[Path]) -> Path:
    folder = paths[0] if paths[0].is_dir() else paths[0].parent
    for name in FILES:
        if not (folder / name).is_file():
            raise UserError(f"btc_2009 layout needs {name}", where=str(folder))
    return folder


def read(paths: Sequence[Path], opts: ImportOptions) -> Iterator[UtxoTx]:
    chain = opts.chain or "bitcoin"
    folder = _folder(paths)
    hashes: dict[int, str] = {}
    for n, r in read_csv(folder / "tx_hash.csv", ("tx_index", "tx_hash")):
        hashes[integer(r["tx_index"], where(folder / "tx_hash.csv", n), "tx_index")] = r["tx_hash"]
    heights = {
        integer(r["tx_index"], where(folder / "tx_height.csv", n), "tx_index"): integer(
            r["block_index"], where(folder / "tx_height.csv", n), "block_index"
        )
        for n, r in read_csv(folder / "tx_height.csv", ("tx_index", "block_index"))
    }
    names = {
        r["adr_index"]: r["adr_hash"]
        for _, r in read_csv(folder / "adr_hash.csv", ("adr_index", "adr_hash"))
    }
    outputs: dict[int, list[TxOutput]] = defaultdict(list)
    f = folder / "tx_output.csv"
    for n, r in read_csv(f, ("output_index", "tx_index", "adr_index", "output_value")):
        oi = integer(r["output_index"], where(f, n), "output_index")
        outputs[oi // 10].append(
            TxOutput(
                oi % 10,
                names.get(r["adr_index"]),
                integer(r["output_value"], where(f, n), "output_value"),
            )
        )
    inputs: dict[int, list[tuple[int, TxInput]]] = defaultdict(list)
    f = folder / "tx_input.csv"
    for n, r in read_csv(f, ("output_index", "tx_index", "adr_index", "input_value")):
        at = where(f, n)
        oi = integer(r["output_index"], at, "output_index")
        prev = hashes.get(oi // 10)
        if prev is None:
            raise UserError(f"input spends unknown transaction {oi // 10}", where=at)
        spend = TxInput(
            prev, oi % 10, names.get(r["adr_index"]), integer(r["input_value"], at, "input_value")
        )
        inputs[integer(r["tx_index"], at, "tx_index")].append((oi, spend))
    for index in sorted(hashes):
        if index not in heights:
            raise UserError(
                f"transaction {index} has no height", where=str(folder / "tx_height.csv")
            )
        ins = tuple(i for _, i in sorted(inputs.get(index, [])))
        yield UtxoTx(
            chain=chain,
            tx_hash=hashes[index],
            block=heights[index],
            timestamp=approx_time(heights[index]),
            inputs=ins,
            outputs=tuple(sorted(outputs.get(index, []), key=lambda o: o.index)),
            coinbase=not ins,
        )


register(Importer("btc-2009", "utxo", read, "taintedtx/BlockSci index CSV layout (chain/btc_2009)"))
