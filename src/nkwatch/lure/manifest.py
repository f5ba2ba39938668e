"""What the lure capability contributes (read without importing its code)."""

from __future__ import annotations

from nkwatch.capability import Capability, Command, NavEntry

CAPABILITY = Capability(
    name="lure",
    summary="Tell a developer, before they run it, whether a coding test or package carries a DPRK lure",
    commands=(
        Command(
            "lure",
            "nkwatch.lure.cli:lure_group",
            "Check a repository or package for DPRK developer-lure traits (nothing is run).",
        ),
    ),
    routers=("nkwatch.lure.api:router", "nkwatch.lure.pages:router"),
    nav=(NavEntry("/lure", "Lure check", role="analyst", order=70),),
    templates="nkwatch.lure",
    requires="lure",
)
