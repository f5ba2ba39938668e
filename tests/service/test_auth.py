"""Keys, roles, sessions and CSRF against the real app and store."""

from __future__ import annotations

from fastapi.testclient import TestClient

from nkwatch.service import auth
from nkwatch.settings import Settings
from nkwatch.store import open_store

from .conftest import Keys, login


def test_health_needs_no_key(client: TestClient) -> None:
    res = client.get("/health")
    assert res.status_code == 200
    assert res.json()["status"] == "ok"
    assert res.json()["schema_version"] >= 600


def test_everything_else_needs_a_key(client: TestClient) -> None:
    for path in ("/api/v1/me", "/api/v1/keys", "/api/v1/audit", "/openapi.json"):
        res = client.get(path)
        assert res.status_code == 401, path
        assert res.json()["error"]["code"] == "unauthorized"


def test_wrong_and_malformed_keys_are_401(client: TestClient, keys: Keys) -> None:
    tampered = keys.admin[:-4] + ("AAAA" if not keys.admin.endswith("AAAA") else "BBBB")
    for key in (tampered, "nkw_", "not-a-key", keys.admin + "x"):
        res = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert res.status_code == 401, key
    res = client.get("/api/v1/me", headers={"X-API-Key": keys.viewer})
    assert res.json() == {"principal": f"key:{keys.viewer.split('_')[1]}", "role": "viewer"}


def test_roles_gate_admin_endpoints(client: TestClient, keys: Keys) -> None:
    assert client.get("/api/v1/keys", headers=keys.headers("viewer")).status_code == 403
    assert client.get("/api/v1/keys", headers=keys.headers("analyst")).status_code == 403
    listed = client.get("/api/v1/keys", headers=keys.headers("admin"))
    assert listed.status_code == 200
    assert {k["role"] for k in listed.json()} == {"viewer", "analyst", "admin"}


def test_keys_are_stored_hashed_and_revocable(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    made = client.post("/api/v1/keys", json={"role": "analyst"}, headers=keys.headers("admin"))
    assert made.status_code == 201
    new_key = made.json()["key"]
    assert client.get("/api/v1/me", headers={"X-API-Key": new_key}).json()["role"] == "analyst"
    key_id = new_key.split("_")[1]
    stored = client.app.state.nk.access.view().query(  # type: ignore[attr-defined]
        "SELECT secret_sha256 FROM service_api_keys WHERE key_id = ?", [key_id]
    )[0][0]
    assert new_key not in stored and len(stored) == 64
    assert client.delete(f"/api/v1/keys/{key_id}", headers=keys.headers("admin")).status_code == 204
    assert client.get("/api/v1/me", headers={"X-API-Key": new_key}).status_code == 401
    assert client.delete(f"/api/v1/keys/{key_id}", headers=keys.headers("admin")).status_code == 404


def test_passwords_use_scrypt_and_verify() -> None:
    stored = auth.hash_password("a long enough password")
    assert stored.startswith("scrypt$")
    assert auth.verify_password("a long enough password", stored)
    assert not auth.verify_password("a long enough passwore", stored)
    assert stored != auth.hash_password("a long enough password")  # salted


def test_login_sets_a_hardened_session_cookie(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "Log in" in page.text  # redirected to the form
    token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    res = client.post(
        "/login",
        data={"username": "alice", "password": "correct horse battery", "csrf_token": token},
        follow_redirects=False,
    )
    cookie = res.headers["set-cookie"]
    assert "nkw_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/api/v1/me").json() == {"principal": "user:alice", "role": "analyst"}


def test_wrong_password_and_missing_login_csrf_are_refused(client: TestClient) -> None:
    token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    bad = client.post(
        "/login", data={"username": "alice", "password": "nope nope nope", "csrf_token": token}
    )
    assert bad.status_code == 401 and "wrong user name or password" in bad.text
    forged = client.post(
        "/login",
        data={"username": "alice", "password": "correct horse battery", "csrf_token": "forged"},
    )
    assert forged.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_session_writes_need_the_csrf_token(client: TestClient) -> None:
    csrf = login(client, "root")
    without = client.post("/api/v1/keys", json={"role": "viewer"})
    assert without.status_code == 403 and "CSRF" in without.json()["error"]["message"]
    ok = client.post("/api/v1/keys", json={"role": "viewer"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    assert client.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_login_next_is_never_an_open_redirect(client: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        page = client.get("/login", params={"next": target})
        assert 'name="next" value="/"' in page.text


def test_first_admin_is_created_once(settings: Settings) -> None:
    from nkwatch.service.bootstrap import prepare

    fresh = settings.with_db(settings.db_path.with_name("fresh.duckdb"))
    first = prepare(fresh)
    assert first.first_admin is not None
    assert prepare(fresh).first_admin is None
    with open_store(fresh) as store:
        assert auth.authenticate_user(store, "admin", first.first_admin.password) is not None
