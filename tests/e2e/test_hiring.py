"""Upload applicants in the browser, follow the job, and see the flagged cluster."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import Server, login, shot

APPLICANTS = (
    "id,full_name,emails,payment_accounts,employers,shipping_address,address\n"
    "a1,Ann One,ann@example.org,GB82WEST12345698765432,Globex,,\n"
    "a2,Bob Two,bob@example.org,GB82WEST12345698765432,Yanbian Silverstar,,\n"
    "a3,Cy Three,cy@example.org,,Initech,,\n"
)


def test_upload_applicants_and_see_flagged_cluster(
    page: Page, server: Server, tmp_path: Path
) -> None:
    upload = tmp_path / "applicants.csv"
    upload.write_text(APPLICANTS, encoding="utf-8")
    login(page, server)
    page.get_by_role("link", name="Applicants").click()
    page.get_by_label("Applicant records").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and screen").click()
    clusters = page.locator("#clusters")
    expect(clusters).to_be_visible(timeout=180_000)
    first = clusters.locator(".cluster").first
    expect(first.locator("h3")).to_contain_text("C00001")
    expect(first).to_contain_text("a1, a2")
    expect(first).to_contain_text("GB82WEST12345698765432")
    flagged = page.locator("#people .person").first
    expect(flagged.locator("h3")).to_contain_text("a2")
    expect(flagged.locator("h3")).to_contain_text("high")
    assert (flagged.locator("a").first.get_attribute("href") or "").startswith("http")
    shot(page, "applicants-review")
