"""TAXII 2.1 pull against a real medallion server (memory backend) on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from taxii2client.v21 import Collection
from werkzeug.serving import BaseWSGIServer, make_server

from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.intel.model import Dataset
from nkwatch.intel.stix.export import to_bundle
from nkwatch.intel.stix.extensions import PROPS_EXT
from nkwatch.intel.taxii import TaxiiSource, pull

COLLECTION = "5b4c3e7a-8d2f-4a61-9c0e-1f2a3b4c5d6e"
USER, PASSWORD = "analyst", "s3cret-for-tests"
CHOSEN = ("2024-05-31-dmm-bitcoin", "2024-10-16-radiant-capital", "2022-03-23-ronin-bridge")


def _config(tmp: Path) -> Path:
    data = {
        "/discovery": {
            "title": "nkwatch test TAXII",
            "default": "http://127.0.0.1/api1/",
            "api_roots": [],
        },
        "api1": {
            "information": {
                "title": "api1",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 50_000_000,
            },
            "status": [],
            "collections": [
                {
                    "id": COLLECTION,
                    "title": "DPRK heists",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    (tmp / "data.json").write_text(json.dumps(data))
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(tmp / "data.json"),
        },
        "users": {USER: PASSWORD},
        "taxii": {"max_page_size": 40},
    }
    (tmp / "config.json").write_text(json.dumps(config))
    return tmp / "config.json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from medallion import load_app

    app = load_app(str(_config(tmp_path_factory.mktemp("taxii"))))
    httpd: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/api1/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def published(server: str, bundled: Dataset) -> dict[str, object]:
    """Three incidents with their addresses, pushed to the server over TAXII."""
    subset = Dataset(
        tuple(i for i in bundled.incidents if i.incident_id in CHOSEN),
        tuple(a for a in bundled.addresses if a.incident_id in CHOSEN),
        (),
        bundled.actors,
    )
    bundle = json.loads(to_bundle(subset).serialize())
    # medallion 3.0 (2020) predates extension-definition objects and misreads their
    # schema ``version`` ("1.0.0") as a timestamp; the feed carries the objects that use
    # the definitions, which is what a partner collection holds anyway.
    bundle["objects"] = [o for o in bundle["objects"] if o["type"] != "extension-definition"]
    # the partner corrects one amount (DMM: $305M, Chainalysis' figure)
    for obj in bundle["objects"]:
        props = obj.get("extensions", {}).get(PROPS_EXT, {})
        if props.get("nkwatch_id") == "2024-05-31-dmm-bitcoin":
            props["amount_usd"] = "305000000"
            obj["modified"] = "2026-01-02T00:00:00.000Z"
    collection = Collection(f"{server}collections/{COLLECTION}/", user=USER, password=PASSWORD)
    status = collection.add_objects(json.dumps(bundle))
    assert status.success_count == len(bundle["objects"])
    return bundle


def test_pull_pages_through_the_whole_collection(
    server: str, published: dict[str, list[object]]
) -> None:
    got = pull(TaxiiSource(server, COLLECTION, USER, PASSWORD, page_size=25))
    assert len(published["objects"]) > 40  # more than one page on this server
    assert {o["id"] for o in got["objects"]} == {o["id"] for o in published["objects"]}  # type: ignore[index]


def test_cli_taxii_pull_imports_into_the_store(
    server: str, published: object, tmp_path: Path
) -> None:
    db = tmp_path / "pull.duckdb"
    env = {"NKWATCH_TAXII_PASSWORD": PASSWORD}
    result = CliRunner().invoke(
        cli,
        [
            "intel",
            "taxii-pull",
            "--url",
            server,
            "--collection",
            COLLECTION,
            "--user",
            USER,
            "--by",
            "tester",
            "--db",
            str(db),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "TAXII" in result.output and "incident: 0 new, 1 corrected, 2 unchanged" in result.output
    shown = CliRunner().invoke(
        cli, ["intel", "incident", "2024-05-31-dmm-bitcoin", "--json", "--db", str(db)]
    )
    view = json.loads(shown.output)
    assert view["amount_usd"] == "305000000"
    latest = view["history"][0]
    assert latest["changed_by"] == "tester" and latest["action"] == "update"
    assert latest["source"] == f"TAXII {server}collections/{COLLECTION}/"
    assert view["history"][-1]["changed_by"] == "nkwatch"  # the bundled original


def test_wrong_password_is_a_user_error(server: str) -> None:
    with pytest.raises(UserError) as err:
        pull(TaxiiSource(server, COLLECTION, USER, "wrong"))
    assert "TAXII pull failed" in err.value.message
