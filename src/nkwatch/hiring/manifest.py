"""Hiring screening's contribution: ``nkwatch hiring``, the applicants API, the Applicants
and review pages and its schema (0500-0599)."""

from __future__ import annotations

from nkwatch.capability import Capability, Command, NavEntry

CAPABILITY = Capability(
    name="hiring",
    summary="DPRK IT-worker indicators and linking of applications that hide one operator.",
    commands=(
        Command(
            "hiring",
            "nkwatch.hiring.cli:hiring_group",
            "DPRK IT-worker indicators and linking of applications that hide one operator.",
        ),
    ),
    routers=("nkwatch.hiring.router:router", "nkwatch.hiring.pages:router"),
    nav=(NavEntry("/applicants", "Applicants", order=20),),
    migrations="nkwatch.hiring.migrations",
    bundles=("nkwatch.hiring.example:ensure_example_book",),
    templates="nkwatch.hiring",
    requires="hiring",
)
