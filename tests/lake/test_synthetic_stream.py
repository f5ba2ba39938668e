"""The slice-by-slice synthetic writer (the 100M lake's): the same lake as the in-memory
import for the same rows, and a streamed chain whose ground truth a lake trace finds."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from nkwatch.trace.lake.engine import LocalEngine
from nkwatch.trace.lake.importer import import_synthetic, import_synthetic_slices
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.lake.tracing import trace_lake
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.synthetic import generate
from nkwatch.trace.synthetic_stream import Slice, stream


def test_slices_of_a_chain_write_the_in_memory_import_byte_for_byte(tmp_path: Path) -> None:
    g = generate(230_000, seed=3, n_thefts=2).graph
    whole = import_synthetic(Lake(tmp_path / "a"), g)
    step = 77_777  # slices that straddle the 100,000-block partitions
    sliced = import_synthetic_slices(
        Lake(tmp_path / "b"),
        (Slice(g.src[i : i + step].astype(np.int64), g.dst[i : i + step].astype(np.int64),
               g.amount[i : i + step], g.ts[i : i + step]) for i in range(0, g.n_edges, step)),
    )  # fmt: skip
    assert len(sliced.partitions) == 3 and sliced.rows == g.n_edges
    for a, b in zip(whole.partitions, sliced.partitions, strict=True):
        assert (a.key, a.rows, a.min_block, a.max_block) == (
            b.key,
            b.rows,
            b.min_block,
            b.max_block,
        )
        assert (tmp_path / "a" / a.files[0]).read_bytes() == (
            tmp_path / "b" / b.files[0]
        ).read_bytes()


def test_a_writer_interrupted_between_slices_leaves_the_lake_as_it_was(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    before = import_synthetic_slices(lake, stream(150_000, seed=1, n_thefts=1).slices()).manifest

    def broken() -> Iterator[Slice]:
        yield from stream(250_000, seed=2, n_thefts=1).slices()  # two partitions written
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        import_synthetic_slices(lake, broken())
    assert lake.manifest() == before
    files = sorted(str(p.relative_to(lake.root)) for p in lake.root.rglob("*.parquet"))
    assert files == sorted(f for p in before.partitions for f in p.files)


def test_streamed_chain_is_reproducible_ordered_and_its_truth_is_traced_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("nkwatch.trace.synthetic_stream.SLICE", 30_000)
    syn = stream(120_000, seed=5, n_thefts=3)
    slices = list(syn.slices())
    again = list(stream(120_000, seed=5, n_thefts=3).slices())
    assert len(slices) >= 4 and max(s.ts.size for s in slices) <= 30_000
    for a, b in zip(slices, again, strict=True):  # reproducible from the seed
        assert all(
            np.array_equal(x, y) for x, y in zip(vars(a).values(), vars(b).values(), strict=True)
        )
    ts = np.concatenate([s.ts for s in slices])
    src = np.concatenate([s.src for s in slices])
    assert ts.size == syn.n_transfers == 120_000 and bool((np.diff(ts) >= 0).all())
    deposits = np.arange(syn.first_deposit, syn.first_deposit + 120_000 // 50)
    assert np.isin(deposits, src).all()  # every deposit address is swept
    assert syn.labels.all() == generate(2_000, seed=5, n_thefts=3).labels.all()
    assert sum(syn.truth.values()) == syn.stolen

    lake = Lake(tmp_path / "lake")
    import_synthetic_slices(lake, iter(slices))
    seeds = [Seed(address=a) for a in syn.thieves]
    report = trace_lake(lake, LocalEngine(), seeds, TraceParams("synthetic", "haircut", 6),
                        syn.labels).to_data()  # fmt: skip
    got = {e["address"]: Decimal(e["amounts"]["SYN"]) for e in report["endpoints"]}  # type: ignore[index,union-attr]
    assert {a: got.get(a) for a in syn.truth} == {
        a: Decimal(v).scaleb(-8) for a, v in syn.truth.items()
    }
