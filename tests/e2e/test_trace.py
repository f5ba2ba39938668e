"""Open the Bybit example case and see the flow graph, Sankey, endpoints and freeze link."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Server, login, shot


def test_bybit_case_flow_graph(page: Page, server: Server) -> None:
    login(page, server)
    page.get_by_role("link", name="Trace cases").click()
    page.get_by_role("link", name="bybit-example").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bybit")
    graph = page.locator("#flow-graph")
    expect(graph.locator("canvas").first).to_be_attached()
    page.wait_for_function("Number(document.getElementById('flow-graph').dataset.ready) > 10")
    expect(page.locator("#sankey canvas")).to_have_count(1)
    expect(page.locator("#endpoints tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name="Download freeze requests")).to_be_visible()
    shot(page, "case-bybit")
