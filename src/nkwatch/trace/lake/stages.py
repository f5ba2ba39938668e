"""The scale-out stages, once, as SQL any engine runs (see ``engine``).

1. **canonical**: the lake's transfers with amounts in the tracer's int64 units (per asset
   ``10^k`` from the exact total volume, as ``graph.unit_exponent``; failed transfers move
   nothing, fees count for the native coin).
2. **deposits**: exchange deposit addresses by their sweep pattern over the whole lake (the
   rule of ``trace.deposits``: >= 80% of an address's value-moving sends go to one labelled
   exchange wallet, at most 3 recipients, not labelled itself).
3. **expand**: time-respecting k-hop expansion from the seeds over the traced assets:
   per address the first block it can hold taint within k hops; services (labelled and
   detected) do not pass taint on. One scan of the lake per hop with the frontier
   broadcast; each hop's result is checkpointed.
4. **extract**: every transfer touching a reached address from its first-taint block on
   (plus the seed transactions), and per reached address and asset its *opening balance*:
   the tracer's clamped running balance over everything before, computed with a prefix sum
   and its running minimum (``b = S - min(0, min S)``).

The extraction holds every transfer the exact sweep can act on, so the sweep over it is the
sweep over the whole lake (``extract.graph_of`` rebuilds the sender balances from the opening
balances); what it leaves out can only be a transfer the sweep skips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from nkwatch.trace.graph import unit_exponent
from nkwatch.trace.lake.amounts import DIGITS, join
from nkwatch.trace.lake.engine import Engine
from nkwatch.trace.lake.ids import address_id
from nkwatch.trace.lake.schema import AMOUNT_COLUMNS, FEE_COLUMNS, RANGE_BLOCKS

_HALF = 10**9  # limbs (< 10^18) are summed as two halves below 10^9

EXT_COLUMNS = (
    "block", "tx_index", "seq", "out_index", "time", "tx_hash", "kind", "asset",
    "from_address", "to_address", "from_id", "to_id", "amt", "fee_s",
)  # fmt: skip


@dataclass(frozen=True)
class AssetInfo:
    asset: str  # contract, "" for the native coin
    symbol: str
    decimals: int
    volume: int  # exact base units: amounts of every row + native fees
    unit_exp: int
    rows: int


def assets(eng: Engine) -> list[AssetInfo]:
    """Per asset its rows and exact volume. Limbs (< 10^18) are summed as two BIGINT halves
    (< 10^9 each) per asset and 100,000-block range, where no sum can overflow (a range
    holds far fewer than 9 * 10^9 rows), and only those partial sums are added as wide
    integers: plain long arithmetic per row on Spark (its DECIMAL(38,0) sums allocate)."""
    wide = "HUGEINT" if eng.dialect == "duckdb" else "DECIMAL(38,0)"
    div = "//" if eng.dialect == "duckdb" else "div"
    cols = [*AMOUNT_COLUMNS, *FEE_COLUMNS]
    halves = ", ".join(
        f"sum({c} {div} {_HALF}) AS {c}_h, sum({c} % {_HALF}) AS {c}_l" for c in cols
    )
    wides = ", ".join(f"sum(CAST({c}_{h} AS {wide})) AS {c}_{h}" for c in cols for h in "hl")
    got = eng.arrow(  # symbol and decimals as keys: Spark hashes text keys but sorts for min(text)
        f"SELECT asset, min(symbol) AS symbol, min(decimals) AS decimals, sum(n) AS n, {wides} "  # noqa: S608
        f"FROM (SELECT asset, symbol, decimals, count(*) AS n, {halves} FROM lake_t "
        f"GROUP BY asset, symbol, decimals, block {div} {RANGE_BLOCKS}) p "
        "GROUP BY asset ORDER BY asset"
    ).to_pylist()
    out = []
    for r in got:
        limbs = {c: int(r[f"{c}_h"]) * _HALF + int(r[f"{c}_l"]) for c in cols}
        volume = join([limbs[c] for c in AMOUNT_COLUMNS])
        if r["asset"] == "":
            volume += join([limbs[c] for c in FEE_COLUMNS])
        out.append(
            AssetInfo(
                r["asset"],
                r["symbol"],
                int(r["decimals"]),
                volume,
                unit_exponent(volume),
                int(r["n"]),
            )
        )
    return out


def canonical(eng: Engine, infos: Sequence[AssetInfo]) -> None:
    """``scaled``: the lake with ``amt`` and ``fee_s`` in int64 units (a view, not stored)."""
    from nkwatch.trace.lake.amounts import scaled_sql

    eng.arrow_table("assets_k", pa.table({
        "asset": pa.array([a.asset for a in infos], pa.string()),
        "k": pa.array(range(len(infos)), pa.int32()),
        "q": pa.array([a.unit_exp // DIGITS for a in infos], pa.int32()),
        "p10": pa.array([10 ** (a.unit_exp % DIGITS) for a in infos], pa.int64()),
        "m10": pa.array([10 ** (DIGITS - a.unit_exp % DIGITS) for a in infos], pa.int64()),
    }))  # fmt: skip
    amt = scaled_sql("t.amount", len(AMOUNT_COLUMNS), eng.dialect)
    fee = scaled_sql("t.fee", len(FEE_COLUMNS), eng.dialect)
    eng.view(
        "scaled",
        f"SELECT t.*, a.k AS ak, CASE WHEN t.failed THEN 0 ELSE {amt} END AS amt, "  # noqa: S608
        f"CASE WHEN t.asset = '' THEN {fee} ELSE 0 END AS fee_s "
        "FROM lake_t t JOIN assets_k a ON a.asset = t.asset",
    )


def moves(eng: Engine) -> None:
    """``moves``: the few columns deposit detection scans (ids, block, time, asset index,
    whether value moves), no address text; ``plain_moves``: ids, block and time alone, for
    scans that need neither units nor the asset (hubs, seed blocks, a hop over every asset).
    (Holding ``moves`` in Spark's storage memory was tried: building it cost more than the
    re-reads it saved, a hop's cost is not its scan.)"""
    eng.view("moves", "SELECT from_id, to_id, block, time, ak, amt > 0 AS pos FROM scaled")
    eng.view("plain_moves", "SELECT from_id, to_id, block, time FROM lake_t")


def deposits(eng: Engine, wallets: Sequence[str], known: Sequence[str]) -> None:
    """``deposits(id, hot)``: detected deposit addresses (by id) and their hot wallet's text.

    Two lake scans read ids, amounts and the asset only, never the address texts (decoding
    two 42-character columns of every row was most of their cost): the sends into labelled
    wallets per (sender, wallet), then every value-moving send of those senders. Addresses
    are told apart by their 64-bit id here, as in the expansion; the texts of the detected
    deposits come with the extraction (``extract``), which reads them anyway."""
    listed = sorted(set(wallets))
    eng.arrow_table("wallets", pa.table({
        "address": pa.array(listed, pa.string()),
        "id": pa.array([address_id(a) for a in listed], pa.int64()),
    }))  # fmt: skip
    known_ids = sorted({address_id(a) for a in known})
    eng.arrow_table("known_ids", pa.table({"id": pa.array(known_ids, pa.int64())}))
    eng.materialise(
        "sweeps",
        "SELECT s.from_id AS id, s.to_id AS hot_id, count(*) AS n FROM moves s "
        "SEMI JOIN wallets w ON s.to_id = w.id ANTI JOIN wallets x ON s.from_id = x.id "
        "WHERE s.pos GROUP BY s.from_id, s.to_id",
    )
    eng.materialise(
        "senders",
        "SELECT s.from_id AS id, count(*) AS n_out, count(DISTINCT s.to_id) AS n_targets "
        "FROM moves s SEMI JOIN sweeps c ON s.from_id = c.id "
        "WHERE s.pos GROUP BY s.from_id",
    )
    eng.materialise(  # its most paid wallet; ties: the lowest address text
        "deposits",
        "SELECT d.id, min(h.address) AS hot FROM ("
        " SELECT c.id, max(w.n) AS top FROM senders c JOIN sweeps w ON w.id = c.id "
        " ANTI JOIN known_ids k ON c.id = k.id "
        " WHERE c.n_targets <= 3 GROUP BY c.id, c.n_out "
        " HAVING sum(w.n) > 0 AND sum(w.n) >= 0.8 * c.n_out) d "
        "JOIN sweeps w ON w.id = d.id AND w.n = d.top JOIN wallets h ON h.id = w.hot_id "
        "GROUP BY d.id",
    )


def stops(eng: Engine, known_ids: Sequence[int], detected: bool) -> None:
    """``stops(id)``: services (labelled endpoints, detected deposits) pass no taint on."""
    eng.arrow_table("stop_ids", pa.table({"id": pa.array(sorted(set(known_ids)), pa.int64())}))
    from_deposits = " UNION SELECT id FROM deposits" if detected else ""
    eng.materialise("stops", f"SELECT id FROM stop_ids{from_deposits}")  # noqa: S608


def seed_blocks(eng: Engine, starts: Sequence[int]) -> dict[int, int]:
    """The first block at or after each seed start time (one scan for all of them)."""
    wanted = sorted(set(starts))
    if not wanted:
        return {}
    cols = ", ".join(
        f"min(CASE WHEN time >= {int(t)} THEN block END) AS b{i}" for i, t in enumerate(wanted)
    )
    row = eng.arrow(f"SELECT {cols} FROM plain_moves").to_pylist()[0]  # noqa: S608
    return {
        t: (int(row[f"b{i}"]) if row[f"b{i}"] is not None else 2**62) for i, t in enumerate(wanted)
    }


def expand(
    eng: Engine, seeds: pa.Table, traced: Sequence[str] | None, max_hops: int, until: int | None
) -> int:
    """``reached(id, first)`` after ``max_hops`` hops from ``seeds(id, first)`` over the
    ``traced`` assets (None: all of them); returns the number of hops that still found
    something. One lake scan per hop: the frontier (the addresses whose first block
    improved last hop) is joined to the transfers it sent from that block on, and the state
    is checkpointed. Stops are dropped from the hop's receivers after the aggregation, by an
    outer join: an ``ANTI JOIN stops`` on the lake rows is pushed by Spark's optimizer below
    the frontier join, and once the stops outgrow the broadcast limit (2M detected deposits
    at 100M transfers) every hop then shuffled the whole lake."""
    window = f" AND t.time <= {int(until)}" if until is not None else ""
    only = "plain_moves t"  # every asset traced (None): no filter on the asset per row
    if traced is not None:
        eng.arrow_table("traced", pa.table({"asset": pa.array(sorted(set(traced)), pa.string())}))
        only = "lake_t t SEMI JOIN traced a ON t.asset = a.asset"
    eng.view("hop_moves", f"SELECT t.from_id, t.to_id, t.block, t.time FROM {only}")  # noqa: S608
    listed = "traced" if traced is not None else "assets_k"
    eng.view("traced_assets", f"SELECT asset FROM {listed}")  # noqa: S608
    eng.arrow_table("seed_rows", seeds)
    eng.materialise(
        "state_0", "SELECT id, min(first) AS first, true AS fresh FROM seed_rows GROUP BY id"
    )
    hops = 0
    for hop in range(1, max_hops + 1):
        eng.materialise(  # old and new first blocks in one aggregation (no outer join)
            f"state_{hop}",
            "SELECT id, coalesce(least(old, new), old, new) AS first, "  # noqa: S608
            "(new IS NOT NULL AND (old IS NULL OR new < old)) AS fresh FROM ("
            " SELECT id, min(CASE WHEN o = 0 THEN first END) AS old, "
            " min(CASE WHEN o = 1 THEN first END) AS new FROM ("
            f"  SELECT id, first, 0 AS o FROM state_{hop - 1} UNION ALL"
            "   SELECT c.id, c.first, 1 AS o FROM ("
            "    SELECT t.to_id AS id, min(t.block) AS first FROM hop_moves t "
            f"   JOIN (SELECT id, first FROM state_{hop - 1} WHERE fresh) f ON t.from_id = f.id "
            f"   WHERE t.block >= f.first{window} GROUP BY t.to_id"
            "   ) c LEFT JOIN stops s ON c.id = s.id WHERE s.id IS NULL"
            " ) u GROUP BY id) g",
        )
        if not eng.arrow(f"SELECT count(*) AS n FROM state_{hop} WHERE fresh")["n"][0].as_py():  # noqa: S608
            eng.view("reached", f"SELECT id, first FROM state_{hop}")  # noqa: S608
            return hops
        hops = hop
    eng.view("reached", f"SELECT id, first FROM state_{max_hops}")  # noqa: S608
    return hops


def extract(
    eng: Engine, seed_txs: Sequence[str], until: int | None, detected: bool
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(transfers touching the reached set, opening balances, deposit labels they need).

    One scan of the lake keeps every transfer of a reached address (and of a seed
    transaction) with the address's first-taint block: ``ext`` is the part from that block
    on, the opening balances come from the part before it."""
    window = f" AND t.time <= {int(until)}" if until is not None else ""
    cols = ", ".join(f"t.{c}" for c in EXT_COLUMNS)
    by_tx, seeded = "", "false"
    if seed_txs:  # a join on the hash text costs a scan of it: only when seeded by hash
        eng.arrow_table(
            "seed_txs", pa.table({"tx_hash": pa.array(sorted(set(seed_txs)), pa.string())})
        )
        by_tx, seeded = "LEFT JOIN seed_txs x ON t.tx_hash = x.tx_hash ", "x.tx_hash IS NOT NULL"
    eng.materialise(
        "touch",
        f"SELECT {cols}, rs.first AS fs, rd.first AS fd, {seeded} AS seeded FROM scaled t "  # noqa: S608
        f"LEFT JOIN reached rs ON t.from_id = rs.id LEFT JOIN reached rd ON t.to_id = rd.id {by_tx}"
        f"WHERE rs.id IS NOT NULL OR rd.id IS NOT NULL OR {seeded}",
    )
    eng.view(
        "ext",
        f"SELECT {cols} FROM touch t WHERE ((t.fs IS NOT NULL AND t.block >= t.fs) "  # noqa: S608
        f"OR (t.fd IS NOT NULL AND t.block >= t.fd) OR t.seeded){window}",
    )
    ext = eng.arrow(f"SELECT {', '.join(EXT_COLUMNS)} FROM ext")  # noqa: S608
    opening = eng.arrow(
        "SELECT id, address, asset, sum(d) AS total, least(min(s), 0) AS low FROM ("
        " SELECT id, address, asset, d, sum(d) OVER (PARTITION BY id, address, asset "
        "  ORDER BY block, tx_index, seq, out_index, side ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s"
        " FROM (SELECT t.from_id AS id, t.from_address AS address, t.asset, t.block, t.tx_index, t.seq, "
        "   t.out_index, 0 AS side, -(t.amt + t.fee_s) AS d FROM touch t "
        "   SEMI JOIN traced_assets a ON t.asset = a.asset WHERE t.block < t.fs "
        "  UNION ALL SELECT t.to_id, t.to_address, t.asset, t.block, t.tx_index, t.seq, t.out_index, 1, t.amt "
        "   FROM touch t SEMI JOIN traced_assets a ON t.asset = a.asset WHERE t.block < t.fd) e) w "
        "GROUP BY id, address, asset"
    )
    if detected:
        labels = eng.arrow(  # the deposits' texts: from the extraction, which holds them
            "SELECT DISTINCT x.address, d.hot FROM deposits d JOIN (SELECT from_id AS id, "
            "from_address AS address FROM ext UNION SELECT to_id, to_address FROM ext) x "
            "ON d.id = x.id"
        )
    else:
        labels = pa.table({"address": pa.array([], pa.string()), "hot": pa.array([], pa.string())})
    return ext, opening, labels
