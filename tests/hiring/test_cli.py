"""`nkwatch hiring screen / report / generate` through click, on a real DuckDB store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.hiring.model import applicant_json_schema
from nkwatch.settings import Settings
from nkwatch.store import open_store

CSV = (
    "id,full_name,emails,payment_accounts,employers,shipping_address,address\n"
    "a1,Ann One,ann@example.org,GB82WEST12345698765432,Globex,,\n"
    "a2,Bob Two,bob@example.org,GB82WEST12345698765432,Yanbian Silverstar,,\n"
    "a3,Cy Three,bad-email,,Initech,,\n"
    "a3,Cy Again,cy@example.org,,,,\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def counts(db: Path) -> tuple[int, int]:
    with open_store(Settings(db_path=db)) as store:
        return (
            store.query("SELECT count(*) FROM hiring_screening")[0][0],
            store.query("SELECT count(*) FROM hiring_person_result")[0][0],
        )


@pytest.mark.slow
def test_screen_then_report_person_cluster_and_rejected(tmp_path: Path, lists_copy: Path) -> None:
    src = tmp_path / "apps.csv"
    src.write_text(CSV, encoding="utf-8")
    out = tmp_path / "report.json"
    code, stdout, _ = run(
        "hiring", "screen", str(src), "-o", str(out), "--json", "--db", str(lists_copy)
    )
    assert code == 0, stdout
    assert "3 screened, 1 rejected, 1 field warnings" in stdout
    doc = json.loads(out.read_text())
    people = {p["id"]: p for p in doc["people"]}
    assert people["a2"]["level"] == "high"
    fired = {i["indicator"] for i in people["a2"]["indicators"]}
    assert {"identity.shared_identifier", "payments.sanctioned_employer"} <= fired
    assert all(s["url"] and s["date"] for i in people["a2"]["indicators"] for s in i["sources"])
    assert doc["summary"]["sanctions_lists"] and doc["clusters"][0]["members"] == ["a1", "a2"]

    code, stdout, _ = run("hiring", "report", "a2", "--db", str(lists_copy))
    assert code == 0 and "a2: HIGH" in stdout and "source:" in stdout and "check:" in stdout
    code, stdout, _ = run("hiring", "report", "C00001", "--json", "--db", str(lists_copy))
    assert json.loads(stdout)["summary"].startswith("these 2 applications share 1 payment acc")
    code, stdout, _ = run("hiring", "report", "a3", "--db", str(lists_copy))
    assert code == 0 and "a3: LOW" in stdout
    code, _, stderr = run("hiring", "report", "zz", "--db", str(lists_copy))
    assert code == 2 and "no person or cluster 'zz'" in stderr


def test_unreadable_input_exits_2_and_leaves_the_store_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "nk.duckdb"
    good = tmp_path / "ok.json"
    good.write_text(json.dumps([{"id": "x", "full_name": "X Y"}]))
    assert (
        run(
            "hiring",
            "screen",
            str(good),
            "-o",
            str(tmp_path / "r.txt"),
            "--no-sanctions",
            "--db",
            str(db),
        )[0]
        == 0
    )
    before = counts(db)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, stderr = run(
        "hiring",
        "screen",
        str(bad),
        "-o",
        str(tmp_path / "r2.txt"),
        "--no-sanctions",
        "--db",
        str(db),
    )
    assert code == 2 and stderr.startswith("nkwatch: error:") and "bad.json" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert counts(db) == before


def test_generate_then_screen_text_report(tmp_path: Path) -> None:
    pop, truth = tmp_path / "pop.json", tmp_path / "truth.json"
    code, stdout, _ = run(
        "hiring", "generate", "300", "-o", str(pop), "--truth", str(truth), "--seed", "3"
    )
    assert code == 0 and "planted operators" in stdout
    labels = json.loads(truth.read_text())
    assert len(labels) == len(json.loads(pop.read_text())["applicants"])
    out = tmp_path / "r.txt"
    code, stdout, _ = run(
        "hiring",
        "screen",
        str(pop),
        "-o",
        str(out),
        "--no-sanctions",
        "--db",
        str(tmp_path / "nk.duckdb"),
    )
    assert code == 0
    text = out.read_text()
    assert "== Clusters ==" in text and "HIGH" in text and "Never decide on nationality" in text


def test_shipped_json_schema_is_current() -> None:
    shipped = Path(__file__).resolve().parents[2] / "src/nkwatch/data/hiring/applicant.schema.json"
    assert json.loads(shipped.read_text()) == applicant_json_schema()
