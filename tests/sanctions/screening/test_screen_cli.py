"""The ``nkwatch screen`` and ``nkwatch demo`` commands, in-process and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.settings import Settings
from nkwatch.store import audit, open_store

TIAN_YINYIN_BTC = "134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak"
LAZARUS_ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
BROKEN_ETH = "0x098b716B8Aaf21512996dC57EB0615e2383E2f96"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_address_hit_json_exit_3_and_audit(bundled_copy: Path) -> None:
    res = run("screen", "address", TIAN_YINYIN_BTC, "--json", "--db", str(bundled_copy))
    assert res.exit_code == 3, res.output
    payload = json.loads(res.stdout)
    assert payload["matches"][0]["name"] == "Tian Yinyin"
    assert payload["matches"][0]["dprk_linked"] is True
    with open_store(Settings(db_path=bundled_copy)) as store:
        (entry,) = audit.entries(store, action="screen.address")
    assert entry.actor == "cli" and entry.query["address"] == TIAN_YINYIN_BTC
    assert entry.result["matches"][0]["entity_id"] == payload["matches"][0]["entity_id"]
    assert entry.list_versions == payload["list_versions"]


def test_human_output_explains(bundled_copy: Path) -> None:
    res = run("screen", "address", LAZARUS_ETH.lower(), "--db", str(bundled_copy))
    assert res.exit_code == 3
    assert "Lazarus Group" in res.output and "Tian Yinyin is providing support to it" in res.output


def test_clean_address_exit_0(bundled_copy: Path) -> None:
    res = run("screen", "address", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "--db", str(bundled_copy))
    assert res.exit_code == 0 and "no match" in res.output


def test_bad_checksum_one_line_exit_2(bundled_copy: Path) -> None:
    res = run("screen", "address", BROKEN_ETH, "--db", str(bundled_copy))
    assert res.exit_code == 2
    assert (
        res.stderr.strip().splitlines() == [res.stderr.strip()]
        and "invalid EIP-55 checksum in 0x098b716B8Aaf" in res.stderr
    )


def test_empty_store_says_how_to_import(tmp_path: Path) -> None:
    res = run("screen", "name", "Kim Jong Un", "--db", str(tmp_path / "empty.duckdb"))
    assert res.exit_code == 2
    assert "no lists imported; run `nkwatch lists import` or `nkwatch demo`" in res.stderr


def test_name_json_and_bad_names(bundled_copy: Path) -> None:
    res = run("screen", "name", "김정은", "--type", "person", "--json", "--db", str(bundled_copy))
    assert res.exit_code == 3
    assert json.loads(res.stdout)["matches"][0]["name"] == "Kim Jong Un"
    assert run("screen", "name", "", "--db", str(bundled_copy)).exit_code == 2
    huge = run("screen", "name", "x" * 1_048_576, "--db", str(bundled_copy))
    assert huge.exit_code == 2 and "name too long" in huge.stderr


def test_file_jsonl_in_input_order_with_row_errors(bundled_copy: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "Wallet Address,Payee\n"
        f"{TIAN_YINYIN_BTC},\n"
        ",Maria Fernandez Lopez\n"
        f"{BROKEN_ETH},\n"
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    res = run("screen", "file", str(src), "-o", str(out), "--db", str(bundled_copy))
    assert res.exit_code == 3, res.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["query"]["row"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["matches"][0]["name"] == "Tian Yinyin"
    assert rows[1]["matches"] == [] and rows[3]["matches"] == []
    assert "invalid EIP-55 checksum" in rows[2]["error"]
    csv_out = tmp_path / "out.csv"
    assert (
        run("screen", "file", str(src), "-o", str(csv_out), "--db", str(bundled_copy)).exit_code
        == 3
    )
    lines = csv_out.read_text("utf-8").splitlines()
    assert lines[0].startswith("Wallet Address,Payee,screen_status")
    assert [line.split(",")[2] for line in lines[1:]] == ["hit", "clear", "error", "clear"]


def test_file_bad_inputs(bundled_copy: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("name\nMaria\nJos\u00e9 N\u00fa\u00f1ez\n".encode("latin-1"))
    res = run(
        "screen", "file", str(latin), "-o", str(tmp_path / "o.csv"), "--db", str(bundled_copy)
    )
    assert res.exit_code == 2 and "line 3: not valid UTF-8" in res.stderr
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("name\nMaria\n".encode("utf-16"))
    res = run(
        "screen", "file", str(utf16), "-o", str(tmp_path / "o.csv"), "--db", str(bundled_copy)
    )
    assert res.exit_code == 2 and "UTF-16" in res.stderr
    missing = run("screen", "file", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv"))
    assert missing.exit_code == 2 and "file not found" in missing.stderr
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("foo,bar\n1,2\n")
    res = run(
        "screen", "file", str(nocol), "-o", str(tmp_path / "o.csv"), "--db", str(bundled_copy)
    )
    assert res.exit_code == 2 and "no name or address column" in res.stderr
    assert not (tmp_path / "o.csv").exists()
    same = run("screen", "file", str(nocol), "-o", str(nocol), "--db", str(bundled_copy))
    assert same.exit_code == 2 and "overwrite" in same.stderr
    assert nocol.read_text() == "foo,bar\n1,2\n"
    xlsx = run(
        "screen", "file", str(nocol), "-o", str(tmp_path / "o.xlsx"), "--db", str(bundled_copy)
    )
    assert xlsx.exit_code == 2 and ".csv or .jsonl" in xlsx.stderr


def test_demo_screens_the_example_batch(bundled_copy: Path) -> None:
    res = run("demo", "--db", str(bundled_copy))
    assert res.exit_code == 0, res.output
    assert "already imported" in res.output
    assert "Kim Jong Un" in res.output and "Tian Yinyin" in res.output
    assert "Yanbian Silverstar" in res.output and "rejected" in res.output
    with open_store(Settings(db_path=bundled_copy)) as store:
        assert len(audit.entries(store, action="screen.batch", limit=1000)) == 20


def test_real_process_exit_codes(bundled_copy: Path) -> None:
    def code(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "nkwatch",
                "screen",
                "address",
                *args,
                "--db",
                str(bundled_copy),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )

    hit = code(TIAN_YINYIN_BTC)
    assert hit.returncode == 3, hit.stderr
    bad = code(BROKEN_ETH)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    assert code("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").returncode == 0
