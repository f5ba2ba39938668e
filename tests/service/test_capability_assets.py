"""Each capability's page scripts are served from its own unit, at /static/<capability>/."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import login


def test_capability_scripts_are_served_from_their_units(client: TestClient) -> None:
    for path in (
        "/static/trace/case.js",
        "/static/hiring/hiring.js",
        "/static/sanctions/screen.js",
    ):
        res = client.get(path)
        assert res.status_code == 200, path
        assert "javascript" in res.headers["content-type"]
    assert client.get("/static/app.js").status_code == 200  # the host's own files
    assert client.get("/static/trace/../service/app.py").status_code == 404
    login(client)
    assert '<script src="/static/sanctions/screen.js">' in client.get("/screen").text
    assert '<script src="/static/hiring/hiring.js">' in client.get("/applicants").text
