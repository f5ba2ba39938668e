"""A worker notices new active list versions on the owner and swaps its screener.

The worker's ASGI app runs in-process against a real owner channel (``OwnerServer`` on a
Unix socket with the HMAC handshake); the owner side serves a list snapshot the test
replaces, as the owner does after an admin's list update. A small slice of the bundled
lists keeps the index builds fast.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import orjson

from nkwatch.sanctions.repository import LoadedLists, load_active
from nkwatch.service.config import ServiceConfig
from nkwatch.service.ipc import ListsSnapshot, OwnerServer
from nkwatch.service.owner import WorkerSpec
from nkwatch.service.worker import WorkerApp
from nkwatch.settings import Settings
from nkwatch.store import open_store

KEY = "nkw_0123456789ab_" + "k" * 43
LAZARUS = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"


def _slice(lists: LoadedLists, suffix: str) -> LoadedLists:
    parties = tuple(p for p in lists.parties if p.entity_id == "ofac-27307") + lists.parties[:200]
    versions = tuple(
        dataclasses.replace(v, version_id=v.version_id + suffix) for v in lists.versions
    )
    return LoadedLists(versions, parties, (), {p.entity_id: p for p in parties})


async def _screen(app: WorkerApp) -> tuple[int, dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    body = orjson.dumps({"address": LAZARUS})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/api/v1/screen/address", "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"authorization", f"Bearer {KEY}".encode())],
    }  # fmt: skip
    await app(scope, receive, send)
    return sent[0]["status"], orjson.loads(sent[1]["body"])


def test_worker_follows_the_owners_list_versions(tmp_path: Path, bundled_store: Path) -> None:
    db = tmp_path / "nk.duckdb"
    shutil.copyfile(bundled_store, db)
    with open_store(Settings.from_env({"HOME": str(tmp_path)}, db_path=db)) as store:
        full = load_active(store)
    old, new = _slice(full, ""), _slice(full, "-next")
    current = {"snapshot": ListsSnapshot(tuple(sorted(v.version_id for v in old.versions)), old)}
    ids = itertools.count(1)
    handlers = {
        "hello": lambda _: {"schema_version": 601},
        "key": lambda m: (
            {"name": "key:0123456789ab", "role": "analyst"} if m["key"] == KEY else None
        ),
        "ids": lambda m: [next(ids) for _ in range(int(m["n"]))],
        "lists_key": lambda _: list(current["snapshot"].key),
    }
    authkey = secrets.token_bytes(32)
    owner = OwnerServer(tmp_path / "ipc", authkey, handlers, lambda: current["snapshot"])
    spec = WorkerSpec(
        index=0, count=1, fd=-1, ipc_path=str(tmp_path / "ipc"), http_path=str(tmp_path / "none"),
        authkey_hex=authkey.hex(), segments=str(tmp_path / "segments"),
        config=dataclasses.asdict(ServiceConfig(list_poll_s=0.05)),
    )  # fmt: skip
    app = WorkerApp(spec)

    async def scenario() -> None:
        await app.startup()
        status, before = await _screen(app)
        assert status == 200 and before["hit"]
        assert before["list_versions"] == [v.version_id for v in old.versions]
        current["snapshot"] = ListsSnapshot(tuple(sorted(v.version_id for v in new.versions)), new)
        for _ in range(400):  # poll + build of the small slice: well under 20 s
            await asyncio.sleep(0.05)
            status, after = await _screen(app)
            if after["list_versions"] != before["list_versions"]:
                break
        assert after["list_versions"] == [v.version_id for v in new.versions]
        assert after["matches"][0]["list_version"].endswith("-next")
        await app.shutdown()

    try:
        asyncio.run(scenario())
    finally:
        owner.close()


def test_a_paused_owner_holds_no_request_and_a_revoked_key_still_stops(
    tmp_path: Path, bundled_store: Path
) -> None:
    """The owner pauses (a DuckDB checkpoint or a collection holds its id and key answers);
    the worker keeps answering from its id headroom and its key cache, refreshing a key in
    the background once it is half-way to expiry, and still drops a revoked key in time."""
    db = tmp_path / "nk.duckdb"
    shutil.copyfile(bundled_store, db)
    with open_store(Settings.from_env({"HOME": str(tmp_path)}, db_path=db)) as store:
        lists = _slice(load_active(store), "")
    snapshot = ListsSnapshot(tuple(sorted(v.version_id for v in lists.versions)), lists)
    running, revoked = threading.Event(), threading.Event()
    running.set()
    ids = itertools.count(1)
    asked: list[float] = []

    def key(m: dict[str, Any]) -> dict[str, str] | None:
        running.wait()
        asked.append(time.monotonic())
        return None if revoked.is_set() else {"name": "key:0123456789ab", "role": "analyst"}

    def id_block(m: dict[str, Any]) -> list[int]:
        running.wait()
        return [next(ids) for _ in range(int(m["n"]))]

    handlers = {"hello": lambda _: {"schema_version": 601}, "key": key, "ids": id_block,
                "lists_key": lambda _: list(snapshot.key)}  # fmt: skip
    authkey = secrets.token_bytes(32)
    owner = OwnerServer(tmp_path / "ipc", authkey, handlers, lambda: snapshot)
    ttl = 2.0
    spec = WorkerSpec(
        index=0, count=1, fd=-1, ipc_path=str(tmp_path / "ipc"), http_path=str(tmp_path / "none"),
        authkey_hex=authkey.hex(), segments=str(tmp_path / "segments"),
        config=dataclasses.asdict(ServiceConfig(key_cache_ttl_s=ttl, list_poll_s=60)),
    )  # fmt: skip
    app = WorkerApp(spec)

    async def scenario() -> None:
        await app.startup()
        assert (await _screen(app))[0] == 200  # key cached, first id block drawn
        await asyncio.sleep(ttl * 0.6)  # the key is due for its background refresh
        running.clear()  # the owner pauses
        t0 = time.monotonic()
        for _ in range(600):  # more than one id block of the old worker (512)
            status, answer = await asyncio.wait_for(_screen(app), timeout=0.5)
            assert status == 200 and answer["hit"]
        assert time.monotonic() - t0 < ttl * 0.4  # within the key's remaining life
        running.set()
        for _ in range(100):  # the background refresh lands
            await asyncio.sleep(0.01)
            if len(asked) >= 2:
                break
        assert len(asked) == 2
        revoked.set()
        deadline = time.monotonic() + 2 * ttl + 1
        while (await _screen(app))[0] == 200:  # proxied once the key is refused: not 200
            assert time.monotonic() < deadline, "a revoked key kept working past its TTL"
            await asyncio.sleep(0.05)
        await app.shutdown()

    try:
        asyncio.run(scenario())
    finally:
        running.set()
        owner.close()
