"""``lists update`` against a real HTTP server on loopback serving the shared list files."""

from __future__ import annotations

import dataclasses
import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.sanctions import repository
from nkwatch.sanctions.model import ListDocument
from nkwatch.sanctions.update import OFAC_EXPORT_PATH, update_lists
from nkwatch.settings import Settings
from nkwatch.store import open_store

from .conftest import snapshot

pytestmark = pytest.mark.slow  # parses the full OFAC file(s)

UN_PATH = "/resources/xml/en/consolidated.xml"


@dataclasses.dataclass
class Route:
    body: bytes
    status: int = 200
    cut_at: int | None = None  # announce the full length, send only this many bytes


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route]

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path)  # type: ignore[attr-defined]
        if route is None or route.status == 404:
            self.send_error(404, "Not Found")
            return
        self.send_response(route.status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        body = route.body if route.cut_at is None else route.body[: route.cut_at]
        self.wfile.write(body)
        if route.cut_at is not None:
            self.wfile.flush()
            self.close_connection = True

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture()
def server(ofac_2024_path: Path, un_path: Path) -> Iterator[tuple[str, dict[str, Route]]]:
    routes = {
        # The shared OFAC copy is bz2; the parser sniffs compression from content.
        OFAC_EXPORT_PATH: Route(ofac_2024_path.read_bytes()),
        UN_PATH: Route(gzip.decompress(un_path.read_bytes())),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.routes = routes  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    finally:
        httpd.shutdown()
        httpd.server_close()


def _args(db: Path, base: str) -> list[str]:
    return ["lists", "update", "--db", str(db), "--base-url", base, "--un-url", base + UN_PATH]


def _seeded_db(tmp_path: Path, un_doc: ListDocument) -> Path:
    db = tmp_path / "u.duckdb"
    with open_store(Settings.from_env({}, db_path=db)) as store:
        repository.import_document(store, un_doc)
    return db


def _state(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with open_store(Settings.from_env({}, db_path=db)) as store:
        return snapshot(store)


def test_update_downloads_verifies_and_imports_then_is_a_noop(
    tmp_path: Path,
    server: tuple[str, dict[str, Route]],
    ofac_2024: ListDocument,
    un_doc: ListDocument,
) -> None:
    base, _ = server
    db = tmp_path / "u.duckdb"
    runner = CliRunner()
    first = runner.invoke(cli, _args(db, base))
    assert first.exit_code == 0, first.output + first.stderr
    assert f"{ofac_2024.version_id}: imported 14984 parties, 649 digital-currency" in first.output
    assert f"{un_doc.version_id}: imported 1003 parties" in first.output
    with open_store(Settings.from_env({}, db_path=db)) as store:
        active = {v.version_id for v in repository.list_versions(store) if v.active}
    assert active == {ofac_2024.version_id, un_doc.version_id}
    second = runner.invoke(cli, _args(db, base))
    assert second.exit_code == 0
    assert second.output.count("already imported") == 2


@pytest.mark.parametrize(
    ("route", "change", "message"),
    [
        (OFAC_EXPORT_PATH, {"status": 404}, "HTTP 404"),
        (UN_PATH, {"status": 404}, "HTTP 404"),
        (OFAC_EXPORT_PATH, {"cut_at": 100_000}, "download failed"),
        (UN_PATH, {"body": b"<html><body>maintenance</body></html>"}, "not usable"),
    ],
)
def test_failed_update_exits_2_and_leaves_store_unchanged(
    tmp_path: Path,
    server: tuple[str, dict[str, Route]],
    un_doc: ListDocument,
    route: str,
    change: dict[str, object],
    message: str,
) -> None:
    base, routes = server
    routes[route] = dataclasses.replace(routes[route], **change)  # type: ignore[arg-type]
    if route == UN_PATH and "body" in change:
        # keep the OFAC download small so the test stays fast: a cut-off but complete
        # HTTP response is verified (parsed) and rejected before anything is imported
        routes[OFAC_EXPORT_PATH] = Route(routes[OFAC_EXPORT_PATH].body[:200_000])
        message = "corrupt or truncated compressed data"
    db = _seeded_db(tmp_path, un_doc)
    before = _state(db)
    result = CliRunner().invoke(cli, _args(db, base))
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and message in line and base in line
    assert _state(db) == before


def test_size_cap_stops_the_download(
    tmp_path: Path, server: tuple[str, dict[str, Route]], un_doc: ListDocument
) -> None:
    base, _ = server
    settings = dataclasses.replace(
        Settings.from_env({}, db_path=_seeded_db(tmp_path, un_doc)),
        lists_base_url=base,
        un_list_url=base + UN_PATH,
        max_download_bytes=1_000_000,
    )
    with open_store(settings) as store:
        before = snapshot(store)
        with pytest.raises(UserError, match="cap"):
            update_lists(store, settings)
        assert snapshot(store) == before
