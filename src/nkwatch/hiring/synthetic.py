"""Synthetic applicant populations with ground truth, for tests and benchmarks.

Everything is fake (Faker, many locales): no real person's data. The population follows
the advisories: an honest majority; planted operators, each running several stolen or
rented identities that reuse payout accounts, laptop-farm shipping addresses, resume
templates, phones, ID-photo hashes, VPN/farm IPs and UTC+9 hours; and honest look-alikes
that must *not* be linked or flagged high: colleagues shipping to one office and signing in
through its NAT, common names, VPN users, people in UTC+9 zones, re-applications under a
name variant (same person: linked, not flagged), couples sharing a bank account.

Pools of names/addresses/sentences are drawn from Faker once, then combined with a seeded
RNG, so a million records take seconds and the same seed gives the same population.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from faker import Faker

from nkwatch.hiring.model import Applicant, Dataset, HostEvent, HostEventKind, LoginEvent, Status
from nkwatch.hiring.synthetic_ops import plant_operators
from nkwatch.hiring.synthetic_pools import LOCALES, Pools, build_pools

FARM_LOCALE = "en_US"
SANCTIONED_EMPLOYER = "Yanbian Silverstar Network Technology Co., Ltd."
TODAY = date(2026, 11, 1)


@dataclass(frozen=True)
class SyntheticConfig:
    n: int = 1000
    seed: int = 7
    operator_share: float = 0.02  # share of records that are operator identities
    duplicate_share: float = 0.02  # honest re-applications under a name variant
    office_share: float = 0.06  # honest staff shipping to a shared office, office NAT
    vpn_share: float = 0.10
    couple_share: float = 0.001  # honest pairs sharing a bank account (strong, honest)
    employee_share: float = 0.10
    pool_size: int = 400


@dataclass
class Synthetic:
    dataset: Dataset
    truth: dict[str, str]  # record id -> true actor ("h123" honest person, "op7" operator)
    operators: dict[str, list[str]] = field(default_factory=dict)


class _Gen:
    def __init__(self, cfg: SyntheticConfig) -> None:
        self.cfg = cfg
        self.rng = random.Random(cfg.seed)
        Faker.seed(cfg.seed)
        self.pools: Pools = build_pools(cfg.pool_size, cfg.seed)
        self.apps: list[Applicant] = []
        self.logins: list[LoginEvent] = []
        self.hosts: list[HostEvent] = []
        self.truth: dict[str, str] = {}
        self.operators: dict[str, list[str]] = {}
        self.handles: set[str] = set()
        self.used: set[str] = set()
        self.offices = [self.address(self.rng.choice(LOCALES)) for _ in range(max(1, cfg.n // 400))]
        self.office_ips = [self.public_ip() for _ in self.offices]

    # -- small helpers ------------------------------------------------------------------
    def address(self, loc: str) -> str:
        return f"Unit {self.rng.randint(1, 999)}, {self.rng.choice(self.pools.addresses[loc])}"

    def public_ip(self) -> str:
        r = self.rng
        return f"{r.choice([24, 67, 73, 98, 104, 142, 174, 5, 31, 81, 86, 91])}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def vpn_ip(self) -> str:
        return (
            f"{self.rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{self.rng.randint(1, 254)}"
        )

    def phone(self, loc: str) -> str:
        """A fresh number: a subscriber number belongs to one person."""
        prefix = self.pools.phone_prefix[loc]
        while (number := f"{prefix}{self.rng.randrange(10**6):06d}") in self.used:
            pass
        self.used.add(number)
        return number

    def document(self) -> str:
        while (doc := f"D{self.rng.randrange(10**9):09d}") in self.used:
            pass
        self.used.add(doc)
        return doc

    def dob(self) -> date:
        return date(1962, 1, 1) + timedelta(days=self.rng.randint(0, 365 * 41))

    def resume(self, loc: str, name: str) -> str:
        sents = self.rng.sample(self.pools.sentences, self.rng.randint(6, 9))
        return f"{name}. " + " ".join(sents)

    def logins_for(
        self, pid: str, tz_hours: float, n: int, ip_pick: list[str], country: str
    ) -> None:
        """Sign-ins at local office hours of ``tz_hours`` (UTC offset)."""
        start = datetime(2026, 9, 1, tzinfo=UTC)
        for _ in range(n):
            local_hour = self.rng.randint(9, 17)
            day = self.rng.randint(0, 55)
            at = start + timedelta(
                days=day, hours=local_hour - tz_hours, minutes=self.rng.randint(0, 59)
            )
            self.logins.append(
                LoginEvent.model_construct(
                    person_id=pid,
                    at=at,
                    ip=self.rng.choice(ip_pick),
                    country=country,
                    lat=None,
                    lon=None,
                    session_hours=round(self.rng.uniform(0.5, 9), 1),
                )
            )

    # -- honest people --------------------------------------------------------------------
    def honest(self, i: int) -> None:
        r, cfg = self.rng, self.cfg
        loc = r.choice(LOCALES)
        p = self.pools
        first, last = r.choice(p.first[loc]), r.choice(p.last[loc])
        if r.random() < 0.01:  # very common names shared by unrelated people
            first, last = r.choice(p.common[loc])
        name = p.full_name(loc, first, last)
        pid = f"A{len(self.apps):07d}"
        home = self.address(loc)
        in_office = r.random() < cfg.office_share
        office = r.randrange(len(self.offices))
        handle = p.handle(loc, first, last, r)
        while handle in self.handles:  # a mailbox belongs to one person
            handle = f"{handle}{r.randint(0, 9)}"
        self.handles.add(handle)
        employee = r.random() < cfg.employee_share
        app = Applicant.model_construct(
            id=pid,
            full_name=name,
            aliases=(),
            date_of_birth=self.dob(),
            emails=(f"{handle}@{r.choice(p.domains)}",),
            phones=(self.phone(loc),),
            address=home,
            country=p.country[loc],
            shipping_address=self.offices[office]
            if in_office
            else (home if r.random() < 0.9 else self.address(loc)),
            timezone=p.tz[loc],
            education=(r.choice(p.schools),),
            employers=tuple(r.sample(p.companies, 2)),
            resume_text=self.resume(loc, name),
            github=handle if r.random() < 0.6 else None,
            github_created=date(2012, 1, 1) + timedelta(days=r.randint(0, 4000)),
            github_first_commit=None,
            linkedin=None,
            document_number=self.document(),
            photo_hash=f"{r.getrandbits(64):016x}",
            payment_accounts=(p.iban(loc, r),),
            payout_wallets=(),
            referrer=None,
            status=Status.EMPLOYEE if employee else Status.APPLICANT,
            hired_on=TODAY - timedelta(days=r.randint(30, 900)) if employee else None,
        )
        if app.github_created is not None and r.random() < 0.5:
            app = app.model_copy(
                update={
                    "github_first_commit": app.github_created + timedelta(days=r.randint(0, 300))
                }
            )
        self.add(app, f"h{i}")
        ips = [self.office_ips[office]] if in_office else [self.public_ip()]
        if r.random() < cfg.vpn_share:
            ips = [self.vpn_ip()]
        self.logins_for(pid, p.utc_offset[loc], 12 if employee else 2, ips, p.country[loc])
        if employee:
            self.honest_host_events(pid)
        if r.random() < cfg.duplicate_share:
            self.reapply(app, f"h{i}")
        if r.random() < cfg.couple_share:
            partner = app.model_copy(
                update={
                    "id": f"A{len(self.apps):07d}",
                    "full_name": p.full_name(loc, r.choice(p.first[loc]), last),
                    "date_of_birth": self.dob(),
                    "emails": (),
                    "phones": (self.phone(loc),),
                    "document_number": self.document(),
                    "photo_hash": None,
                    "resume_text": self.resume(loc, "partner"),
                    "status": Status.APPLICANT,
                    "hired_on": None,
                }
            )
            self.add(partner, f"h{i}-partner")

    def reapply(self, app: Applicant, label: str) -> None:
        r = self.rng
        parts = app.full_name.split()
        variant = (
            " ".join(parts[:-1] + [parts[-1][:-1] + parts[-1][-1] * 2])
            if r.random() < 0.5
            else app.full_name.upper()
        )
        dup = app.model_copy(
            update={
                "id": f"A{len(self.apps):07d}",
                "full_name": variant,
                "emails": app.emails if r.random() < 0.5 else (),
                "phones": app.phones if r.random() < 0.8 else (),
                "status": Status.APPLICANT,
                "hired_on": None,
            }
        )
        self.add(dup, label)

    def honest_host_events(self, pid: str) -> None:
        r, at = self.rng, datetime(2026, 10, 1, 12, tzinfo=UTC)
        if r.random() < 0.02:
            self.hosts.append(
                HostEvent.model_construct(
                    person_id=pid, at=at, kind=HostEventKind.SOFTWARE, value="TeamViewer 15"
                )
            )
        if r.random() < 0.01:
            self.hosts.append(
                HostEvent.model_construct(
                    person_id=pid,
                    at=at,
                    kind=HostEventKind.NETWORK_NEIGHBOR,
                    value="B8:27:EB:12:34:56",
                    hostname="raspberrypi.local",
                )
            )
        if r.random() < 0.05:
            self.hosts.append(
                HostEvent.model_construct(
                    person_id=pid, at=at, kind=HostEventKind.PRIVILEGE_GRANT, value="local admin"
                )
            )
        self.hosts.append(
            HostEvent.model_construct(
                person_id=pid,
                at=at,
                kind=HostEventKind.REPO_CLONE,
                value="org/service",
                count=r.randint(1, 8),
            )
        )

    def add(self, app: Applicant, label: str) -> None:
        self.apps.append(app)
        self.truth[app.id] = label


def generate(cfg: SyntheticConfig) -> Synthetic:
    """A population of about ``cfg.n`` records with ground-truth actor labels."""
    gen = _Gen(cfg)
    n_ops_records = int(cfg.n * cfg.operator_share)
    i = 0
    while len(gen.apps) < cfg.n - n_ops_records:
        gen.honest(i)
        i += 1
    plant_operators(gen, n_ops_records)
    order = list(range(len(gen.apps)))
    gen.rng.shuffle(order)
    apps = tuple(gen.apps[k] for k in order)
    data = Dataset(applicants=apps, logins=tuple(gen.logins), host_events=tuple(gen.hosts))
    return Synthetic(data, gen.truth, gen.operators)


def to_bundle(data: Dataset) -> dict[str, list[dict[str, object]]]:
    """The JSON bundle format the importer reads (applicants + logins + host events)."""

    def dump(
        items: tuple[Applicant, ...] | tuple[LoginEvent, ...] | tuple[HostEvent, ...],
    ) -> list[dict[str, object]]:
        return [
            {k: v for k, v in item.model_dump(mode="json").items() if v not in (None, [], ())}
            for item in items
        ]

    return {
        "applicants": dump(data.applicants),
        "logins": dump(data.logins),
        "host_events": dump(data.host_events),
    }
