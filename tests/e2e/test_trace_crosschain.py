"""A cross-chain case page in Chromium: the flow graph draws one box per chain with the
bridge crossing them, the Sankey draws every asset, and text planted in the data stays text
(no element, no script). The app runs in-process; the browser's requests are answered by it
through Playwright's router, so no second server holds the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Route
from tests.trace import crosschain_case as cc

from nkwatch.service import auth
from nkwatch.service.app import create_app
from nkwatch.service.config import ServiceConfig
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.repository import save_report

from .conftest import shot

HOSTILE = '<img id="planted" src=x onerror="window.nkPwned=1">'
PASSWORD = "correct horse battery"


@pytest.fixture()
def app_client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    report = cc.traced_report(settings, tmp_path, hostile=HOSTILE)
    with open_store(settings) as store:
        save_report(store, "cross-case", report)
        auth.create_user(store, "alice", PASSWORD, auth.Role.analyst)
    config = ServiceConfig(max_body_bytes=64 * 1024, request_timeout_s=60, warm_indexes=False)
    with TestClient(create_app(settings, config), base_url="http://testserver") as client:
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        done = client.post("/login", data={"username": "alice", "password": PASSWORD,
                                           "csrf_token": token, "next": "/"},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303, done.text
        yield client


def test_cross_chain_case_page_draws_chains_and_keeps_text_text(
    browser: Browser, app_client: TestClient
) -> None:
    def answer(route: Route) -> None:
        url = route.request.url.removeprefix("http://testserver")
        res = app_client.get(url)
        route.fulfill(status=res.status_code, body=res.content,
                      headers={k: v for k, v in res.headers.items()
                               if k.lower() not in ("content-length", "content-encoding")})  # fmt: skip

    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  base_url="http://testserver")  # fmt: skip
    errors: list[str] = []
    try:
        context.route("http://testserver/**", answer)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
        page.goto("/cases/cross-case")
        page.wait_for_function("Number(document.getElementById('flow-graph').dataset.ready) > 8")
        page.wait_for_function("Number(document.getElementById('sankey').dataset.ready) > 3")
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('#graph-data')].map(s => JSON.parse(s.textContent)"
            ".elements.filter(e => e.data.kind === 'chain').map(e => e.data.id))[0]"
        )
        assert boxes == ["chain:bitcoin", "chain:ethereum", "chain:litecoin"]
        assert page.locator("#links tbody tr").count() >= 4  # swap, bridge, refund, in flight
        assert page.locator("#planted").count() == 0
        assert page.evaluate("() => window.nkPwned === undefined")
        assert page.get_by_text(HOSTILE).first.is_visible()
        shot(page, "case-crosschain")
    finally:
        context.close()
    assert not errors, errors
