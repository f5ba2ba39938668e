"""Taint policies are defined once: the registry feeds the kernels, the sweeps and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.exposure import sweep
from nkwatch.trace import kernel, policies
from nkwatch.trace.engine import trace
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.model import TxInput, TxOutput, UtxoTx
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report import build_report
from nkwatch.trace.synthetic import generate
from nkwatch.trace.utxo import trace_utxo


def test_one_table_gives_every_consumer_its_codes() -> None:
    table = {p.name: p.code for p in policies.BUILTIN}
    assert table == {"poison": 0, "haircut": 1, "fifo": 2}
    assert (kernel.POISON, kernel.HAIRCUT, kernel.FIFO) == (0, 1, 2)
    assert (sweep.POISON, sweep.HAIRCUT, sweep.FIFO) == (0, 1, 2)
    assert policies.policy_names() == ["fifo", "haircut", "poison"]
    with pytest.raises(UserError, match="unknown taint policy 'nope'"):
        policies.get_policy("nope")


def _largest_first(inputs: Sequence[tuple[int, int]], outputs: Sequence[int]) -> list[int]:
    """A toy plug-in: the taint fills the largest outputs first (conserves exactly)."""
    left = sum(t for _, t in inputs)
    out = [0] * len(outputs)
    for i in sorted(range(len(outputs)), key=lambda i: -outputs[i]):
        out[i] = min(outputs[i], left)
        left -= out[i]
    return out


def _utxo(h: str, ins: list[tuple[str, int, int]], outs: list[tuple[str, int]]) -> UtxoTx:
    return UtxoTx("bitcoin", h, 1, datetime(2020, 1, 1, tzinfo=UTC),
                  tuple(TxInput(p, n, None, v) for p, n, v in ins),
                  tuple(TxOutput(i, a, v) for i, (a, v) in enumerate(outs)))  # fmt: skip


def test_a_python_plug_in_runs_on_utxo_and_is_refused_by_the_compiled_sweeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policies.policy_names()  # built-ins and entry points loaded
    plug = policies.Policy("largest", None, _largest_first, "largest outputs first (test)")
    monkeypatch.setitem(policies._REGISTRY, "largest", plug)
    txs = [_utxo("a", [], [("s", 100)]), _utxo("b", [("a", 0, 100)], [("x", 30), ("y", 70)])]
    result = trace_utxo(txs, [Seed(tx_hash="a:0")], TraceParams("bitcoin", "largest"), LabelBook())
    held = {h.address: h.amount for h in build_report(result).addresses}
    assert held == {"y": "0.0000007", "x": "0.0000003"}  # y filled first, then x
    syn = generate(5_000, seed=1, n_thefts=1)
    with pytest.raises(UserError, match="'largest' is a Python plug-in: it runs on UTXO chains"):
        trace(syn.graph, [Seed(address=a) for a in syn.thieves],
              TraceParams("synthetic", "largest"), labels=syn.labels)  # fmt: skip
    # the CLI's choices come from the registry (its sorted names, plug-ins included when
    # registered before the command loads), not the old hard-coded [poison|haircut|fifo]
    r = CliRunner().invoke(cli, ["trace", "run", "--help"])
    assert r.exit_code == 0 and "[fifo|haircut|" in r.output and "poison]" in r.output
