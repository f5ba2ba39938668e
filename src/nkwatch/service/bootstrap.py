"""Start-up preparation run by ``nkwatch serve`` before the app opens the store.

Imports the bundled snapshots a capability ships (lists, intel, the example trace case)
when they are missing, and creates a first admin (key + UI login) when there is none, so
``make run`` gives a usable site with no network and nothing to do by hand.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nkwatch import capabilities
from nkwatch.service import auth
from nkwatch.settings import Settings
from nkwatch.store import Store, open_store


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    password: str
    key: str


@dataclass(frozen=True)
class Prepared:
    imported: list[str]
    first_admin: FirstAdmin | None


def ensure_bundles(store: Store, log: Callable[[str], None]) -> list[str]:
    """Run every capability's bundle loaders (each imports its data only if it is missing)."""
    done: list[str] = []
    for cap in capabilities.load():
        if cap.bundles and not capabilities.installed(cap):
            log(f"skipping bundled data of {cap.name}: needs pip install 'nkwatch[{cap.requires}]'")
            continue
        for target in cap.bundles:
            fn: Callable[[Store], Any] = capabilities.resolve(target)
            name = target.replace(":", ".")
            log(f"checking bundled data: {name}")
            fn(store)
            done.append(name)
    return done


def create_first_admin(store: Store) -> FirstAdmin | None:
    if auth.has_admin(store):
        return None
    password = secrets.token_urlsafe(15)
    with store.transaction():
        auth.create_user(store, "admin", password, auth.Role.admin)
        key = auth.create_key(store, auth.Role.admin, "first admin key")
    return FirstAdmin("admin", password, key)


def prepare(settings: Settings, log: Callable[[str], None] = lambda _: None) -> Prepared:
    with open_store(settings) as store:
        imported = ensure_bundles(store, log)
        return Prepared(imported, create_first_admin(store))
