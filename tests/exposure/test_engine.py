"""Hand-checked exposure cases on tiny graphs built from real Transfer values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from nkwatch.errors import UserError
from nkwatch.exposure.engine import ExposureIndex, ExposureParams, edges_of_tx
from nkwatch.exposure.model import Decision, RiskCategory, RiskSource
from nkwatch.exposure.rules import Rule, evaluate
from nkwatch.trace.graph import graph_from_transfers
from nkwatch.trace.model import Asset, Transfer, TransferKind

ETH = Asset("ethereum", "ETH", 18, None)
T0 = datetime(2025, 2, 21, tzinfo=UTC)
WEI = 10**18

THIEF = "0x" + "a1" * 20
CLEAN = "0x" + "c1" * 20
MIDDLE = "0x" + "b1" * 20
DEPOSIT = "0x" + "d1" * 20
OTHER = "0x" + "e1" * 20
MIXER = "0x" + "f1" * 20
EXCHANGE = "0x" + "99" * 20


def tx(n: int, frm: str, to: str, eth: int, minutes: int) -> Transfer:
    return Transfer(
        chain="ethereum", tx_hash=f"0x{n:064x}", index=0, kind=TransferKind.NATIVE,
        from_address=frm, to_address=to, asset=ETH, amount=eth * WEI // 10,
        block=100 + minutes, timestamp=T0 + timedelta(minutes=minutes),
    )  # fmt: skip


def dprk_source(address: str = THIEF) -> RiskSource:
    return RiskSource(
        address=address, category=RiskCategory.DPRK_INCIDENT, label="Test exploit 2025",
        dprk_linked=True, actor="tradertraitor", incident_id="test-2025", source="FBI PSA",
    )  # fmt: skip


# 1 tainted + 9 clean into MIDDLE, which pays 6 to DEPOSIT and 4 to OTHER (amounts in tenths).
MIXED = [
    tx(1, THIEF, MIDDLE, 10, 1),
    tx(2, CLEAN, MIDDLE, 90, 2),
    tx(3, MIDDLE, DEPOSIT, 60, 3),
    tx(4, MIDDLE, OTHER, 40, 4),
]


def index_for(transfers: list[Transfer], **kw: object) -> ExposureIndex:
    graph = graph_from_transfers("ethereum", transfers)
    return ExposureIndex(graph, [dprk_source()], **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("policy", "deposit", "other"),
    [("haircut", "0.6", "0.4"), ("fifo", "1", "0"), ("poison", "1", "0")],
)
def test_policies_hand_worked(policy: str, deposit: str, other: str) -> None:
    index = index_for(MIXED)
    params = ExposureParams(chain="ethereum", policy=policy, max_hops=3)
    dep = index.address(DEPOSIT, params)
    assert dep.received == {"ETH": Decimal("6")}
    assert len(dep.sources) == 1
    src = dep.sources[0]
    assert (src.direct, src.indirect) == (Decimal(0), Decimal(deposit))
    assert src.share == pytest.approx(float(Decimal(deposit) / 6))
    assert src.min_hops == 2
    assert [s.to_address for s in src.example_path] == [MIDDLE, DEPOSIT]
    oth = index.address(OTHER, params)
    exposed = sum((s.indirect for s in oth.sources), Decimal(0))
    assert exposed == Decimal(other)
    # conservation: the two receivers never hold more taint than the one tainted coin
    assert exposed + src.indirect <= Decimal(1)


def test_direct_exposure_blocks_and_indirect_reviews() -> None:
    transfers = [*MIXED, tx(5, THIEF, DEPOSIT, 20, 5)]
    index = index_for(transfers)
    result = index.address(DEPOSIT, ExposureParams(chain="ethereum", policy="haircut"))
    src = result.sources[0]
    assert src.direct == Decimal(2)
    assert src.indirect == Decimal("0.6")
    assert result.received == {"ETH": Decimal(8)}
    assert result.decision is Decision.BLOCK
    assert result.fired[0].rule_id == "direct-dprk"
    # without the direct payment, 0.6 of 6 = 10% indirect DPRK -> block by the 10% rule
    only_indirect = index_for(MIXED).address(DEPOSIT, ExposureParams(chain="ethereum"))
    assert only_indirect.decision is Decision.BLOCK
    assert only_indirect.fired[0].rule_id == "indirect-dprk-high"


def test_time_order_is_respected() -> None:
    # The stolen coin reaches MIDDLE only after MIDDLE paid DEPOSIT: no exposure.
    late = [tx(2, CLEAN, MIDDLE, 90, 2), tx(3, MIDDLE, DEPOSIT, 60, 3), tx(1, THIEF, MIDDLE, 10, 9)]
    result = index_for(late).address(DEPOSIT, ExposureParams(chain="ethereum", policy="poison"))
    assert result.sources == ()
    assert result.decision is Decision.ALLOW


def test_hop_limit_bounds_the_walk() -> None:
    chain = [tx(1, THIEF, MIDDLE, 10, 1), tx(2, MIDDLE, OTHER, 10, 2), tx(3, OTHER, DEPOSIT, 10, 3)]
    index = index_for(chain)
    assert index.address(DEPOSIT, ExposureParams(chain="ethereum", max_hops=2)).sources == ()
    three = index.address(DEPOSIT, ExposureParams(chain="ethereum", max_hops=3))
    assert three.sources[0].indirect == Decimal(1)
    assert three.sources[0].min_hops == 3


def test_services_are_attribution_boundaries() -> None:
    via_exchange = [tx(1, THIEF, EXCHANGE, 10, 1), tx(2, EXCHANGE, DEPOSIT, 10, 2)]
    plain = index_for(via_exchange).address(DEPOSIT, ExposureParams(chain="ethereum"))
    assert plain.sources[0].indirect == Decimal(1)
    bounded = index_for(via_exchange, services=[EXCHANGE]).address(
        DEPOSIT, ExposureParams(chain="ethereum")
    )
    assert bounded.sources == ()


def test_source_groups_are_reported_separately() -> None:
    mixer = RiskSource(MIXER, RiskCategory.MIXER, "Tornado Cash", False, source="graphsense")
    graph = graph_from_transfers(
        "ethereum", [tx(1, THIEF, DEPOSIT, 10, 1), tx(2, MIXER, DEPOSIT, 30, 2)]
    )
    result = ExposureIndex(graph, [dprk_source(), mixer]).address(
        DEPOSIT, ExposureParams(chain="ethereum")
    )
    by_cat = {s.category: s for s in result.sources}
    assert by_cat[RiskCategory.MIXER].direct == Decimal(3)
    assert by_cat[RiskCategory.DPRK_INCIDENT].direct == Decimal(1)
    assert by_cat[RiskCategory.MIXER].share == pytest.approx(0.75)
    assert {h.rule_id for h in result.fired} >= {"direct-dprk", "direct-mixer"}
    assert by_cat[RiskCategory.MIXER].provenance == ("graphsense",)


def test_transaction_exposure_counts_only_that_transfer() -> None:
    transfers = [*MIXED, tx(6, CLEAN, DEPOSIT, 40, 6)]
    index = index_for(transfers)
    graph = index.graph
    clean_tx = edges_of_tx(graph, f"0x{6:064x}")
    dirty_tx = edges_of_tx(graph, f"0x{3:064x}")
    params = ExposureParams(chain="ethereum")
    assert index.transfer(clean_tx, "clean", params).sources == ()
    dirty = index.transfer(dirty_tx, "dirty", params)
    assert dirty.sources[0].indirect == Decimal("0.6")
    with pytest.raises(UserError):
        index.transfer([], "0xmissing", params)


def test_unknown_address_is_allowed_with_a_note() -> None:
    result = index_for(MIXED).address("0x" + "00" * 20, ExposureParams(chain="ethereum"))
    assert result.decision is Decision.ALLOW
    assert "no transfers" in result.notes[0]


def test_custom_rules() -> None:
    strict = (Rule("any-dprk", Decision.BLOCK, "any DPRK", "any", dprk_only=True, min_share=0.05),)
    result = index_for(MIXED).address(OTHER, ExposureParams(chain="ethereum"))
    decision, hits = evaluate(result.sources, strict)
    assert decision is Decision.BLOCK and hits[0].rule_id == "any-dprk"
    lenient = (Rule("lots", Decision.BLOCK, "lots", "any", dprk_only=True, min_share=0.5),)
    assert evaluate(result.sources, lenient)[0] is Decision.ALLOW


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_batch_gives_the_single_answer_for_every_address(policy: str) -> None:
    transfers = [
        *MIXED,
        tx(5, THIEF, DEPOSIT, 20, 5),
        tx(6, CLEAN, OTHER, 7, 6),
        tx(7, OTHER, EXCHANGE, 3, 7),
        tx(8, CLEAN, "0x" + "77" * 20, 1, 8),
    ]
    index = index_for(transfers, services=[EXCHANGE])
    params = ExposureParams(chain="ethereum", policy=policy, max_hops=3)
    batch = index.addresses(index.graph.addresses, params)
    assert any(r.sources for r in batch) and not all(r.sources for r in batch)
    for address, result in zip(index.graph.addresses, batch, strict=True):
        alone = index_for(transfers, services=[EXCHANGE]).address(address, params)
        assert result.to_json() == alone.to_json(), address
    items = [(edges_of_tx(index.graph, f"0x{n:064x}"), str(n)) for n in range(1, 9)]
    for (edges, n), result in zip(items, index.transfers(items, params), strict=True):
        alone = index_for(transfers, services=[EXCHANGE]).transfer(edges, n, params)
        assert result.to_json() == alone.to_json(), n


# THIEF pays A 1 directly and 1 through B; A forwards all 2 to DEPOSIT. Seen from DEPOSIT the
# first coin is 2 hops from THIEF, the second 3: "within N hops" must split them exactly.
LEVELS = [
    tx(1, THIEF, MIDDLE, 10, 1),
    tx(2, THIEF, OTHER, 10, 2),
    tx(3, OTHER, MIDDLE, 10, 3),
    tx(4, MIDDLE, DEPOSIT, 20, 4),
]


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_hop_levels_count_each_coin_at_its_own_distance(policy: str) -> None:
    index = index_for(LEVELS)
    two = index.address(DEPOSIT, ExposureParams(chain="ethereum", policy=policy, max_hops=2))
    src = two.sources[0]
    assert (src.direct, src.indirect, src.min_hops) == (Decimal(0), Decimal(1), 2)
    assert src.share == pytest.approx(0.5)
    three = index.address(DEPOSIT, ExposureParams(chain="ethereum", policy=policy, max_hops=3))
    assert three.sources[0].indirect == Decimal(2)
    assert [s.to_address for s in three.sources[0].example_path] == [MIDDLE, DEPOSIT]
    middle = index.address(MIDDLE, ExposureParams(chain="ethereum", policy=policy, max_hops=2))
    assert (middle.sources[0].direct, middle.sources[0].indirect) == (Decimal(1), Decimal(1))
    one = index.address(DEPOSIT, ExposureParams(chain="ethereum", policy=policy, max_hops=1))
    assert one.sources == ()


def test_high_fan_in_hubs_are_boundaries_named_in_notes() -> None:
    hub = "0x" + "88" * 20
    transfers = [
        tx(1, THIEF, hub, 10, 1),
        tx(2, CLEAN, hub, 10, 2),
        tx(3, OTHER, hub, 10, 3),
        tx(4, hub, DEPOSIT, 10, 4),
        tx(5, THIEF, DEPOSIT, 5, 5),
    ]
    index = index_for(transfers)
    bounded = index.address(DEPOSIT, ExposureParams(chain="ethereum", max_fan_in=2))
    assert (bounded.sources[0].direct, bounded.sources[0].indirect) == (Decimal("0.5"), 0)
    assert any(hub in note and "3 inflows > 2" in note for note in bounded.notes)
    open_hub = index.address(DEPOSIT, ExposureParams(chain="ethereum", max_fan_in=3))
    assert open_hub.sources[0].indirect == Decimal("0.333333333333333333")  # 1/3 floored to wei
    assert not open_hub.notes
