"""CLI import/show on real files, plus the country and script helpers the parsers rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.sanctions.countries import country_in_text, to_iso2
from nkwatch.sanctions.parsers import ListFormat, detect_format, formats, register
from nkwatch.sanctions.scriptdetect import detect_script


def test_cli_import_twice_and_show(tmp_path: Path, un_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    first = runner.invoke(cli, ["lists", "import", "--db", str(db), str(un_path)])
    assert first.exit_code == 0, first.output
    assert "un_sc_consolidated@2026-02-27#66b392a40908: imported 1003 parties" in first.output
    second = runner.invoke(cli, ["lists", "import", "--db", str(db), str(un_path)])
    assert second.exit_code == 0 and "already imported" in second.output
    text = runner.invoke(cli, ["lists", "show", "--db", str(db)])
    assert text.output.startswith("* un_sc_consolidated@2026-02-27")
    shown = json.loads(runner.invoke(cli, ["lists", "show", "--db", str(db), "--json"]).output)
    [version] = shown["versions"]
    assert version["active"] is True
    assert version["publisher"] == "UN Security Council"
    assert version["published"] == "2026-02-27"
    assert version["sha256"].startswith("66b392a4")
    assert (version["party_count"], version["address_count"]) == (1003, 0)


def test_show_on_an_empty_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["lists", "show", "--db", str(tmp_path / "e.duckdb")])
    assert result.exit_code == 0 and "no list versions imported" in result.output


def test_builtin_formats_are_registered_and_duplicates_refused(un_path: Path) -> None:
    names = [f.name for f in formats()]
    assert names[:2] == ["ofac-advanced", "un-consolidated"]
    assert detect_format(un_path).name == "un-consolidated"
    with pytest.raises(ValueError, match="already registered"):
        register(ListFormat("ofac-advanced", "dup", lambda tag, head: False, formats()[0].parse))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Korea, North", "KP"),
        ("Democratic People's Republic of Korea", "KP"),
        ("Korea, South", "KR"),
        ("Burma", "MM"),
        ("Bahamas, The", "BS"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Russian Federation", "RU"),
        ("Côte d'Ivoire", "CI"),
        ("kp", "KP"),
        ("Kosovo", "XK"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_names_to_iso2(name: str, code: str | None) -> None:
    assert to_iso2(name) == code


def test_country_in_free_text_keeps_commas_inside_names() -> None:
    assert country_in_text("Potonggang District, Pyongyang, Korea, North") == "KP"
    assert country_in_text("Giza, Egypt") == "EG"
    assert country_in_text("Dandong, China") == "CN"
    assert country_in_text("somewhere unknown") is None


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Kim Jong Un", "Latn"),
        ("김정은", "Hang"),
        ("延边银星网络科技有限公司", "Hani"),
        ("朝鲜 김정은", "Kore"),
        ("ひらがな漢字", "Jpan"),
        ("Ким Чен Ын", "Cyrl"),
        ("صدام حسين", "Arab"),
        ("12345", "Latn"),
    ],
)
def test_script_detection(text: str, script: str) -> None:
    assert detect_script(text) == script
