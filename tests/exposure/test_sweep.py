"""The global exposure sweep on a synthetic chain with laundering ground truth.

Checks what the batch design rests on: per-transfer taint equals the tracer's own kernel,
groups swept together equal groups swept one by one, a batch equals each subject alone, and
every laundering deposit gets exactly the stolen value that reached it.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from nkwatch.exposure import engine, sweep
from nkwatch.exposure.engine import ExposureIndex, ExposureParams
from nkwatch.exposure.model import RiskCategory, RiskSource
from nkwatch.trace import kernel
from nkwatch.trace.synthetic import CHAIN, Synthetic, generate

POLICIES = ["poison", "haircut", "fifo"]


@pytest.fixture(scope="module")
def syn() -> Synthetic:
    return generate(30_000, seed=5, n_thefts=6)


def _sources(syn: Synthetic) -> tuple[list[RiskSource], list[str]]:
    sources = [  # two incidents, so several DPRK groups meet the mixers in one sweep
        RiskSource(a, RiskCategory.DPRK_INCIDENT, f"theft {i % 2}", True, incident_id=f"t{i % 2}")
        for i, a in enumerate(syn.thieves)
    ]
    services = []
    for label in syn.labels.all():
        if label.category == "mixer":
            sources.append(RiskSource(label.address, RiskCategory.MIXER, label.service, False))
        else:
            services.append(label.address)
    return sources, services


def _index(syn: Synthetic) -> ExposureIndex:
    sources, services = _sources(syn)
    return ExposureIndex(syn.graph, sources, services)


def _deposits(syn: Synthetic) -> list[str]:
    g = syn.graph
    receivers = np.unique(g.dst)
    return sorted(syn.truth) + [g.addresses[int(a)] for a in receivers[::7]]


@pytest.mark.parametrize("policy", POLICIES)
def test_taint_per_transfer_equals_the_tracer_kernel(syn: Synthetic, policy: str) -> None:
    g = syn.graph
    sources = np.asarray([g.address_id(a) for a in syn.thieves], np.int64)
    local_of = np.full(g.n_addresses, -1, np.int64)
    local_of[sources] = 0
    is_source = local_of >= 0
    stop = np.zeros(g.n_addresses, np.bool_)
    for label in syn.labels.all():
        stop[g.address_id(label.address)] = True
    code = {"poison": kernel.POISON, "haircut": kernel.HAIRCUT, "fifo": kernel.FIFO}[policy]
    rec = sweep.group_sweep(g.src, g.dst, g.amount, g.fee, local_of, np.zeros(1, np.int64),
                            is_source, stop, code, 60, np.zeros(g.n_addresses, np.int64))  # fmt: skip
    since = np.where(is_source, np.iinfo(np.int64).min, np.iinfo(np.int64).max)
    none = np.zeros(0, np.int64)
    ref = kernel.sweep(g.src, g.dst, g.amount, g.fee, g.ts, g.n_addresses, stop, since,
                       np.zeros(g.n_edges, np.bool_), none, none, none, code, 60, 0,
                       np.iinfo(np.int64).max, g.n_addresses + 1)  # fmt: skip
    mine = np.zeros(g.n_edges, np.int64)
    mine[rec[0]] = rec[2]
    assert rec[2].sum() > 0
    assert np.array_equal(mine, ref[4])
    if policy == "poison":  # a record for every flagged transfer, zero amount or not
        assert np.array_equal(np.sort(rec[0]), np.flatnonzero(ref[5] == kernel.FLAG_TAINTED))


@pytest.mark.parametrize("policy", POLICIES)
def test_groups_swept_together_equal_groups_swept_alone(
    syn: Synthetic, policy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = ExposureParams(chain=CHAIN, policy=policy, max_hops=4)
    together = _index(syn)
    assert len(together.sweeps(params).blocks) == 1
    monkeypatch.setattr(engine, "_STATE_BUDGET", 1)  # one group per sweep
    alone = _index(syn)
    assert len(alone.sweeps(params).blocks) == 7
    deposits = _deposits(syn)
    a = [r.to_json() for r in together.addresses(deposits, params)]
    b = [r.to_json() for r in alone.addresses(deposits, params)]
    assert a == b
    assert sum(bool(r["sources"]) for r in a) > 20


@pytest.mark.parametrize("policy", POLICIES)
def test_batch_equals_each_deposit_alone(syn: Synthetic, policy: str) -> None:
    params = ExposureParams(chain=CHAIN, policy=policy, max_hops=3)
    deposits = _deposits(syn)
    batch = _index(syn).addresses(deposits, params)
    for i in range(0, len(deposits), len(deposits) // 25):
        assert _index(syn).address(deposits[i], params).to_json() == batch[i].to_json()


def test_every_laundering_deposit_gets_exactly_its_stolen_value(syn: Synthetic) -> None:
    index = _index(syn)
    deposits = sorted(syn.truth)
    results = index.addresses(deposits, ExposureParams(chain=CHAIN, max_hops=8))
    for address, result in zip(deposits, results, strict=True):
        dprk = sum((s.direct + s.indirect for s in result.sources if s.dprk_linked), Decimal(0))
        assert dprk == Decimal(syn.truth[address]).scaleb(-8), address
        for source in (s for s in result.sources if s.dprk_linked):
            path = source.example_path
            assert path[0].from_address in syn.thieves and path[-1].to_address == address
            assert 1 <= len(path) <= source.min_hops
