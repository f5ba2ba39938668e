"""API keys, UI users and login sessions.

Secrets are stored hashed only. API keys are 256-bit random tokens, so a plain SHA-256 is
enough to make a stolen table useless and keeps the per-request check to a dict lookup;
user passwords are low-entropy and get scrypt with a per-user salt. Keys look like
``nkw_<id>_<secret>``: the id is public (it names the key in lists and the audit log).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from nkwatch.errors import NotFoundError, UserError
from nkwatch.service.security import record_event

if TYPE_CHECKING:
    from nkwatch.store import Store


class Role(StrEnum):
    viewer = "viewer"
    analyst = "analyst"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANK = {Role.viewer: 0, Role.analyst: 1, Role.admin: 2}
_KEY = re.compile(r"^nkw_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Principal:
    """Who is calling: ``key:<id>`` or ``user:<name>``, with the role and how they proved it."""

    name: str
    role: Role
    via: str  # "key" or "session"
    csrf_token: str | None = None


@dataclass(frozen=True)
class ApiKeyInfo:
    key_id: str
    role: Role
    label: str
    created_at: datetime
    revoked: bool


def parse_role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise UserError(f"unknown role {text!r} (viewer, analyst or admin)", where="role") from None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- passwords -----------------------------------------------------------------------
def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    enc = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${enc(salt).decode()}${enc(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(got, base64.b64decode(digest))


# -- keys and users in the store -----------------------------------------------------
def create_key(store: Store, role: Role, label: str = "", *, actor: str = "cli") -> str:
    """Create a key and return it in full; only its hash is kept, so it is shown once.
    The creation is audited (who, key id, role, label; never the key)."""
    key_id = secrets.token_hex(6)
    key = f"nkw_{key_id}_{secrets.token_urlsafe(32)}"
    label = label or f"{role.value} key"
    store.conn.execute(
        "INSERT INTO service_api_keys (key_id, secret_sha256, role, label) VALUES (?, ?, ?, ?)",
        [key_id, _sha256(key), role.value, label],
    )
    record_event(
        store, actor=actor, action="key.create",
        detail={"key_id": key_id, "role": role.value, "label": label},
    )  # fmt: skip
    return key


def list_keys(store: Store) -> list[ApiKeyInfo]:
    rows = store.query(
        "SELECT key_id, role, label, created_at, revoked_at IS NOT NULL"
        " FROM service_api_keys ORDER BY created_at"
    )
    return [ApiKeyInfo(r[0], Role(r[1]), r[2], r[3], bool(r[4])) for r in rows]


def revoke_key(store: Store, key_id: str, *, actor: str = "cli") -> None:
    row = store.conn.execute(
        "UPDATE service_api_keys SET revoked_at = now()"
        " WHERE key_id = ? AND revoked_at IS NULL RETURNING key_id",
        [key_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no active API key with id {key_id[:40]!r}", where="key")
    record_event(store, actor=actor, action="key.revoke", detail={"key_id": key_id})


def create_user(
    store: Store, username: str, password: str, role: Role, *, actor: str = "cli"
) -> None:
    if not _USERNAME.match(username):
        raise UserError(
            "use 1-64 of a-z 0-9 . _ - (starting with a letter or digit)", where="username"
        )
    if len(password) < 12:
        raise UserError("password must have at least 12 characters", where="password")
    if store.query("SELECT 1 FROM service_users WHERE username = ?", [username]):
        raise UserError(f"user {username!r} already exists", where="username")
    store.conn.execute(
        "INSERT INTO service_users (username, password_hash, role) VALUES (?, ?, ?)",
        [username, hash_password(password), role.value],
    )
    record_event(
        store, actor=actor, action="user.create", detail={"username": username, "role": role.value}
    )


def authenticate_user(store: Store, username: str, password: str) -> Principal | None:
    rows = store.query(
        "SELECT password_hash, role FROM service_users WHERE username = ?", [username]
    )
    if not rows:
        verify_password(password, hash_password("timing-equaliser"))
        return None
    if not verify_password(password, rows[0][0]):
        return None
    return Principal(f"user:{username}", Role(rows[0][1]), "session")


def has_admin(store: Store) -> bool:
    return bool(
        store.query(
            "SELECT 1 FROM service_api_keys WHERE role = 'admin' AND revoked_at IS NULL"
            " UNION ALL SELECT 1 FROM service_users WHERE role = 'admin' LIMIT 1"
        )
    )


class KeyCache:
    """In-memory view of the key table: one process owns the store, so it stays coherent."""

    def __init__(self) -> None:
        self._by_id: dict[str, tuple[str, Role]] = {}
        self._lock = threading.Lock()

    def reload(self, store: Store) -> None:
        rows = store.query(
            "SELECT key_id, secret_sha256, role FROM service_api_keys WHERE revoked_at IS NULL"
        )
        with self._lock:
            self._by_id = {r[0]: (r[1], Role(r[2])) for r in rows}

    def check(self, key: str) -> Principal | None:
        match = _KEY.match(key)
        if not match:
            return None
        entry = self._by_id.get(match.group(1))
        if entry is None or not hmac.compare_digest(entry[0], _sha256(key)):
            return None
        return Principal(f"key:{match.group(1)}", entry[1], "key")


# -- sessions ------------------------------------------------------------------------
def open_session(store: Store, principal: Principal, ttl_s: int) -> tuple[str, str]:
    """Start a UI session; returns (cookie token, CSRF token). Only the token's hash is kept."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(seconds=ttl_s)
    store.conn.execute("DELETE FROM service_sessions WHERE expires_at < now()")
    store.conn.execute(
        "INSERT INTO service_sessions (token_sha256, principal, role, csrf_token, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [_sha256(token), principal.name, principal.role.value, csrf, expires],
    )
    return token, csrf


def session_principal(store: Store, token: str) -> Principal | None:
    rows = store.query(
        "SELECT principal, role, csrf_token FROM service_sessions"
        " WHERE token_sha256 = ? AND expires_at > now()",
        [_sha256(token)],
    )
    if not rows:
        return None
    return Principal(rows[0][0], Role(rows[0][1]), "session", csrf_token=rows[0][2])


def close_session(store: Store, token: str) -> None:
    store.conn.execute("DELETE FROM service_sessions WHERE token_sha256 = ?", [_sha256(token)])
