"""The published figures the issue names, reproduced from the shipped data (not typed in)."""

from __future__ import annotations

from decimal import Decimal

from nkwatch.intel import stats
from nkwatch.intel.model import Dataset
from nkwatch.intel.stats import YearBasis


def test_joint_statement_five_incidents_sum_to_659_13m(bundled: Dataset) -> None:
    check = stats.statement_check(bundled, cited_by="joint statement", year=2024)
    amounts = {i.victim.split(" ")[0]: i.amount_usd for i in check.incidents}
    assert amounts == {
        "DMM": Decimal(308_000_000),
        "WazirX": Decimal(235_000_000),
        "Upbit": Decimal(50_000_000),
        "Radiant": Decimal(50_000_000),
        "Rain": Decimal(16_130_000),
    }
    assert check.total.usd == Decimal("659130000")
    assert check.published is not None and check.published.value == Decimal(659_000_000)
    # "over $659 million": the incident sum is above the stated figure, not below
    assert check.total.usd > check.published.value


def test_upbit_2024_item_is_the_2019_theft_attributed_in_2024(bundled: Dataset) -> None:
    check = stats.statement_check(bundled, cited_by="joint statement", year=2024)
    assert [i.incident_id for i in check.earlier_thefts] == ["2019-11-27-upbit"]
    upbit = check.earlier_thefts[0]
    assert upbit.theft_date == "2019-11-27" and upbit.attribution_date == "2024-11-21"
    # a theft-year filter loses Upbit and gives 609.13M
    assert check.theft_year_total.usd == Decimal("609130000")
    by_theft = stats.select(check.incidents, year=2024, basis=YearBasis.THEFT)
    by_attribution = stats.select(check.incidents, year=2019, basis=YearBasis.ATTRIBUTION)
    assert len(by_theft) == 4 and by_attribution == []


def test_chainalysis_2024_growth_is_102_88_percent(bundled: Dataset) -> None:
    growth = stats.yoy_growth(bundled.statistics, "Chainalysis", 2024)
    assert growth.numerator.value == Decimal(1_340_000_000)
    # the 2023 base is the restated $660.50M, not the first-published "slightly more than $1B"
    assert growth.denominator.value == Decimal(660_500_000)
    assert growth.denominator.revises  # it restates an earlier figure
    assert round(growth.value * 100, 2) == Decimal("102.88")
    first = stats.revision_chain(bundled.statistics, growth.denominator)[0]
    assert first.value != growth.denominator.value
    incidents = stats.current(
        bundled.statistics, metric="dprk_incidents", period="2024", publisher="Chainalysis"
    )
    assert incidents.value == 47
    before = stats.as_of(bundled.statistics, incidents, "dprk_incidents", "2023")
    assert before.value == 20


def test_2024_share_of_all_stolen_is_61_percent_of_2_2b(bundled: Dataset) -> None:
    share = stats.share_of_all(bundled.statistics, "Chainalysis", 2024)
    assert share.denominator.value == Decimal(2_200_000_000)
    assert round(share.value, 2) == Decimal("0.61")
    assert share.published is not None and share.published.value == Decimal("0.61")


def test_grouping_by_actor_partitions_the_year(bundled: Dataset) -> None:
    year = stats.select(bundled.incidents, year=2024)
    groups = stats.grouped(year, "actor")
    assert sum(g.usd for g in groups) == stats.total("all", year).usd
    assert sum(g.count for g in groups) == len(year)
    dmm = bundled.incident("2024-05-31-dmm-bitcoin")
    assert dmm is not None and dmm.primary_actor == "tradertraitor"
    top = groups[0]
    assert top.label == "tradertraitor" and "2024-05-31-dmm-bitcoin" in top.incident_ids


def test_technique_grouping_counts_multi_valued_incidents_in_each(bundled: Dataset) -> None:
    groups = {g.label: g for g in stats.grouped(bundled.incidents, "technique")}
    multi = [i for i in bundled.incidents if len(i.techniques) > 1]
    assert multi, "dataset has incidents with several techniques"
    for technique in multi[0].techniques:
        assert multi[0].incident_id in groups[technique].incident_ids


def test_latest_figure_follows_restatements_over_dates(bundled: Dataset) -> None:
    # 2022: first $1.7B (2023-02), $1.65B, $1.7B (2024-01), then the current series $1.1B
    head = stats.latest(
        bundled.statistics, metric="dprk_stolen_usd", period="2022", publisher="Chainalysis"
    )
    assert head.value == Decimal(1_100_000_000)
    chain = stats.revision_chain(bundled.statistics, head)
    assert chain[0].value == Decimal(1_700_000_000) and len(chain) >= 2
    # 2023: the dated restatement ($660.50M) beats the undated rounded copy ($660M)
    assert stats.latest(
        bundled.statistics, metric="dprk_stolen_usd", period="2023", publisher="Chainalysis"
    ).value == Decimal(660_500_000)
