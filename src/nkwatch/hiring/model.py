"""Records the hiring screen works on: applicants/employees, login events, host events.

Every field is a signal the FBI/State/Treasury advisories and vendor reports name
(identifiers, shipping address, claimed time zone, resume text, GitHub history, payout
accounts, device facts). Values arrive already validated and normalised by the importers,
so indicators can compare them directly.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT_CHARS = 1_000_000  # a resume longer than this is refused per record, not per file


class Status(StrEnum):
    APPLICANT = "applicant"
    EMPLOYEE = "employee"


class Applicant(BaseModel):
    """One application or one employee, as the HR/ATS export knows them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200, description="Unique record id in the source.")
    full_name: str = Field(min_length=1, max_length=500)
    aliases: tuple[str, ...] = ()
    date_of_birth: date | None = None
    emails: tuple[str, ...] = Field(default=(), description="Lower-cased, syntax-checked.")
    phones: tuple[str, ...] = Field(default=(), description="E.164, parsed with phonenumbers.")
    address: str | None = Field(default=None, description="Address on the identity document.")
    country: str | None = Field(default=None, description="Claimed country, ISO 3166-1 alpha-2.")
    shipping_address: str | None = Field(default=None, description="Where the laptop goes.")
    timezone: str | None = Field(default=None, description="Claimed IANA time zone.")
    education: tuple[str, ...] = ()
    employers: tuple[str, ...] = Field(default=(), description="Past employers / payees.")
    resume_text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    github: str | None = None
    github_created: date | None = None
    github_first_commit: date | None = None
    linkedin: str | None = None
    document_number: str | None = None
    photo_hash: str | None = Field(default=None, description="Perceptual hash of the ID photo.")
    payment_accounts: tuple[str, ...] = Field(default=(), description="Bank/payroll accounts.")
    payout_wallets: tuple[str, ...] = Field(default=(), description="Crypto payout addresses.")
    referrer: str | None = Field(default=None, description="Id of the referring person.")
    status: Status = Status.APPLICANT
    hired_on: date | None = None


class LoginEvent(BaseModel):
    """One sign-in (VPN, SSO, ATS portal) of a person; ``session_hours`` if known."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: str
    at: datetime
    ip: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    session_hours: float | None = None


class HostEventKind(StrEnum):
    NETWORK_NEIGHBOR = "network_neighbor"  # value: MAC; hostname: mDNS name
    USB_DEVICE = "usb_device"  # vid/pid/manufacturer
    HTTP_SERVICE = "http_service"  # value: page title or TLS common name on the LAN
    SOFTWARE = "software"  # value: installed or running program
    REPO_CLONE = "repo_clone"  # value: repository; count: clones
    CLOUD_UPLOAD = "cloud_upload"  # value: destination domain; bytes
    PRIVILEGE_GRANT = "privilege_grant"  # value: role granted


class HostEvent(BaseModel):
    """One fact from EDR/MDM/DLP/IAM about a company laptop or account of a person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: str
    at: datetime
    kind: HostEventKind
    value: str
    hostname: str | None = None
    vid: str | None = None
    pid: str | None = None
    manufacturer: str | None = None
    count: int | None = None
    bytes: int | None = None


class RecordError(BaseModel):
    """A problem with one input record. ``fatal`` records are kept here, not screened."""

    model_config = ConfigDict(frozen=True)

    source: str
    row: int
    record_id: str | None
    field: str | None
    message: str
    fatal: bool
    raw_preview: str | None = None


class Dataset(BaseModel):
    """Everything one screening run reads, plus what could not be read."""

    model_config = ConfigDict(frozen=True)

    applicants: tuple[Applicant, ...] = ()
    logins: tuple[LoginEvent, ...] = ()
    host_events: tuple[HostEvent, ...] = ()
    errors: tuple[RecordError, ...] = ()


def applicant_json_schema() -> dict[str, Any]:
    schema = Applicant.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nkwatch.invalid/schemas/hiring/applicant.schema.json"
    return schema


def write_applicant_schema(path: Path) -> None:
    """Regenerate the shipped schema file (a test checks it is current)."""
    path.write_text(json.dumps(applicant_json_schema(), indent=2) + "\n", encoding="utf-8")
