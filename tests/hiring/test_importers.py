"""Importers: good records screened, each bad record reported with what and where."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from nkwatch.errors import UserError
from nkwatch.hiring.fields import parse_date, parse_phone
from nkwatch.hiring.importers import read_applicants, read_events

HEADER = "id,full_name,emails,phones,country,date_of_birth,resume_text,timezone\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_bad_records_are_reported_and_the_rest_screened(tmp_path: Path) -> None:
    big = "x" * (100 * 1024 * 1024)  # a 100 MB resume field
    rows = [
        "a1,Ann One,ann@example.org;bad@@mail,+1 415 555 0101,US,1990-05-17,short,America/Chicago",
        "a2,Bob Two,bob@example.org,not-a-phone,US,17.05.1990,,Mars/Olympus",
        "a1,Dup Licate,dup@example.org,,US,,,",
        ",No Id,x@example.org,,,,,",
        f"a3,Cy Three,cy@example.org,,GB,03/04/1990,{big},Europe/London",
        "a4,Di Four,di@example.org,,US,May 3 1991",  # short row: missing columns
        "a5,Ed Five,ed@example.org,,US,17/05/1990,,",
    ]
    data = read_applicants(write(tmp_path, "apps.csv", HEADER + "\n".join(rows) + "\n"))
    ids = [a.id for a in data.applicants]
    assert ids == ["a1", "a2", "a3", "a4", "a5"]
    by = {a.id: a for a in data.applicants}
    assert by["a1"].emails == ("ann@example.org",) and by["a1"].phones == ("+14155550101",)
    assert by["a2"].date_of_birth == date(1990, 5, 17) and by["a2"].timezone is None
    assert by["a3"].resume_text is None and by["a3"].date_of_birth is None  # ambiguous D/M
    assert by["a4"].date_of_birth == date(1991, 5, 3)
    assert by["a5"].date_of_birth == date(1990, 5, 17)
    msgs = [(e.row, e.record_id, e.field, e.fatal, e.message) for e in data.errors]
    fatal = [m for m in msgs if m[3]]
    assert [(m[0], m[1]) for m in fatal] == [(4, "a1"), (5, None)]
    assert "duplicate id 'a1' (first seen at row 2)" in fatal[0][4]
    assert "missing required column 'id'" in fatal[1][4]
    text = "\n".join(m[4] for m in msgs)
    assert "malformed email 'bad@@mail'" in text
    assert "not-a-phone" in text and "unknown time zone 'Mars/Olympus'" in text
    assert "ambiguous date '03/04/1990'" in text
    assert "resume_text is 100.0 MiB" in text
    assert all(e.raw_preview is None or len(e.raw_preview) <= 400 for e in data.errors)


def test_csv_without_required_header_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="lacks required column"):
        read_applicants(write(tmp_path, "x.csv", "name,email\nA,a@b.org\n"))


def test_json_bundle_with_events(tmp_path: Path) -> None:
    doc = {
        "applicants": [{"id": "p1", "full_name": "Pat Lee", "emails": ["PAT@Example.org"]}, "junk"],
        "logins": [
            {"person_id": "p1", "timestamp": "2026-01-02T03:04:05Z", "ip": "175.45.176.9"},
            {"person_id": "p1", "at": "2026-01-02T03:04:05Z", "ip": "999.1.1.1"},
        ],
        "host_events": [
            {"person_id": "p1", "at": 1767323045, "kind": "software", "value": "AnyDesk"},
            {"person_id": "p1", "kind": "nope", "value": "x", "at": "2026-01-01"},
        ],
    }
    data = read_applicants(write(tmp_path, "b.json", json.dumps(doc)))
    assert data.applicants[0].emails == ("pat@example.org",)
    assert len(data.logins) == 1 and len(data.host_events) == 1
    messages = [e.message for e in data.errors]
    assert any("record is not an object" in m for m in messages)
    assert any("malformed IP address '999.1.1.1'" in m for m in messages)
    assert any("kind" in m for m in messages)


def test_ats_greenhouse_like_export(tmp_path: Path) -> None:
    doc = {
        "candidates": [
            {
                "id": 4242,
                "first_name": "Lina",
                "last_name": "Park",
                "email_addresses": [{"value": "lina.park@example.org", "type": "personal"}],
                "phone_numbers": [{"value": "+44 20 7946 0958", "type": "mobile"}],
                "addresses": [{"value": "1 High St, Leeds", "type": "home"}],
                "website_addresses": [
                    {"value": "https://github.com/linapark/", "type": "portfolio"}
                ],
                "social_media_addresses": [{"value": "https://www.linkedin.com/in/linapark"}],
                "educations": [{"school_name": "Leeds University"}],
                "employments": [{"company_name": "Yanbian Silverstar"}],
                "attachments": [{"type": "resume", "content": "Backend engineer"}],
                "custom_fields": {
                    "shipping_address": "9 Dock Rd, Newark",
                    "payout_wallets": "0xAbC",
                },
            }
        ]
    }
    (app,) = read_applicants(write(tmp_path, "gh.json", json.dumps(doc))).applicants
    assert (app.id, app.full_name, app.github) == ("4242", "Lina Park", "linapark")
    assert app.phones == ("+442079460958",) and app.employers == ("Yanbian Silverstar",)
    assert app.shipping_address == "9 Dock Rd, Newark" and app.payout_wallets == ("0xabc",)
    assert app.resume_text == "Backend engineer" and app.linkedin


def test_event_logs_csv_and_jsonl(tmp_path: Path) -> None:
    csv_path = write(
        tmp_path,
        "l.csv",
        "person_id,at,ip,country,session_hours\n"
        "p1,2026-01-02T03:04:05+09:00,8.8.8.8,US,3\np1,yesterday,8.8.8.8,US,\n",
    )
    events, errors = read_events(csv_path, "login")
    assert len(events) == 1 and "unrecognised timestamp 'yesterday'" in errors[0].message
    jl = write(
        tmp_path,
        "h.jsonl",
        '{"person_id": "p1", "at": "2026-01-02", "kind": "usb_device",'
        ' "value": "kvm", "vid": "1D6B", "pid": "0104"}\n{not json}\n',
    )
    events, errors = read_events(jl, "host")
    assert len(events) == 1 and errors[0].row == 2 and "bad JSON" in errors[0].message
    # nesting past the shared JSON limit is a bad row too, never a RecursionError
    deep = write(tmp_path, "d.jsonl", "[" * 5000 + "]" * 5000 + "\n")
    events, errors = read_events(deep, "host")
    assert events == [] and errors[0].row == 1 and "json_depth" in errors[0].message


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-02-29", "2024-02-29"),
        ("29.02.2024", "2024-02-29"),
        ("Feb 29, 2024", "2024-02-29"),
        ("29 Feb 2024", "2024-02-29"),
        ("2024/2/29", "2024-02-29"),
        ("13/01/2000", "2000-01-13"),
    ],
)
def test_mixed_date_formats(raw: str, iso: str) -> None:
    assert parse_date(raw).isoformat() == iso


@pytest.mark.parametrize("raw", ["2023-02-29", "02/03/2000", "soon", "31.31.2000"])
def test_bad_dates_raise(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def test_phone_national_format_uses_claimed_country() -> None:
    assert parse_phone("020 7946 0958", "GB") == "+442079460958"
    with pytest.raises(ValueError):
        parse_phone("12", "US")
