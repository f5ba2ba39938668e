"""Network: where and how people sign in (DPRK ranges, VPNs, travel, shared IPs, sessions)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from nkwatch.hiring.indicators import verify
from nkwatch.hiring.indicators.base import Hit, ScreeningContext, Severity, indicator
from nkwatch.hiring.indicators.sources import (
    ADVISORY_2022,
    DOJ_CHAPMAN_2024,
    DPRK_RANGES,
    MANDIANT_2024,
    MICROSOFT_2025,
)

MAX_KMH = 1000.0  # faster than a airliner between two sign-ins
MIN_KM = 500.0
COUNTRY_WINDOW = timedelta(days=7)
MIN_COUNTRIES = 3
MIN_ACCOUNTS_PER_IP = 3
ENDLESS_HOURS = 24.0


@indicator(
    "network.dprk_ip",
    family="network",
    title="Sign-in from North Korean address space",
    description="A login IP lies in a published DPRK range.",
    severity=Severity.STRONG,
    sources=(DPRK_RANGES, ADVISORY_2022),
    verify=f"{verify.NETWORK}; {verify.LIVE_ID}",
)
def dprk_ip(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid, events in ctx.logins.items():
        hits = sorted({e.ip for e in events if ctx.ip_labels[e.ip][0]})
        if hits:
            yield Hit("network.dprk_ip", pid, f"login from DPRK range: {', '.join(hits[:5])}")


@indicator(
    "network.vpn",
    family="network",
    title="Sign-ins through a listed VPN service",
    description="Login IPs belong to VPN services these workers use (user-supplied lists);"
    " many honest people use VPNs too, hence weak.",
    severity=Severity.WEAK,
    sources=(MICROSOFT_2025, MANDIANT_2024),
    verify=verify.NETWORK,
)
def vpn(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid, events in ctx.logins.items():
        labels = sorted({lab for e in events if (lab := ctx.ip_labels[e.ip][1])})
        if labels:
            yield Hit("network.vpn", pid, f"logins via VPN: {', '.join(labels[:3])}")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@indicator(
    "network.impossible_travel",
    family="network",
    title="Impossible travel",
    description=f"Two sign-ins more than {MIN_KM:.0f} km apart at over {MAX_KMH:.0f} km/h.",
    severity=Severity.MEDIUM,
    sources=(ADVISORY_2022, MANDIANT_2024),
    verify=verify.NETWORK,
)
def impossible_travel(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid, events in ctx.logins.items():
        located = [e for e in events if e.lat is not None and e.lon is not None]
        for a, b in zip(located, located[1:], strict=False):
            km = _km((a.lat, a.lon), (b.lat, b.lon))  # type: ignore[arg-type]
            hours = max((b.at - a.at).total_seconds() / 3600, 1 / 60)
            if km >= MIN_KM and km / hours > MAX_KMH:
                yield Hit(
                    "network.impossible_travel",
                    pid,
                    f"{a.ip} ({a.country or '?'}) at {a.at:%Y-%m-%d %H:%M} then {b.ip}"
                    f" ({b.country or '?'}) {km:.0f} km away {hours:.1f} h later",
                )
                break


@indicator(
    "network.many_countries",
    family="network",
    title="Sign-ins from many countries in a short period",
    description=f"At least {MIN_COUNTRIES} countries within {COUNTRY_WINDOW.days} days.",
    severity=Severity.MEDIUM,
    sources=(ADVISORY_2022,),
    verify=verify.NETWORK,
)
def many_countries(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid, events in ctx.logins.items():
        dated = [e for e in events if e.country]
        start = 0
        for end in range(len(dated)):
            while dated[end].at - dated[start].at > COUNTRY_WINDOW:
                start += 1
            countries = {e.country for e in dated[start : end + 1]}
            if len(countries) >= MIN_COUNTRIES:
                yield Hit(
                    "network.many_countries",
                    pid,
                    f"{len(countries)} countries ({', '.join(sorted(map(str, countries)))})"
                    f" within {COUNTRY_WINDOW.days} days of {dated[start].at:%Y-%m-%d}",
                )
                break


@indicator(
    "network.shared_ip",
    family="network",
    title="Many accounts from one IP",
    description=f"One non-VPN IP used by {MIN_ACCOUNTS_PER_IP}+ different people"
    " (laptop farm; an office NAT looks the same, hence medium).",
    severity=Severity.MEDIUM,
    sources=(ADVISORY_2022, DOJ_CHAPMAN_2024),
    verify=verify.SHIP_TO_ID,
)
def shared_ip(ctx: ScreeningContext) -> Iterator[Hit]:
    users: dict[str, set[str]] = defaultdict(set)
    for pid, events in ctx.logins.items():
        for e in events:
            users[e.ip].add(pid)
    for ip, pids in users.items():
        if len(pids) >= MIN_ACCOUNTS_PER_IP and not ctx.ip_labels[ip][1]:
            for pid in sorted(pids):
                others = tuple(sorted(pids - {pid}))
                yield Hit(
                    "network.shared_ip",
                    pid,
                    f"IP {ip} also used by {len(others)} other people",
                    others,
                    {"ip": ip},
                )


@indicator(
    "network.endless_session",
    family="network",
    title="Sessions that never end",
    description=f"Sessions of {ENDLESS_HOURS:.0f} h or more: a machine left on for remote"
    " control rather than a person working.",
    severity=Severity.WEAK,
    sources=(DOJ_CHAPMAN_2024, MANDIANT_2024),
    verify=verify.DEVICE_CHECK,
)
def endless_session(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid, events in ctx.logins.items():
        long = [e for e in events if (e.session_hours or 0) >= ENDLESS_HOURS]
        if long:
            top = max(e.session_hours or 0 for e in long)
            yield Hit(
                "network.endless_session",
                pid,
                f"{len(long)} session(s) of {ENDLESS_HOURS:.0f}+ h (longest {top:.0f} h)",
            )
