"""First start shows every capability at work: the bundles bring a screened applicant book
with its clusters and exposure results for the deposits of the bundled chain data."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from nkwatch.exposure.example import EXAMPLE_RUN
from nkwatch.hiring.example import EXAMPLE_SOURCE

from .conftest import Keys, login

HOP2 = "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e"  # Bybit laundering hop (FBI PSA)
UNISWAP = "0x3fc91a3afd70395cd496c647d5a6cc9d4b2b7fad"  # labelled DEX the fake tokens reached


def test_applicants_page_starts_with_the_screened_example_book(
    client: TestClient, keys: Keys
) -> None:
    login(client)
    page = client.get("/applicants")
    assert page.status_code == 200
    assert EXAMPLE_SOURCE in page.text
    assert "No screening run on this server yet" not in page.text
    sid = int(re.search(r'href="/applicants/(\d+)"', page.text).group(1))  # type: ignore[union-attr]
    doc = client.get(f"/api/v1/hiring/screenings/{sid}", headers=keys.headers("viewer")).json()
    assert doc["source"] == EXAMPLE_SOURCE
    assert doc["summary"]["screened"] == 199 and doc["summary"]["clusters"] >= 1
    assert doc["summary"]["levels"]["high"] >= 1
    assert doc["summary"]["sanctions_lists"], "screened against the bundled lists"
    assert doc["clusters"][0]["members"] and doc["clusters"][0]["evidence"]
    flagged = doc["people"][0]
    assert flagged["indicators"] and flagged["indicators"][0]["sources"]
    review = client.get(f"/applicants/{sid}")
    assert review.status_code == 200 and 'id="clusters"' in review.text
    assert doc["clusters"][0]["id"] in review.text


def test_exposure_page_starts_with_the_example_deposits(client: TestClient) -> None:
    login(client)
    page = client.get("/exposure")
    assert page.status_code == 200
    assert f"Deposits screened: {EXAMPLE_RUN}" in page.text
    run = page.text.split('class="card wide exposure-run"')[1].split("</section>")[0]
    assert re.search(r"\d+ allow, \d+ block", run), run[:400]
    row = run.split(f"<code>{HOP2}</code>")[1].split("</tr>")[0]
    assert ">block<" in row and "Bybit" in row and "ic3.gov" in row  # source + provenance
    assert UNISWAP not in run  # allowed deposits are counted, not listed


def test_first_start_bundles_are_not_audited_user_decisions(client: TestClient, keys: Keys) -> None:
    audit = client.get("/api/v1/audit", headers=keys.headers("admin")).json()
    assert not [e for e in audit["items"] if e["action"].startswith(("hiring.", "exposure."))]
