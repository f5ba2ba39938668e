"""End-to-end harness: the real ``nkwatch serve`` process on a free loopback port with a
temp store, driven by Playwright in Debian's headless Chromium (never a downloaded build).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Server:
    url: str
    username: str
    password: str
    admin_key: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(proc: subprocess.Popen[bytes], url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nkwatch serve exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nkwatch serve not up after {timeout}s:\n{log.read_text()[-3000:]}")


# Package scope: the server and Playwright's sync loop end with the last browser test, so later
# tests (tests/service uses asyncio.run) do not find Playwright's event loop still running.
@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve")
    port = _free_port()
    log = tmp / "serve.log"
    env = {**os.environ, "HOME": str(tmp), "NKWATCH_DB": str(tmp / "nk.duckdb")}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nkwatch", "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        # first start imports every capability's bundle (lists, intel, the Bybit case, the
        # applicant book, the deposits' exposure): minutes on a loaded machine
        _wait(proc, url, log, timeout=500)  # < the 600 s test timeout
        text = log.read_text()
        login = re.search(r"web login: user (\S+)\s+password (\S+)", text)
        key = re.search(r"API key:\s+(nkw_\S+)", text)
        assert login and key, text
        yield Server(url, login.group(1), login.group(2), key.group(1), log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        raise RuntimeError("Debian chromium is missing: run scripts/install.sh --dev")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def browser_errors() -> list[str]:
    """JS errors and failed loads seen by the page; a test clears it after a deliberate 4xx."""
    return []


@pytest.fixture()
def page(browser: Browser, server: Server, browser_errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=server.url)
    page = context.new_page()
    errors = browser_errors
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


def login(page: Page, server: Server) -> None:
    page.goto("/")
    page.get_by_label("User name").fill(server.username)
    page.get_by_label("Password").fill(server.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.url)


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
