"""Linking on small hand-made populations, and the risk levels built on the indicators."""

from __future__ import annotations

from datetime import UTC, date, datetime

from nkwatch.hiring.indicators import REGISTRY, Hit, ScreeningContext
from nkwatch.hiring.linking import UnionFind, link, pairwise_scores
from nkwatch.hiring.model import Dataset
from nkwatch.hiring.risk import Level, assess
from nkwatch.hiring.screening import ScreeningOptions, screen

from .helpers import app, login

RESUME = (
    "Led backend work on a logistics marketplace in Kotlin and Spring, designed the event"
    " sourcing layer on Kafka, built the pricing engine, reduced p99 latency from 900 to 120"
    " milliseconds and introduced contract tests across twelve services"
)
T0 = datetime(2026, 5, 4, 10, tzinfo=UTC)


def clusters_of(ctx: ScreeningContext, **kw: bool) -> list[set[str]]:
    return [set(c.members) for c in link(ctx, **kw).clusters]


def test_union_find_merges_chains() -> None:
    uf = UnionFind()
    uf.union("a", "b")
    uf.union("c", "d")
    uf.union("b", "d")
    assert len({uf.find(x) for x in "abcd"}) == 1 and uf.find("e") == "e"


def test_operator_cluster_via_shared_payout_and_phone_chain() -> None:
    """a-b share a payout account, b-c a phone: one operator, five 'different' people."""
    apps = [
        app("a", "Ann One", payment_accounts=("GB82WEST12345698765432",)),
        app("b", "Bob Two", payment_accounts=("GB82WEST12345698765432",), phones=("+12025550111",)),
        app("c", "Cy Three", phones=("+12025550111",), emails=("dev1@x.org",)),
        app("d", "Di Four", emails=("dev1@x.org",)),
        app("e", "Ed Five", photo_hash="ffee00"),
        app("f", "Fay Six", photo_hash="ffee00"),
        app("g", "Gus Seven"),
    ]
    result = link(ScreeningContext(apps), use_splink=False)
    assert [set(c.members) for c in result.clusters] == [{"a", "b", "c", "d"}, {"e", "f"}]
    first = result.clusters[0]
    assert first.summary == "these 4 applications share 1 email, 1 payment account, 1 phone"
    assert {e.kind for e in first.evidence} == {"email", "payment_account", "phone"}


def test_colleagues_at_one_office_are_not_linked_but_farm_plus_resume_is() -> None:
    office = "100 Market St, Floor 5, San Francisco"
    apps = [
        app(
            p,
            f"Name {p}",
            address=f"{p} Home Rd",
            shipping_address=office,
            resume_text=f"{p} wrote their own resume about topic {p} " * 3,
        )
        for p in "abc"
    ]
    apps += [
        app(
            "x",
            "Xena Ward",
            address="1 A St",
            shipping_address="7 Farm Ln, Dover DE",
            resume_text="Xena Ward. " + RESUME,
        ),
        app(
            "y",
            "Yuri Bell",
            address="2 B St",
            shipping_address="7 Farm Ln, Dover DE",
            resume_text="Yuri Bell. " + RESUME.replace("twelve", "ten"),
        ),
    ]
    logins = [login(p, T0, "73.10.20.30") for p in "abc"]
    assert clusters_of(ScreeningContext(apps, logins), use_splink=False) == [{"x", "y"}]


def test_splink_links_a_reapplication_under_a_name_variant() -> None:
    dob = date(1988, 11, 2)
    apps = [
        app("r1", "Jonathan Mbeki", date_of_birth=dob, phones=("+27821234567",)),
        app("r2", "Jonathon Mbeki", date_of_birth=dob, phones=("+27821234567",)),
        app("s1", "Maria Garcia", date_of_birth=date(1985, 3, 4)),
        app("s2", "Maria Garcia", date_of_birth=date(1971, 8, 9)),  # common name, other person
    ]
    assert clusters_of(ScreeningContext(apps)) == [{"r1", "r2"}]


def test_pairwise_precision_recall() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"}
    assert pairwise_scores([["a", "b", "c"]], truth) == (1.0, 1.0)
    p, r = pairwise_scores([["a", "b"], ["c", "d"]], truth)
    assert (p, round(r, 3)) == (0.5, 0.333)


def hit(indicator_id: str, pid: str = "p") -> Hit:
    return Hit(indicator_id, pid, "evidence")


def test_weak_signals_alone_never_make_high() -> None:
    weak = [i.id for i in REGISTRY.all() if i.severity == "weak"]
    risk = assess("p", [hit(i) for i in weak])
    assert len(weak) >= 5 and risk.level is Level.REVIEW and risk.score > 0.4


def test_levels() -> None:
    assert assess("p", []).level is Level.LOW
    assert assess("p", [hit("network.vpn")]).level is Level.LOW
    assert assess("p", [hit("network.shared_ip")]).level is Level.REVIEW
    two = assess("p", [hit("network.shared_ip"), hit("text.resume_reuse")])
    assert two.level is Level.REVIEW
    three = assess("p", [hit("network.shared_ip"), hit("text.resume_reuse"), hit("hours.utc9")])
    assert three.level is Level.HIGH
    strong = assess("p", [hit("device.ipkvm")])
    assert strong.level is Level.HIGH and any("IP-KVM" in s for s in strong.verify)


def test_screen_end_to_end_reports_cluster_and_levels() -> None:
    apps = [
        app("a", "Ann One", payout_wallets=("0xabc",)),
        app("b", "Bob Two", payout_wallets=("0xabc",)),
        app("c", "Cy Three"),
    ]
    result = screen(Dataset(applicants=tuple(apps)), ScreeningOptions(use_splink=False))
    assert result.people["a"].level is Level.HIGH and result.people["c"].level is Level.LOW
    assert [c.cluster.members for c in result.clusters] == [("a", "b")]
    assert result.people["a"].cluster_id == result.clusters[0].cluster.id
