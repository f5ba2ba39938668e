"""The synthetic generator's swaps and THORChain bridging: every planted cross-chain
cash-out is found with its exact BTC amount, under every policy, from the token seeds."""

from __future__ import annotations

import pytest

from nkwatch.trace.across import ChainData, trace_across
from nkwatch.trace.across.run import finish
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report import whole
from nkwatch.trace.synthetic_cross import generate_cross


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_every_planted_cross_chain_cash_out_found_exactly(policy: str) -> None:
    syn = generate_cross(30_000, n_cross=12)
    seeds = [Seed(address=t, asset=syn.token_key) for t in syn.thieves]
    params = TraceParams("synthetic", policy)
    chains = {"bitcoin": ChainData("bitcoin", syn.btc)}
    result = trace_across(syn.graph, seeds, params, labels=syn.labels, logs=syn.logs,
                          chains=list(chains.values()))  # fmt: skip
    report = finish(result, chains, params, syn.labels).to_data()
    found = {
        e["address"]: e["amounts"]["BTC"] for e in report["endpoints"] if e["chain"] == "bitcoin"
    }
    assert found == {a: whole(v, 8) for a, v in syn.truth.items()}
    kinds = [lk["kind"] for lk in report["links"]]
    assert kinds.count("swap") == kinds.count("bridge") == syn.planted
    assert report["noise"]["crosschain"] == [] and report["in_flight"] == []
