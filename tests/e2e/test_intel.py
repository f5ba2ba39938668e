"""Dashboard charts and the Bybit incident page as a person sees them."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Server, login, shot


def test_dashboard_charts_and_incident_page(page: Page, server: Server) -> None:
    login(page, server)
    expect(page.get_by_role("heading", name="DPRK incidents per year")).to_be_visible()
    # echarts draws into a canvas once the data block has been read
    expect(page.locator('[data-source="per-year"] canvas')).to_have_count(1)
    expect(page.locator('[data-source="by-actor"] canvas')).to_have_count(1)
    page.locator("#biggest").get_by_role("link", name="Bybit (Dubai)").click()
    expect(page.get_by_role("heading", name="Bybit (Dubai)")).to_be_visible()
    expect(page.locator("#facts")).to_contain_text("1,500,000,000")
    expect(page.locator("#sources")).to_contain_text("ic3.gov")
    expect(page.locator("#addresses tbody tr").first).to_be_visible()
    shot(page, "incident-bybit")
