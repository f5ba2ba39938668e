"""Service fixtures: a real app on a temp store, with keys of each role and a UI user."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from nkwatch.service import auth
from nkwatch.service.app import create_app
from nkwatch.service.config import ServiceConfig
from nkwatch.settings import Settings
from nkwatch.store import open_store

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Keys:
    viewer: str
    analyst: str
    admin: str

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}


@pytest.fixture()
def keys(settings: Settings, bundled_store: Path) -> Keys:
    shutil.copyfile(bundled_store, settings.db_path)
    with open_store(settings) as store:
        made = Keys(
            viewer=auth.create_key(store, auth.Role.viewer),
            analyst=auth.create_key(store, auth.Role.analyst),
            admin=auth.create_key(store, auth.Role.admin),
        )
        auth.create_user(store, "alice", PASSWORD, auth.Role.analyst)
        auth.create_user(store, "root", PASSWORD, auth.Role.admin)
    return made


@pytest.fixture()
def config() -> ServiceConfig:
    return ServiceConfig(max_body_bytes=64 * 1024, request_timeout_s=60, warm_indexes=False)


@pytest.fixture()
def client(settings: Settings, keys: Keys, config: ServiceConfig) -> Iterator[TestClient]:
    app = create_app(settings, config)
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def submit_login(client: TestClient, username: str, password: str) -> httpx.Response:
    """Submit the login form like a browser (its CSRF token from the page); no redirect."""
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


def login(client: TestClient, username: str = "alice") -> str:
    """Log in through the form like a browser; returns the session's CSRF token."""
    res = submit_login(client, username, PASSWORD)
    assert res.status_code == 303, res.text
    home = client.get("/")
    assert home.status_code == 200
    return home.text.split('name="csrf_token" value="')[1].split('"')[0]
