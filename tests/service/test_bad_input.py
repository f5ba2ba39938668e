"""Bad input gets the right 4xx with one clear message, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from .conftest import Keys


def _error(res: object) -> dict[str, object]:
    body = res.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    err: dict[str, object] = body["error"]
    assert err["message"] and err["status"] == res.status_code  # type: ignore[attr-defined]
    return err


def test_oversized_body_is_413(client: TestClient, keys: Keys) -> None:
    big = b'{"role": "viewer", "label": "' + b"x" * 100_000 + b'"}'
    res = client.post(
        "/api/v1/keys",
        content=big,
        headers={**keys.headers("admin"), "Content-Type": "application/json"},
    )
    assert res.status_code == 413
    assert "limit" in str(_error(res)["message"])


def test_oversized_chunked_body_without_length_is_413(client: TestClient, keys: Keys) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"role": "viewer", "label": "'
        for _ in range(20):
            yield b"y" * 8192
        yield b'"}'

    res = client.post(
        "/api/v1/keys",
        content=chunks(),
        headers={**keys.headers("admin"), "Content-Type": "application/json"},
    )
    assert res.status_code == 413


def test_wrong_content_type_is_415(client: TestClient, keys: Keys) -> None:
    res = client.post(
        "/api/v1/keys",
        content=b"role=viewer",
        headers={**keys.headers("admin"), "Content-Type": "text/plain"},
    )
    assert res.status_code == 415
    assert _error(res)["where"] == "Content-Type"


def test_malformed_json_is_422_with_location(client: TestClient, keys: Keys) -> None:
    res = client.post(
        "/api/v1/keys",
        content=b'{"role": "viewer",',
        headers={**keys.headers("admin"), "Content-Type": "application/json"},
    )
    assert res.status_code == 422
    assert _error(res)["code"] == "invalid_input"
    wrong = client.post("/api/v1/keys", json={"role": "root"}, headers=keys.headers("admin"))
    assert wrong.status_code == 422 and _error(wrong)["where"] == "role"


def test_unknown_paths_and_methods(client: TestClient, keys: Keys) -> None:
    assert client.get("/api/v1/nothing", headers=keys.headers("admin")).status_code == 404
    res = client.put("/api/v1/keys", headers=keys.headers("admin"))
    assert res.status_code == 405 and _error(res)["code"] == "method_not_allowed"


def test_path_traversal_in_ids_is_rejected(client: TestClient, keys: Keys) -> None:
    h = keys.headers("viewer")
    for path in (
        "/api/v1/intel/incidents/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/intel/incidents/%2e%2e",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/settings.py",
    ):
        res = client.get(path, headers=h)
        assert res.status_code in (404, 422), path
        assert "root:" not in res.text


def test_security_headers_everywhere(client: TestClient) -> None:
    res = client.get("/health")
    csp = res.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert res.headers["x-content-type-options"] == "nosniff"
    login = client.get("/login")
    assert login.headers["x-frame-options"] == "DENY"
