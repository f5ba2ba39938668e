"""Post-hire signals: bulk cloning, uploads to personal cloud, new admin rights."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

from nkwatch.hiring.indicators import verify
from nkwatch.hiring.indicators.base import Hit, ScreeningContext, Severity, indicator
from nkwatch.hiring.indicators.sources import FBI_PSA_2025, MANDIANT_2024
from nkwatch.hiring.model import HostEventKind

BULK_CLONES_PER_DAY = 50
PERSONAL_CLOUD = (
    "drive.google.com",
    "docs.google.com",
    "dropbox.com",
    "mega.nz",
    "mega.io",
    "onedrive.live.com",
    "1drv.ms",
    "icloud.com",
    "box.com",
    "pcloud.com",
    "mediafire.com",
    "wetransfer.com",
)
EXFIL_BYTES = 100 * 1024 * 1024
EARLY_ADMIN = timedelta(days=90)


@indicator(
    "posthire.bulk_clone",
    family="post-hire",
    title="Bulk repository cloning",
    description=f"{BULK_CLONES_PER_DAY}+ repository clones in one day.",
    severity=Severity.MEDIUM,
    sources=(FBI_PSA_2025,),
    verify=verify.DATA_ACCESS,
)
def bulk_clone(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid, events in ctx.host_events.items():
        per_day: Counter[str] = Counter()
        for e in events:
            if e.kind is HostEventKind.REPO_CLONE:
                per_day[e.at.date().isoformat()] += e.count or 1
        if per_day and (top := per_day.most_common(1)[0])[1] >= BULK_CLONES_PER_DAY:
            yield Hit("posthire.bulk_clone", pid, f"{top[1]} repository clones on {top[0]}")


@indicator(
    "posthire.cloud_exfil",
    family="post-hire",
    title="Uploads to personal cloud storage",
    description="More than 100 MiB uploaded from company systems to personal cloud storage"
    " (the extortion pattern).",
    severity=Severity.MEDIUM,
    sources=(FBI_PSA_2025,),
    verify=verify.DATA_ACCESS,
)
def cloud_exfil(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid, events in ctx.host_events.items():
        sent: Counter[str] = Counter()
        for e in events:
            dest = e.value.lower()
            if e.kind is HostEventKind.CLOUD_UPLOAD and any(
                dest == d or dest.endswith("." + d) for d in PERSONAL_CLOUD
            ):
                sent[dest] += e.bytes or 0
        total = sum(sent.values())
        if total >= EXFIL_BYTES:
            yield Hit(
                "posthire.cloud_exfil",
                pid,
                f"{total / 1_048_576:.0f} MiB uploaded to {', '.join(sorted(sent))}",
            )


@indicator(
    "posthire.new_admin",
    family="post-hire",
    title="New admin rights soon after hire",
    description="Administrative privileges granted within 90 days of the hire date.",
    severity=Severity.WEAK,
    sources=(FBI_PSA_2025, MANDIANT_2024),
    verify=verify.DATA_ACCESS,
)
def new_admin(ctx: ScreeningContext) -> Iterator[Hit]:
    for pid, events in ctx.host_events.items():
        app = ctx.by_id.get(pid)
        for e in events:
            if (
                e.kind is HostEventKind.PRIVILEGE_GRANT
                and "admin" in e.value.lower()
                and (
                    app is None or app.hired_on is None or e.at.date() - app.hired_on <= EARLY_ADMIN
                )
            ):
                hired = app.hired_on if app else None
                yield Hit(
                    "posthire.new_admin",
                    pid,
                    f"granted {e.value!r} on {e.at:%Y-%m-%d} (hired {hired or 'unknown'})",
                )
                break
