"""Working hours, resume reuse, GitHub history and referral chains."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from nkwatch.hiring.fields import zone
from nkwatch.hiring.indicators import verify
from nkwatch.hiring.indicators.base import (
    REGISTRY,
    RESUME_THRESHOLD,
    Hit,
    ScreeningContext,
    Severity,
    indicator,
)
from nkwatch.hiring.indicators.identity import same_person
from nkwatch.hiring.indicators.sources import (
    ADVISORY_2022,
    ADVISORY_2023,
    MANDIANT_2024,
    MICROSOFT_2025,
)

MIN_LOGINS = 10
WORK_HOURS = range(8, 19)
KST = timedelta(hours=9)
BACKDATE_DAYS = 30


def hours_fit(ctx: ScreeningContext, pid: str) -> tuple[float, float, int] | None:
    """(share of logins in office hours at UTC+9, share in the claimed zone, n) or None."""
    app = ctx.by_id.get(pid)
    events = ctx.logins.get(pid, [])
    if app is None or not app.timezone or len(events) < MIN_LOGINS:
        return None
    tz = zone(app.timezone)
    ref = datetime(2025, 1, 15, tzinfo=UTC)
    offset = tz.utcoffset(ref.replace(tzinfo=None)) or timedelta(0)
    if abs((offset - KST).total_seconds()) < 4 * 3600:
        return None  # claimed zone is close to UTC+9: the pattern cannot tell them apart
    kst = sum(1 for e in events if (e.at.astimezone(UTC) + KST).hour in WORK_HOURS)
    own = sum(1 for e in events if e.at.astimezone(tz).hour in WORK_HOURS)
    return kst / len(events), own / len(events), len(events)


@indicator(
    "hours.utc9",
    family="hours",
    title="Working hours fit UTC+9, not the claimed zone",
    description="Most sign-ins fall in office hours in UTC+9 (Pyongyang) and outside office"
    " hours in the claimed time zone.",
    severity=Severity.MEDIUM,
    sources=(ADVISORY_2022, MANDIANT_2024),
    verify=f"{verify.NETWORK}; {verify.LIVE_ID}",
)
def utc9_hours(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid in ctx.logins:
        fit = hours_fit(ctx, pid)
        if fit and fit[0] >= 0.7 and fit[1] <= 0.4:
            app = ctx.by_id[pid]
            yield Hit(
                "hours.utc9",
                pid,
                f"{fit[0]:.0%} of {fit[2]} sign-ins in 08-19h UTC+9, {fit[1]:.0%} in"
                f" 08-19h of the claimed zone {app.timezone}",
            )


@indicator(
    "text.resume_reuse",
    family="text",
    title="Resume reused under another name",
    description=f"Resume text is a near-duplicate (MinHash Jaccard >= {RESUME_THRESHOLD})"
    " of another record's under a different name.",
    severity=Severity.MEDIUM,
    sources=(ADVISORY_2023, MICROSOFT_2025),
    verify=f"{verify.REFERENCES}; {verify.LIVE_ID}",
)
def resume_reuse(ctx: ScreeningContext) -> Iterator[Hit]:
    names = ctx.name_key
    pairs = ctx.resume_pairs
    linked: dict[str, list[tuple[str, float]]] = {}
    for p in pairs:
        a, b = ctx.applicants[p.a].id, ctx.applicants[p.b].id
        if not same_person(ctx.applicants[p.a], ctx.applicants[p.b], names):
            linked.setdefault(a, []).append((b, p.similarity))
            linked.setdefault(b, []).append((a, p.similarity))
    for pid, others in linked.items():
        best = max(s for _, s in others)
        yield Hit(
            "text.resume_reuse",
            pid,
            f"resume ~{best:.0%} identical to {len(others)} other record(s):"
            f" {', '.join(o for o, _ in others[:5])}",
            tuple(o for o, _ in others),
        )


@indicator(
    "github.history_predates_account",
    family="profile",
    title="GitHub history predates the account",
    description=f"First commit more than {BACKDATE_DAYS} days before the account was created:"
    " backdated or transplanted history built to look established.",
    severity=Severity.MEDIUM,
    sources=(MANDIANT_2024, MICROSOFT_2025),
    verify=verify.REFERENCES,
)
def github_backdated(ctx: ScreeningContext) -> Iterator[Hit]:
    for app in ctx.applicants:
        if app.github_created and app.github_first_commit:
            gap = (app.github_created - app.github_first_commit).days
            if gap > BACKDATE_DAYS:
                yield Hit(
                    "github.history_predates_account",
                    app.id,
                    f"GitHub {app.github or '?'} created {app.github_created}, first commit"
                    f" {app.github_first_commit} ({gap} days earlier)",
                )


@indicator(
    "referral.from_flagged",
    family="referral",
    title="Referred by a flagged person",
    description="The referrer has a strong indicator or is linked to one: operators refer"
    " each other's identities.",
    severity=Severity.MEDIUM,
    sources=(ADVISORY_2023, MANDIANT_2024),
    verify=verify.LIVE_ID,
    needs_prior=True,
)
def referral(ctx: ScreeningContext) -> Iterator[Hit]:
    for app in ctx.applicants:
        if not app.referrer or app.referrer == app.id:
            continue
        chain: list[str] = []
        ref: str | None = app.referrer
        strong: Hit | None = None
        while ref and ref not in chain and len(chain) < 10 and strong is None:
            chain.append(ref)
            for h in ctx.prior_hits.get(ref, []):
                if REGISTRY.get(h.indicator_id).severity is Severity.STRONG:
                    strong = h
            nxt = ctx.by_id.get(ref)
            ref = nxt.referrer if nxt else None
        if strong is not None:
            yield Hit(
                "referral.from_flagged",
                app.id,
                f"referral chain {' <- '.join([app.id, *chain])} reaches {strong.person_id}"
                f" flagged {strong.indicator_id}",
                tuple(chain),
            )
