"""A person logs in to the site that ``nkwatch serve`` starts and sees the dashboard."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Server, login, shot


def test_login_and_dashboard(page: Page, server: Server, browser_errors: list[str]) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("User name").fill(server.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("wrong user name or password")
    assert any("401" in e for e in browser_errors)  # the refused login is a real 401
    browser_errors.clear()
    login(page, server)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text(f"user:{server.username} · admin")).to_be_visible()
    shot(page, "dashboard")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_api_docs_page_renders_from_vendored_swagger(page: Page, server: Server) -> None:
    login(page, server)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("nkwatch")
    shot(page, "api-docs")
