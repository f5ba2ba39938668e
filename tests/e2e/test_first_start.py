"""A fresh ``nkwatch serve`` shows every capability at work: the Applicants page opens on a
screened synthetic book with its clusters, the Exposure page on the bundled deposits."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Server, login, shot


def test_fresh_server_shows_the_example_applicant_book(page: Page, server: Server) -> None:
    login(page, server)
    page.get_by_role("link", name="Applicants").click()
    queue = page.locator("table tbody tr").filter(has_text="bundled example")
    expect(queue).to_have_count(1)
    queue.get_by_role("link").click()
    expect(page.locator("#clusters .cluster").first).to_be_visible()
    expect(page.locator("#people .person").first).to_be_visible()
    shot(page, "first-start-applicants")


def test_fresh_server_shows_the_example_exposure_run(page: Page, server: Server) -> None:
    login(page, server)
    page.get_by_role("link", name="Exposure").click()
    run = page.locator(".exposure-run")
    expect(run).to_contain_text("bybit-example-deposits")
    blocked = run.locator("tbody tr").filter(has_text="0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e")
    expect(blocked).to_contain_text("block")
    shot(page, "first-start-exposure")
