"""Charts (matplotlib, Agg backend): DPRK theft per year, by technique, by victim type.

SVG keeps text as text (``svg.fonttype = none``) so titles and series labels stay
searchable and accessible; PNG carries the title in its metadata. The same figure
builders will feed the web UI.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from nkwatch.errors import UserError
from nkwatch.intel import stats
from nkwatch.intel.model import Confidence, Dataset

BIG_HEIST_USD = Decimal(200_000_000)


def _musd(value: Decimal) -> float:
    return float(value) / 1e6


def yearly(data: Dataset) -> Figure:
    """Incident-level sums per theft year next to Chainalysis' latest (restated) figure per year."""
    years = sorted({y for i in data.incidents if (y := i.theft_year) is not None})
    confirmed = [
        _musd(
            stats.total(
                "", stats.select(data.incidents, year=y, confidence=Confidence.CONFIRMED_GOVERNMENT)
            ).usd
        )
        for y in years
    ]
    everything = [_musd(stats.total("", stats.select(data.incidents, year=y)).usd) for y in years]
    published: list[float] = []
    for y in years:
        try:
            published.append(
                _musd(
                    stats.latest(
                        data.statistics,
                        metric="dprk_stolen_usd",
                        period=str(y),
                        publisher="Chainalysis",
                    ).value
                )
            )
        except LookupError:
            published.append(float("nan"))
    fig, ax = plt.subplots(figsize=(11, 5.5))
    width = 0.28
    xs = list(range(len(years)))
    ax.bar(
        [x - width for x in xs],
        confirmed,
        width,
        label="Incident-level sum (government-attributed)",
    )
    ax.bar(xs, everything, width, label="Incident-level sum (all confidence levels)")
    ax.bar(
        [x + width for x in xs],
        published,
        width,
        label="Chainalysis (latest figure, restatements applied)",
    )
    # labels stacked above each year's tallest bar so several big heists do not overlap
    labelled: dict[int, int] = {}
    tops = [
        max(v for v in (c, e, p) if not math.isnan(v))
        for c, e, p in zip(confirmed, everything, published, strict=True)
    ]
    step = max(tops) * 0.06
    for incident in sorted(data.incidents, key=lambda i: -(i.amount_usd or 0)):
        if (
            incident.amount_usd
            and incident.amount_usd >= BIG_HEIST_USD
            and incident.theft_year in years
        ):
            x = years.index(incident.theft_year)
            stacked = labelled.get(x, 0)
            labelled[x] = stacked + 1
            ax.annotate(
                f"{incident.victim.split(' (')[0]} ${_musd(incident.amount_usd):,.0f}M",
                (x, _musd(incident.amount_usd)),
                fontsize=7,
                xytext=(x - 0.45, tops[x] + step * (stacked + 1)),
                textcoords="data",
                arrowprops={"arrowstyle": "-", "lw": 0.5},
            )
    ax.set_xticks(xs, [str(y) for y in years])
    ax.set_ylabel("USD million")
    ax.set_title("DPRK crypto theft per year: incident-level vs Chainalysis")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def _bars(title: str, totals: list[stats.Total], label: str) -> Figure:
    fig, ax = plt.subplots(figsize=(10, 5.5))
    shown = totals[:15][::-1]
    ax.barh([t.label for t in shown], [_musd(t.usd) for t in shown], label=label)
    for n, t in enumerate(shown):
        ax.annotate(
            f"{t.count} incidents",
            (_musd(t.usd), n),
            fontsize=7,
            xytext=(3, -3),
            textcoords="offset points",
        )
    ax.set_xlabel("USD million (incident-level sums)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def techniques(data: Dataset) -> Figure:
    totals = [t for t in stats.grouped(data.incidents, "technique") if t.label != "not stated"]
    return _bars(
        "DPRK crypto theft by technique",
        totals,
        "Stolen USD (incidents may use several techniques)",
    )


def victims(data: Dataset) -> Figure:
    return _bars(
        "DPRK crypto theft by victim type",
        stats.grouped(data.incidents, "victim_type"),
        "Stolen USD by victim type",
    )


CHARTS: dict[str, Callable[[Dataset], Figure]] = {
    "yearly": yearly,
    "techniques": techniques,
    "victims": victims,
}


def render(name: str, data: Dataset, path: Path) -> None:
    """Draw chart ``name`` into ``path`` (.svg or .png)."""
    builder = CHARTS.get(name)
    if builder is None:
        raise UserError(f"unknown chart {name!r} (use {', '.join(CHARTS)})")
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise UserError("chart file must end in .svg or .png", where=str(path))
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "nkwatch"}):
        fig = builder(data)
        title = fig.axes[0].get_title()
        metadata = {"Title": title} if suffix == ".png" else {"Title": title, "Date": None}
        try:
            fig.savefig(path, format=suffix[1:], metadata=metadata, bbox_inches="tight")
        except OSError as exc:
            raise UserError(f"cannot write chart: {exc.strerror}", where=str(path)) from None
        finally:
            plt.close(fig)
