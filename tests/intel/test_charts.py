"""Charts render to real SVG/PNG files with the expected title and series."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from nkwatch.errors import UserError
from nkwatch.intel.charts import render
from nkwatch.intel.model import Dataset

EXPECTED = {
    "yearly": (
        "DPRK crypto theft per year: incident-level vs Chainalysis",
        [
            "Incident-level sum (government-attributed)",
            "Chainalysis (latest figure, restatements applied)",
            "Bybit",
            "2024",
        ],
    ),
    "techniques": ("DPRK crypto theft by technique", ["private_key_compromise", "Stolen USD"]),
    "victims": ("DPRK crypto theft by victim type", ["centralized_exchange", "defi_protocol"]),
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_svg_chart_has_title_and_series(kind: str, bundled: Dataset, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.svg"
    render(kind, bundled, path)
    root = etree.parse(
        str(path), etree.XMLParser(resolve_entities=False, no_network=True)
    ).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join(t.strip() for t in root.itertext())
    title, labels = EXPECTED[kind]
    assert title in texts
    for label in labels:
        assert label in texts, label


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_png_chart_is_a_valid_image_with_title(kind: str, bundled: Dataset, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.png"
    render(kind, bundled, path)
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 600
        assert image.info.get("Title") == EXPECTED[kind][0]


def test_bad_chart_requests_are_user_errors(bundled: Dataset, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown chart"):
        render("pie", bundled, tmp_path / "x.svg")
    with pytest.raises(UserError, match=r"\.svg or \.png"):
        render("yearly", bundled, tmp_path / "x.gif")
