"""The service host's contribution: serve, keys, users; health, access, audit, jobs; login,
dashboard and API docs pages; its schema (0600-0699). The capabilities' routers and pages
plug into the host through their own manifests."""

from __future__ import annotations

from nkwatch.capability import Capability, Command, NavEntry

CAPABILITY = Capability(
    name="service",
    summary="REST API and web UI host: auth, access, audit log, jobs, health.",
    commands=(
        Command(
            "serve",
            "nkwatch.service.cli:serve",
            "Serve the REST API and web UI on the store, importing bundled data if missing.",
        ),
        Command(
            "keys",
            "nkwatch.service.cli:keys_group",
            "Create, list and revoke API keys (stored hashed; a key is shown once).",
        ),
        Command(
            "users",
            "nkwatch.service.cli:users_group",
            "Web UI users (passwords stored with scrypt).",
        ),
    ),
    routers=(
        "nkwatch.service.routers.health:router",
        "nkwatch.service.routers.access:router",
        "nkwatch.service.routers.audit:router",
        "nkwatch.service.routers.jobs:router",
        "nkwatch.service.web.pages:router",
    ),
    nav=(NavEntry("/", "Dashboard", order=0),),
    migrations="nkwatch.service.migrations",
    templates="nkwatch.service.web",
    requires="service",
)
