"""Planted operators: several identities per operator, reusing what the advisories describe."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from nkwatch.hiring.model import Applicant, HostEvent, HostEventKind, Status
from nkwatch.hiring.synthetic_pools import Pools


class Generator(Protocol):
    """What planting operators needs from the population generator (``synthetic``)."""

    rng: random.Random
    pools: Pools
    apps: list[Applicant]
    hosts: list[HostEvent]
    handles: set[str]
    operators: dict[str, list[str]]

    def address(self, loc: str) -> str: ...
    def public_ip(self) -> str: ...
    def vpn_ip(self) -> str: ...
    def phone(self, loc: str) -> str: ...
    def document(self) -> str: ...
    def dob(self) -> date: ...
    def resume(self, loc: str, name: str) -> str: ...
    def add(self, app: Applicant, label: str) -> None: ...
    def logins_for(
        self, pid: str, tz_hours: float, n: int, ip_pick: list[str], country: str
    ) -> None: ...


ROLE_HANDLES = (
    "devmaster",
    "codeguru",
    "fullstackpro",
    "smartdev",
    "techninja",
    "webexpert",
    "blockchaindev",
    "seniorcoder",
    "softstar",
    "goldendev",
)
CLAIMED = ("en_US", "en_US", "en_US", "en_CA", "en_GB", "de_DE", "pl_PL", "nl_NL")
KVM = (
    {
        "kind": HostEventKind.NETWORK_NEIGHBOR,
        "value": "30:52:53:AA:01:02",
        "hostname": "jetkvm.local",
    },
    {"kind": HostEventKind.NETWORK_NEIGHBOR, "value": "04:C9:8B:1A:22:33", "hostname": None},
    {"kind": HostEventKind.HTTP_SERVICE, "value": "PiKVM"},
    {
        "kind": HostEventKind.USB_DEVICE,
        "value": "keyboard",
        "vid": "1D6B",
        "pid": "0104",
        "manufacturer": "TinyPilot",
    },
    {
        "kind": HostEventKind.NETWORK_NEIGHBOR,
        "value": "94:83:C4:10:20:30",
        "hostname": "glkvm.local",
    },
)
TOOLS = ("AnyDesk", "TeamViewer", "Splashtop Streamer", "Chrome Remote Desktop Host")


def _mutate(gen: Generator, text: str, name: str) -> str:
    """The operator's template with the persona's name and a few words changed."""
    words = text.split(" ")
    for _ in range(gen.rng.randint(0, 3)):
        k = gen.rng.randrange(len(words))
        words[k] = gen.rng.choice(["senior", "lead", "remote", "agile", "scalable", "robust"])
    return f"{name}. " + " ".join(words)


def _role_handle(gen: Generator) -> str:
    """A fresh role-word handle: a mailbox belongs to one operator, never to two."""
    while (handle := f"{gen.rng.choice(ROLE_HANDLES)}{gen.rng.randint(1, 9999)}") in gen.handles:
        pass
    gen.handles.add(handle)
    return handle


def _photo_copy(gen: Generator, photo: int) -> str:
    """The operator's ID photo re-used: re-scanned or re-compressed, so 0-4 hash bits flip."""
    for bit in gen.rng.sample(range(64), gen.rng.randint(0, 4)):
        photo ^= 1 << bit
    return f"{photo:016x}"


def plant_operators(gen: Generator, n_records: int) -> None:
    r = gen.rng
    op = 0
    made = 0
    while made < n_records:
        size = min(n_records - made, r.choice([2, 3, 3, 4, 4, 5, 6, 8, 10, 12]))
        if size < 2 and made:
            break
        plant_one(gen, op, max(size, 2))
        made += max(size, 2)
        op += 1


def plant_one(gen: Generator, op: int, size: int) -> None:
    r, p = gen.rng, gen.pools
    payouts = [p.iban("en_US", r) for _ in range(r.randint(1, 2))]
    wallets = [f"0x{r.getrandbits(160):040x}" for _ in range(r.randint(0, 1))]
    farms = [gen.address("en_US") for _ in range(r.randint(1, 2))]
    farm_ips = [gen.public_ip() for _ in range(r.randint(1, 3))]
    templates = [" ".join(r.sample(p.sentences, 8)) for _ in range(r.randint(1, 2))]
    shared_phone = gen.phone("en_US")
    photo = r.getrandbits(64)
    label = f"op{op}"
    ids: list[str] = []
    for _ in range(size):
        claimed = r.choice(CLAIMED)
        first, last = r.choice(p.first[claimed]), r.choice(p.last[claimed])
        name = p.full_name(claimed, first, last)
        pid = f"A{len(gen.apps):07d}"
        hired = r.random() < 0.3
        created = date(2026, 1, 1) + timedelta(days=r.randint(0, 250))
        uses_payout = r.random() < 0.9
        app = Applicant.model_construct(
            id=pid,
            full_name=name,
            aliases=(),
            date_of_birth=gen.dob(),
            emails=(f"{_role_handle(gen)}@{r.choice(p.domains)}",),
            phones=(shared_phone if r.random() < 0.25 else gen.phone("en_US"),),
            address=gen.address(claimed),
            country=p.country[claimed],
            shipping_address=r.choice(farms) if r.random() < 0.8 else gen.address(claimed),
            timezone=p.tz[claimed],
            education=(r.choice(p.schools),),
            employers=(r.choice(p.companies),)
            + (("Yanbian Silverstar Network Technology",) if r.random() < 0.03 else ()),
            resume_text=_mutate(gen, r.choice(templates), name)
            if r.random() < 0.85
            else gen.resume(claimed, name),
            github=f"{r.choice(ROLE_HANDLES)}{r.randint(1, 999)}",
            github_created=created,
            github_first_commit=created - timedelta(days=r.randint(200, 2000))
            if r.random() < 0.6
            else created,
            linkedin=None,
            document_number=gen.document(),
            photo_hash=_photo_copy(gen, photo) if r.random() < 0.2 else f"{r.getrandbits(64):016x}",
            payment_accounts=(r.choice(payouts),) if uses_payout else (p.iban("en_US", r),),
            payout_wallets=(r.choice(wallets),) if wallets and r.random() < 0.5 else (),
            referrer=ids[-1] if ids and r.random() < 0.3 else None,
            status=Status.EMPLOYEE if hired else Status.APPLICANT,
            hired_on=date(2026, 8, 1) if hired else None,
        )
        gen.add(app, label)
        ids.append(pid)
        ips = farm_ips + [gen.vpn_ip()] + (["175.45.178.10"] if r.random() < 0.05 else [])
        gen.logins_for(pid, 9, 14 if hired else 3, ips, "US")
        if hired:
            host_events(gen, pid)
    gen.operators[label] = ids


def host_events(gen: Generator, pid: str) -> None:
    r, at = gen.rng, datetime(2026, 9, 15, 3, tzinfo=UTC)
    if r.random() < 0.35:
        gen.hosts.append(HostEvent.model_construct(person_id=pid, at=at, **r.choice(KVM)))
    if r.random() < 0.5:
        gen.hosts.append(
            HostEvent.model_construct(
                person_id=pid, at=at, kind=HostEventKind.SOFTWARE, value=r.choice(TOOLS)
            )
        )
    if r.random() < 0.1:
        gen.hosts.append(
            HostEvent.model_construct(
                person_id=pid,
                at=at,
                kind=HostEventKind.REPO_CLONE,
                value="org/*",
                count=r.randint(60, 400),
            )
        )
    if r.random() < 0.1:
        gen.hosts.append(
            HostEvent.model_construct(
                person_id=pid,
                at=at,
                kind=HostEventKind.CLOUD_UPLOAD,
                value="mega.nz",
                bytes=r.randint(2, 40) * 10**8,
            )
        )
