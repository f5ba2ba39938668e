"""Every registered indicator, firing on a hand-made case and staying quiet on its look-alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from nkwatch.hiring.indicators import REGISTRY, SanctionsMatch, ScreeningContext
from nkwatch.hiring.model import HostEventKind as K

from .helpers import DOB, app, daily_logins, fired_for, hits_of, host, login

T0 = datetime(2026, 3, 2, 14, tzinfo=UTC)
RESUME = (
    "Senior full stack engineer with nine years building payment platforms in Go and React, led"
    " the migration of a monolith to Kubernetes, cut cloud spend by a third, mentored six"
    " engineers and shipped a fraud scoring service handling two million events per day"
)


def ctx(apps, logins=(), hosts=(), **kw) -> ScreeningContext:  # type: ignore[no-untyped-def]
    return ScreeningContext(apps, logins, hosts, today=date(2026, 11, 1), **kw)


def test_every_indicator_cites_a_dated_source_and_has_a_test_here() -> None:
    ids = {i.id for i in REGISTRY.all()}
    text = Path(__file__).read_text(encoding="utf-8")
    assert len(ids) >= 20
    for ind in REGISTRY.all():
        assert ind.sources and all(s.url.startswith("https://") and s.date for s in ind.sources)
        assert f'"{ind.id}"' in text, f"no test mentions {ind.id}"


# -- identity -------------------------------------------------------------------------------
def test_shared_identifier_across_names_fires_but_not_for_a_reapplication() -> None:
    c = ctx(
        [
            app("a", "Alice Moore", payment_accounts=("DE89370400440532013000",)),
            app("b", "Brian Kent", payment_accounts=("DE89370400440532013000",)),
            app("c", "Carla Diaz", date_of_birth=DOB, phones=("+14155550199",)),
            app(
                "d", "Karla Diaz", date_of_birth=DOB, phones=("+14155550199",)
            ),  # same person again
        ]
    )
    hits = hits_of("identity.shared_identifier", c)
    assert {h.person_id for h in hits} == {"a", "b"}
    assert hits[0].details["kind"] == "payment_accounts"


def test_shared_shipping_address_needs_other_names_and_a_non_home_address() -> None:
    farm = "12 Farm Road, Springfield, IL 62701"
    c = ctx(
        [
            app("a", "Ann One", address="1 Main St, Austin TX", shipping_address=farm),
            app("b", "Bob Two", address="9 Elm St, Reno NV", shipping_address=farm),
            app(
                "c",
                "Cy Three",
                address="5 Oak Ave, Boise ID",
                shipping_address="5 Oak Ave, Boise ID",
            ),
            app(
                "d",
                "Di Four",
                address="5 Oak Ave, Boise ID",
                shipping_address="5 Oak Ave, Boise ID",
            ),
        ]
    )
    assert fired_for("identity.shared_shipping_address", c) == {"a", "b"}


def test_ship_elsewhere() -> None:
    c = ctx(
        [
            app("a", address="1 Main St, Austin TX", shipping_address="77 Dock Rd, Newark NJ"),
            app("b", address="1 Main St, Austin TX", shipping_address="1 Main St., Austin, TX"),
        ]
    )
    assert fired_for("logistics.ship_elsewhere", c) == {"a"}


# -- payments / sanctions ---------------------------------------------------------------------
class DictChecker:
    """A tiny in-memory implementation of the checker protocol (real lists: test_sanctions)."""

    def __init__(self, names: dict[str, bool], addresses: set[str]) -> None:
        self.names, self.addresses = names, addresses

    def check_name(self, name: str) -> Sequence[SanctionsMatch]:
        return [
            SanctionsMatch(name, name, "ofac-1", "us_ofac_sdn@x", 0.97, linked)
            for n, linked in self.names.items()
            if n in name.lower()
        ]

    def check_address(self, address: str) -> Sequence[SanctionsMatch]:
        return (
            [SanctionsMatch(address, address, "ofac-2", "us_ofac_sdn@x", 1.0, True)]
            if address in self.addresses
            else []
        )


def test_sanctioned_payout_and_employer_use_the_checker() -> None:
    checker = DictChecker({"silverstar": True, "acme sanctioned": False}, {"0xbad"})
    c = ctx(
        [
            app("a", payout_wallets=("0xbad",), employers=("Yanbian Silverstar",)),
            app("b", payout_wallets=("0xgood",), employers=("Acme Sanctioned Ltd", "Globex")),
        ],
        sanctions=checker,
    )
    assert fired_for("payments.sanctioned_payout", c) == {"a"}
    assert fired_for("payments.sanctioned_employer", c) == {"a"}  # not DPRK-linked: no hit for b
    assert (
        fired_for("payments.sanctioned_payout", ctx([app("a", payout_wallets=("0xbad",))])) == set()
    )


# -- network ----------------------------------------------------------------------------------
def test_dprk_ip_and_vpn_ranges() -> None:
    c = ctx(
        [app("a"), app("b"), app("c")],
        [
            login("a", T0, "175.45.177.3"),
            login("b", T0, "198.51.100.7"),
            login("c", T0, "8.8.8.8"),
        ],
    )
    assert fired_for("network.dprk_ip", c) == {"a"}
    assert fired_for("network.vpn", c) == {"b"}


def test_impossible_travel() -> None:
    c = ctx(
        [app("a"), app("b")],
        [
            login("a", T0, lat=40.71, lon=-74.0, country="US"),
            login("a", T0 + timedelta(hours=2), lat=51.5, lon=-0.12, country="GB"),
            login("b", T0, lat=40.71, lon=-74.0, country="US"),
            login("b", T0 + timedelta(hours=10), lat=51.5, lon=-0.12, country="GB"),
        ],
    )
    assert fired_for("network.impossible_travel", c) == {"a"}


def test_many_countries_in_a_week() -> None:
    a = [login("a", T0 + timedelta(days=i), country=cc) for i, cc in enumerate(["US", "CN", "RU"])]
    b = [
        login("b", T0 + timedelta(days=10 * i), country=cc)
        for i, cc in enumerate(["US", "CN", "RU"])
    ]
    assert fired_for("network.many_countries", ctx([app("a"), app("b")], a + b)) == {"a"}


def test_shared_ip_counts_people_and_ignores_vpn_exits() -> None:
    logins = [login(p, T0, "73.1.2.3") for p in "abc"] + [login(p, T0, "192.0.2.9") for p in "def"]
    logins += [login("g", T0, "73.9.9.9"), login("h", T0, "73.9.9.9")]
    c = ctx([app(p) for p in "abcdefgh"], logins)
    assert fired_for("network.shared_ip", c) == {"a", "b", "c"}


def test_endless_session() -> None:
    c = ctx(
        [app("a"), app("b")], [login("a", T0, session_hours=72), login("b", T0, session_hours=9)]
    )
    assert fired_for("network.endless_session", c) == {"a"}


# -- devices ----------------------------------------------------------------------------------
def test_ipkvm_high_confidence_and_possible() -> None:
    hosts = [
        host("a", K.NETWORK_NEIGHBOR, "aa:bb:cc:dd:ee:ff", hostname="pikvm.local"),
        host("b", K.USB_DEVICE, "hid", vid="1d6b", pid="0104", manufacturer="TinyPilot"),
        host("c", K.HTTP_SERVICE, "GLKVM"),
        host("d", K.NETWORK_NEIGHBOR, "B8:27:EB:01:02:03"),  # a Raspberry Pi: maybe a PiKVM
        host("e", K.USB_DEVICE, "hid", vid="1D6B", pid="0104", manufacturer="Linux"),
        host("f", K.NETWORK_NEIGHBOR, "3C:22:FB:00:00:01", hostname="printer.local"),
    ]
    c = ctx([app(p) for p in "abcdef"], hosts=hosts)
    assert fired_for("device.ipkvm", c) == {"a", "b", "c"}
    assert fired_for("device.ipkvm_possible", c) == {"d", "e"}


def test_remote_access_tool() -> None:
    hosts = [host("a", K.SOFTWARE, "AnyDesk 8.0.9"), host("b", K.SOFTWARE, "Visual Studio Code")]
    assert fired_for("device.remote_access_tool", ctx([app("a"), app("b")], hosts=hosts)) == {"a"}


# -- hours, text, github, referral -------------------------------------------------------------
def test_utc9_hours_fire_for_a_claimed_us_worker_but_not_a_seoul_one() -> None:
    kst_office = range(0, 9)  # 09:00-17:59 in UTC+9
    logins = (
        daily_logins("a", kst_office)
        + daily_logins("b", kst_office)
        + daily_logins("c", range(14, 22))
    )
    c = ctx(
        [
            app("a", timezone="America/Chicago"),
            app("b", timezone="Asia/Seoul"),
            app("c", timezone="America/New_York"),
        ],
        logins,
    )
    assert fired_for("hours.utc9", c) == {"a"}


def test_resume_reuse_under_other_names_only() -> None:
    c = ctx(
        [
            app("a", "Ann One", resume_text="Ann One. " + RESUME),
            app("b", "Bob Two", resume_text="Bob Two. " + RESUME.replace("nine", "eight")),
            app(
                "c",
                "Cy Three",
                resume_text="Designer of print typography, coffee lover, bookbinder"
                " and teacher of calligraphy for twenty years in a small studio by the sea",
            ),
        ]
    )
    assert fired_for("text.resume_reuse", c) == {"a", "b"}


def test_github_history_predating_account() -> None:
    c = ctx(
        [
            app(
                "a",
                github="x",
                github_created=date(2026, 2, 1),
                github_first_commit=date(2019, 1, 1),
            ),
            app(
                "b",
                github="y",
                github_created=date(2016, 2, 1),
                github_first_commit=date(2016, 3, 1),
            ),
        ]
    )
    assert fired_for("github.history_predates_account", c) == {"a"}


def test_referral_from_a_flagged_person_follows_the_chain() -> None:
    from nkwatch.hiring.indicators import run_indicators

    c = ctx(
        [
            app("op", "Ann One", payment_accounts=("GB82WEST12345698765432",)),
            app("op2", "Bob Two", payment_accounts=("GB82WEST12345698765432",)),
            app("r1", "Cy Three", referrer="op"),
            app("r2", "Di Four", referrer="r1"),
            app("x", "Ed Five", referrer="clean"),
            app("clean", "Fay Six"),
        ]
    )
    fired = {h.person_id for h in run_indicators(c) if h.indicator_id == "referral.from_flagged"}
    assert fired == {"r1", "r2"}


# -- post-hire --------------------------------------------------------------------------------
def test_bulk_clone_exfil_and_new_admin() -> None:
    hired = date(2026, 9, 1)
    hosts = [
        host("a", K.REPO_CLONE, "org/*", count=120),
        host("b", K.REPO_CLONE, "org/api", count=4),
        host("a", K.CLOUD_UPLOAD, "mega.nz", bytes=3 * 10**9),
        host("b", K.CLOUD_UPLOAD, "s3.amazonaws.com", bytes=3 * 10**9),  # company bucket
        host("a", K.PRIVILEGE_GRANT, "Global Admin", at=datetime(2026, 9, 20, tzinfo=UTC)),
        host("b", K.PRIVILEGE_GRANT, "Global Admin", at=datetime(2027, 9, 20, tzinfo=UTC)),
    ]
    c = ctx(
        [app("a", hired_on=hired, status="employee"), app("b", hired_on=hired, status="employee")],
        hosts=hosts,
    )
    assert fired_for("posthire.bulk_clone", c) == {"a"}
    assert fired_for("posthire.cloud_exfil", c) == {"a"}
    assert fired_for("posthire.new_admin", c) == {"a"}


# -- contact ----------------------------------------------------------------------------------
def test_phone_type_voip_and_foreign() -> None:
    c = ctx(
        [
            app("a", country="GB", phones=("+445612345678",)),  # UK 056: VoIP range
            app("b", country="CA", phones=("+12015550123",)),  # a US number for a Canadian claim
            app("c", country="US", phones=("+12015550123",)),
        ]
    )
    assert fired_for("contact.phone_type", c) == {"a", "b"}


@pytest.mark.parametrize(
    ("email", "name", "fires"),
    [
        ("devmaster1996@gmail.com", "John Carter", True),
        ("codeguru77@outlook.com", "Mia Wong", True),
        ("john.carter@gmail.com", "John Carter", False),
        ("carter1987@gmail.com", "John Carter", False),
        ("mwong@proton.me", "Mia Wong", False),
    ],
)
def test_email_handle_pattern(email: str, name: str, fires: bool) -> None:
    c = ctx([app("a", name, emails=(email,))])
    assert (fired_for("contact.email_handle", c) == {"a"}) is fires
