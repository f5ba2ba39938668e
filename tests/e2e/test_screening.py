"""The headline: log in, screen 김정은 and see Kim Jong Un's designation; a CSV batch."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import Server, login, shot


def test_screen_kim_jong_un_in_hangul(page: Page, server: Server) -> None:
    login(page, server)
    page.get_by_role("link", name="Screening").click()
    page.get_by_label("Name (any script)").fill("김정은")
    page.get_by_role("button", name="Screen", exact=True).click()
    result = page.locator("#result")
    expect(result).to_be_visible(timeout=120_000)
    first = result.locator(".match").first
    expect(first.locator("h3")).to_contain_text("Kim Jong Un")
    expect(first.locator("h3")).to_contain_text("DPRK-linked")
    expect(first).to_contain_text("us_ofac_sdn")
    expect(first).to_contain_text("DPRK")  # the program
    expect(first.locator("table.explain tbody tr").first).to_be_visible()
    shot(page, "screen-kim-jong-un")


def test_csv_batch_with_progress(page: Page, server: Server, tmp_path: Path) -> None:
    upload = tmp_path / "payouts.csv"
    upload.write_text(
        "name,address\nKim Jong Un,\nAda Lovelace,\n,0x098B716B8Aaf21512996dC57EB0615e2383E2f96\n",
        encoding="utf-8",
    )
    login(page, server)
    page.goto("/screen")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and screen").click()
    expect(page.locator("#batch-summary")).to_contain_text("3 rows: 2 hits", timeout=120_000)
    rows = page.locator("#batch-rows tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("Lazarus Group")
    shot(page, "screen-batch")
