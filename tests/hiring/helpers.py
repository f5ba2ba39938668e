"""Small builders for hand-made applicants, events and contexts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from nkwatch.hiring.indicators import REGISTRY, Hit, ScreeningContext, run_indicators
from nkwatch.hiring.model import Applicant, HostEvent, HostEventKind, LoginEvent


def app(pid: str, name: str | None = None, **kw: Any) -> Applicant:
    return Applicant(id=pid, full_name=name or f"Person {pid}", **kw)


def login(pid: str, at: datetime, ip: str = "81.2.69.142", **kw: Any) -> LoginEvent:
    return LoginEvent(person_id=pid, at=at, ip=ip, **kw)


def host(person: str, kind: HostEventKind, value: str, **kw: Any) -> HostEvent:
    at = kw.pop("at", datetime(2026, 10, 1, 12, tzinfo=UTC))
    return HostEvent(person_id=person, at=at, kind=kind, value=value, **kw)


def hits_of(indicator_id: str, ctx: ScreeningContext) -> list[Hit]:
    return list(REGISTRY.get(indicator_id).rule(ctx))


def all_hits(ctx: ScreeningContext) -> list[Hit]:
    return run_indicators(ctx)


def fired_for(indicator_id: str, ctx: ScreeningContext) -> set[str]:
    return {h.person_id for h in hits_of(indicator_id, ctx)}


def daily_logins(pid: str, utc_hours: Iterable[int], days: int = 12, **kw: Any) -> list[LoginEvent]:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    return [
        login(pid, start + timedelta(days=d, hours=h), **kw) for d in range(days) for h in utc_hours
    ]


DOB = date(1990, 5, 17)
