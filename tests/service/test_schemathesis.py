"""Property-based API tests generated from our own OpenAPI document (schemathesis).

A real uvicorn server on a loopback port serves a copy of the bundled store; every
operation is called with generated valid and invalid input using an admin key, and every
answer is checked against the spec: no 500s, documented status codes and bodies, auth
actually enforced. Examples are bounded so the whole run stays around a minute.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from nkwatch.service import auth
from nkwatch.service.app import create_app
from nkwatch.service.config import ServiceConfig
from nkwatch.settings import Settings
from nkwatch.store import open_store


@dataclass(frozen=True)
class Live:
    url: str
    headers: dict[str, str]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, bundled_store: Path) -> Iterator[Live]:
    path = tmp_path_factory.mktemp("schemathesis") / "nk.duckdb"
    shutil.copyfile(bundled_store, path)
    # list updates (an admin endpoint the fuzzer calls) must never leave the machine
    offline = "http://127.0.0.1:9/unreachable"
    cfg = Settings.from_env(
        {
            "HOME": str(path.parent),
            "NKWATCH_LISTS_BASE_URL": offline,
            "NKWATCH_UN_LIST_URL": offline,
        },
        db_path=path,
    )
    with open_store(cfg) as store:
        key = auth.create_key(store, auth.Role.admin, "schemathesis")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(cfg, ServiceConfig(max_body_bytes=256 * 1024))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield Live(f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"})
    server.should_exit = True
    thread.join(timeout=10)


def _operations(live: Live) -> list[schemathesis.schemas.APIOperation]:
    loaded = schemathesis.openapi.from_url(f"{live.url}/openapi.json", headers=live.headers)
    return [result.ok() for result in loaded.get_all_operations()]


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda m: m.value)
def test_api_conforms_and_never_fails(live: Live, mode: schemathesis.GenerationMode) -> None:
    """Every operation, valid and invalid input: the spec's checks, no 500s.

    (The schemathesis pytest plugin is not used: its fixture loader does not support the
    pytest in use; driving hypothesis directly gives the same checks.)
    """
    operations = _operations(live)
    assert len(operations) >= 10
    # In negative mode an "invalid" optional query value can serialise to the same wire
    # text as a valid one (``chain=``), and our fixed key overrides the generated invalid
    # auth header, so "invalid data accepted" would be noise there. Every other check
    # (no 5xx, documented statuses, response schemas, content types) still runs.
    # In positive mode, "schema-valid request rejected" is left out for the same kind of
    # reason: an address is checked against its chain's checksum and format, which JSON
    # Schema cannot express, so a well-typed but invalid address is a 400 by design.
    negative = mode is schemathesis.GenerationMode.NEGATIVE
    skip = [negative_data_rejection] if negative else [positive_data_acceptance]
    exercised = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=live.url, headers=live.headers, excluded_checks=skip)

        try:
            run()
        except Unsatisfiable:
            # no parameters or body to make invalid (e.g. GET /health): nothing to send
            assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
            continue
        exercised += 1
    assert exercised >= len(operations) // 2
